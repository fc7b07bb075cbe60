package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/cadence"
	"github.com/strazh/strazh/moderation/store"
)

// A page that cannot list its history (Telegram: cadence.Arriving) knows
// its last post only from the posts the daemon recorded. `strazh registry`
// reads them from the running daemon (its admin socket: GET /v1/posts) or,
// with the daemon stopped, from the database opened read-only.

// registryPosts is the recorded posts for the registry, nil when there are
// none to read (no daemon and no database: the last post is left out).
func registryPosts(cfg *config.Config, errw io.Writer) (cadence.Store, func()) {
	sock := cfg.SocketPath()
	if c, err := net.DialTimeout("unix", sock, time.Second); err == nil {
		c.Close()
		return readOnlyPosts{socketPosts{newSocketBackend(sock)}, errw}, func() {}
	}
	if _, err := os.Stat(cfg.DBPath()); err != nil {
		return nil, func() {}
	}
	db, err := store.Open(cfg.DBPath(), &store.Options{ReadOnly: true, Retention: cfg.Retention})
	if err != nil {
		fmt.Fprintf(errw, "strazh registry: the recorded posts are not read: %v\n", damagedHint(err, cfg))
		return nil, func() {}
	}
	return readOnlyPosts{db, errw}, func() { _ = db.Close() }
}

// postLister is the read half of cadence.Store.
type postLister interface {
	Posts(account string, since, until time.Time) ([]moderation.Post, error)
}

// readOnlyPosts gives a page its recorded posts to read, saying on errw
// when they cannot be read (the page then leaves the last post out); the
// registry never records any.
type readOnlyPosts struct {
	l    postLister
	errw io.Writer
}

var errReadOnlyPosts = errors.New("strazh registry: posts are read only here")

func (readOnlyPosts) PutPosts([]moderation.Post) error { return errReadOnlyPosts }

func (r readOnlyPosts) Posts(account string, since, until time.Time) ([]moderation.Post, error) {
	ps, err := r.l.Posts(account, since, until)
	if err != nil {
		fmt.Fprintf(r.errw, "strazh registry: %s: the recorded posts are not read: %v\n", account, err)
	}
	return ps, err
}

// socketPosts reads the posts through the daemon's admin socket.
type socketPosts struct{ s *socketBackend }

func (p socketPosts) Posts(account string, since, until time.Time) ([]moderation.Post, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pageTimeout)
	defer cancel()
	q := url.Values{"account": {account}, "since": {since.Format(time.RFC3339Nano)}}
	if !until.IsZero() {
		q.Set("until", until.Format(time.RFC3339Nano))
	}
	var out []moderation.Post
	if err := p.s.call(ctx, http.MethodGet, "/v1/posts?"+q.Encode(), nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// registerPostsAdmin serves the recorded posts while the daemon holds the
// database: GET /v1/posts?account=&since=[&until=] (RFC 3339).
func registerPostsAdmin(mux *http.ServeMux, d *daemon) {
	mux.HandleFunc("GET /v1/posts", func(w http.ResponseWriter, r *http.Request) {
		if !knownParams(w, r, "account", "since", "until") {
			return
		}
		q := r.URL.Query()
		since, err := time.Parse(time.RFC3339Nano, q.Get("since"))
		var until time.Time
		if err == nil && q.Get("until") != "" {
			until, err = time.Parse(time.RFC3339Nano, q.Get("until"))
		}
		if err != nil || q.Get("account") == "" {
			badRequest(w, "query: account is required, since (and until, if given) must be RFC 3339 times")
			return
		}
		ps, err := d.db.Posts(q.Get("account"), since, until)
		if ps == nil {
			ps = []moderation.Post{}
		}
		reply(w, ps, err)
	})
}

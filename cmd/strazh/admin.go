package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
	"github.com/strazh/strazh/rules"
)

// The admin socket lets `strazh audit|blacklist|review` work while the
// daemon holds the database (bbolt allows one writer process). It is a
// unix socket in state_dir, owner-only, speaking JSON over HTTP.

// listenAdmin opens the socket, replacing a stale one left by a crash.
func listenAdmin(path string) (net.Listener, error) {
	if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
		c.Close()
		return nil, fmt.Errorf("admin socket %s: another strazh is running", path)
	}
	_ = os.Remove(path)
	old := syscall.Umask(0o077)
	ln, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	return ln, nil
}

func serveAdmin(ctx context.Context, ln net.Listener, d *daemon) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/decisions", func(w http.ResponseWriter, r *http.Request) {
		q, err := queryFromURL(r.URL.Query())
		if err != nil {
			badRequest(w, "query: "+err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w)
		if err := d.db.Query(q, func(dec *moderation.Decision) error { return enc.Encode(dec) }); err != nil {
			// The status is sent already: end the stream with an error line
			// so the client does not take a cut export for a whole one.
			_ = enc.Encode(map[string]string{"error": err.Error()})
		}
	})
	mux.HandleFunc("GET /v1/blacklist", func(w http.ResponseWriter, r *http.Request) {
		if !knownParams(w, r, "account") {
			return
		}
		list, err := d.db.Blacklist(r.URL.Query().Get("account"))
		reply(w, list, err)
	})
	mux.HandleFunc("GET /v1/reviews", func(w http.ResponseWriter, r *http.Request) {
		if !knownParams(w, r) {
			return
		}
		list, err := d.pipe.PendingReviews()
		reply(w, list, err)
	})
	mux.HandleFunc("POST /v1/reviews/decide", func(w http.ResponseWriter, r *http.Request) {
		var req decideRequest
		if !decodeBody(w, r, &req) {
			return
		}
		if msg := req.problem(); msg != "" {
			badRequest(w, "body: "+msg)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), adminTimeout)
		defer cancel()
		dec, err := d.pipe.Resolve(ctx, req.ID, *req.Verdict, req.BanFor, req.By, req.By)
		reply(w, dec, err)
	})
	mux.HandleFunc("POST /v1/unban", func(w http.ResponseWriter, r *http.Request) {
		var req unbanRequest
		if !decodeBody(w, r, &req) {
			return
		}
		if req.Network == "" || req.Author == "" || req.By == "" {
			badRequest(w, "body: network, author and by are required")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), adminTimeout)
		defer cancel()
		n, err := d.pipe.Unban(ctx, req.Network, req.Author, req.By)
		reply(w, map[string]int{"accounts": n}, err)
	})
	registerModelAdmin(mux, d)
	registerDoctorAdmin(mux, d)
	registerReportAdmin(mux, d)
	registerPostsAdmin(mux, d) // registry_posts.go
	registerUsersAdmin(mux, d)
	registerAppealsAdmin(mux, d) // appeals_cmd.go
	mux.HandleFunc("GET /v1/db/backup", d.handleBackup)
	return serveUntil(ctx, ln, mux)
}

// adminTimeout bounds one decision or unban made through the socket.
const adminTimeout = 2 * time.Minute

// serveUntil serves HTTP on ln until ctx ends, then shuts down and waits
// for the handlers: nothing may touch the store after the daemon closes it.
// Requests see ctx, so long ones stop with the daemon.
func serveUntil(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
	}()
	err := srv.Serve(ln)
	<-stopped
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

type decideRequest struct {
	ID      uint64              `json:"id"`
	Verdict *moderation.Verdict `json:"verdict"`
	BanFor  time.Duration       `json:"ban_for"`
	By      string              `json:"by"`
}

type unbanRequest struct {
	Network string `json:"network"`
	Author  string `json:"author"`
	By      string `json:"by"`
}

// reply writes v as JSON, or the error with a status that says what kind.
func reply(w http.ResponseWriter, v any, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		status := http.StatusInternalServerError
		switch {
		case errors.Is(err, moderation.ErrNotFound):
			status = http.StatusNotFound
		case errors.Is(err, moderation.ErrAlreadyDecided):
			status = http.StatusConflict
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": err.Error(), "value": v})
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

func queryFromURL(v url.Values) (moderation.Query, error) {
	var q moderation.Query
	var err error
	if err := onlyParams(v, "since", "until", "account", "author", "verdict", "limit"); err != nil {
		return q, err
	}
	if s := v.Get("since"); s != "" {
		if q.Since, err = time.Parse(time.RFC3339, s); err != nil {
			return q, fmt.Errorf("since: %w", err)
		}
	}
	if s := v.Get("until"); s != "" {
		if q.Until, err = time.Parse(time.RFC3339, s); err != nil {
			return q, fmt.Errorf("until: %w", err)
		}
	}
	q.Account, q.Author = v.Get("account"), v.Get("author")
	if s := v.Get("verdict"); s != "" {
		for _, part := range strings.Split(s, ",") {
			vd, err := moderation.ParseVerdict(part)
			if err != nil {
				return q, fmt.Errorf("verdict: %w", err)
			}
			q.Verdicts = append(q.Verdicts, vd)
		}
	}
	if s := v.Get("limit"); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 0 {
			return q, fmt.Errorf("limit: %q is not a count", s)
		}
	}
	return q, nil
}

func queryToURL(q moderation.Query) url.Values {
	v := url.Values{}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.Format(time.RFC3339))
	}
	if !q.Until.IsZero() {
		v.Set("until", q.Until.Format(time.RFC3339))
	}
	if q.Account != "" {
		v.Set("account", q.Account)
	}
	if q.Author != "" {
		v.Set("author", q.Author)
	}
	if len(q.Verdicts) > 0 {
		parts := make([]string, len(q.Verdicts))
		for i, vd := range q.Verdicts {
			parts[i] = vd.String()
		}
		v.Set("verdict", strings.Join(parts, ","))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// backend is what the admin commands need: the running daemon through its
// socket, or the database directly when the daemon is stopped.
type backend interface {
	Query(q moderation.Query, fn func(*moderation.Decision) error) error
	Blacklist(account string) ([]moderation.BlacklistEntry, error)
	PendingReviews() ([]*moderation.Decision, error)
	Resolve(ctx context.Context, id uint64, v moderation.Verdict, banFor time.Duration, by string) (*moderation.Decision, error)
	Unban(ctx context.Context, network, author, by string) (int, error)
	Close() error
}

// openBackend prefers the daemon's socket; with no daemon it opens the
// database (write access only when the command changes something).
func openBackend(cfg *config.Config, write bool) (backend, error) {
	sock := cfg.SocketPath()
	if c, err := net.DialTimeout("unix", sock, time.Second); err == nil {
		c.Close()
		return newSocketBackend(sock), nil
	}
	if _, err := os.Stat(cfg.DBPath()); err != nil {
		return nil, fmt.Errorf("no database at %s (has strazh run with this state_dir?)", cfg.DBPath())
	}
	db, err := store.Open(cfg.DBPath(), &store.Options{ReadOnly: !write, Retention: cfg.Retention, Logger: cliStoreLogger()})
	if err != nil {
		return nil, damagedHint(err, cfg)
	}
	return &dbBackend{cfg: cfg, db: db}, nil
}

// cliStoreLogger tells a command's user, on stderr, of the records the
// store skips because they no longer decode (the rest is listed).
func cliStoreLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

type socketBackend struct{ client *http.Client }

func newSocketBackend(path string) *socketBackend {
	return &socketBackend{client: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}}
}

// send makes one request; a non-200 answer becomes an error (with the
// decision it carries decoded into out, when there is one).
func (s *socketBackend) send(ctx context.Context, method, path string, body, out any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://strazh"+path, rd)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	var e struct {
		Error string          `json:"error"`
		Value json.RawMessage `json:"value"`
	}
	data, _ := io.ReadAll(resp.Body)
	if json.Unmarshal(data, &e) != nil || e.Error == "" {
		e.Error = strings.TrimSpace(string(data))
	}
	if out != nil && len(e.Value) > 0 && string(e.Value) != "null" {
		_ = json.Unmarshal(e.Value, out)
	}
	switch resp.StatusCode {
	case http.StatusNotFound:
		return nil, remoteError(e.Error, moderation.ErrNotFound)
	case http.StatusConflict:
		return nil, remoteError(e.Error, moderation.ErrAlreadyDecided)
	}
	return nil, errors.New(e.Error)
}

// classedError is the daemon's error text that errors.Is matches to its
// class.
type classedError struct {
	msg   string
	class error
}

func (e *classedError) Error() string { return e.msg }
func (e *classedError) Unwrap() error { return e.class }

// remoteError is msg, classed as class; the class's words are added only
// when the daemon's text lacks them (it said "…: not found: not found").
func remoteError(msg string, class error) error {
	switch {
	case msg == "":
		msg = class.Error()
	case !strings.HasSuffix(msg, class.Error()):
		msg += ": " + class.Error()
	}
	return &classedError{msg: msg, class: class}
}

func (s *socketBackend) call(ctx context.Context, method, path string, body, out any) error {
	resp, err := s.send(ctx, method, path, body, out)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (s *socketBackend) Query(q moderation.Query, fn func(*moderation.Decision) error) error {
	resp, err := s.send(context.Background(), http.MethodGet, "/v1/decisions?"+queryToURL(q).Encode(), nil, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		var fail struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(sc.Bytes(), &fail) == nil && fail.Error != "" {
			return fmt.Errorf("daemon: %s", fail.Error)
		}
		var d moderation.Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return fmt.Errorf("admin socket: bad decision line: %w", err)
		}
		if err := fn(&d); err != nil {
			return err
		}
	}
	return sc.Err()
}

func (s *socketBackend) Blacklist(account string) ([]moderation.BlacklistEntry, error) {
	var out []moderation.BlacklistEntry
	err := s.call(context.Background(), http.MethodGet, "/v1/blacklist?account="+url.QueryEscape(account), nil, &out)
	return out, err
}

func (s *socketBackend) PendingReviews() ([]*moderation.Decision, error) {
	var out []*moderation.Decision
	err := s.call(context.Background(), http.MethodGet, "/v1/reviews", nil, &out)
	return out, err
}

func (s *socketBackend) Resolve(ctx context.Context, id uint64, v moderation.Verdict, banFor time.Duration, by string) (*moderation.Decision, error) {
	var out moderation.Decision
	err := s.call(ctx, http.MethodPost, "/v1/reviews/decide", decideRequest{ID: id, Verdict: &v, BanFor: banFor, By: by}, &out)
	if out.ID == 0 {
		return nil, err
	}
	return &out, err
}

func (s *socketBackend) Unban(ctx context.Context, network, author, by string) (int, error) {
	var out struct{ Accounts int }
	err := s.call(ctx, http.MethodPost, "/v1/unban", unbanRequest{Network: network, Author: author, By: by}, &out)
	return out.Accounts, err
}

func (s *socketBackend) Close() error { return nil }

// dbBackend works on the database of a stopped daemon; decisions that act
// on a network build that account's connector from the configuration.
type dbBackend struct {
	cfg  *config.Config
	db   *store.DB
	pipe *pipeline.Pipeline
}

func (b *dbBackend) Query(q moderation.Query, fn func(*moderation.Decision) error) error {
	return b.db.Query(q, fn)
}

func (b *dbBackend) Blacklist(account string) ([]moderation.BlacklistEntry, error) {
	return b.db.Blacklist(account)
}

func (b *dbBackend) PendingReviews() ([]*moderation.Decision, error) { return b.db.PendingReviews("") }

// pipeline builds an idle pipeline over the database for one-off actions.
func (b *dbBackend) pipeline() (*pipeline.Pipeline, error) {
	if b.pipe != nil {
		return b.pipe, nil
	}
	accounts, err := buildAccounts(b.cfg, b.db.Epoch(), slog.New(slog.DiscardHandler), nil, b.db)
	if err != nil {
		return nil, fmt.Errorf("the daemon is not running, and acting directly needs the accounts' tokens: %w", err)
	}
	engine, err := rules.Load(b.cfg.Rules, b.cfg.Dir())
	if err != nil {
		return nil, err
	}
	b.pipe, err = pipeline.New(pipeline.Options{Store: b.db, DryRun: b.cfg.DryRun, Retry: b.cfg.Pipeline.Retry}, engine, accounts)
	return b.pipe, err
}

func (b *dbBackend) Resolve(ctx context.Context, id uint64, v moderation.Verdict, banFor time.Duration, by string) (*moderation.Decision, error) {
	p, err := b.pipeline()
	if err != nil {
		return nil, err
	}
	return p.Resolve(ctx, id, v, banFor, by, by)
}

func (b *dbBackend) Unban(ctx context.Context, network, author, by string) (int, error) {
	p, err := b.pipeline()
	if err != nil {
		return 0, err
	}
	return p.Unban(ctx, network, author, by)
}

func (b *dbBackend) Close() error { return b.db.Close() }

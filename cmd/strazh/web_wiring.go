package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/web"
	"github.com/strazh/strazh/moderation/store"
)

// setupWeb makes the review console when review.web is configured: one
// more channel of the fan-out, deciding through the same moderation as the
// chat, so the first decision from any channel wins.
func (d *daemon) setupWeb(accounts []pipeline.Account) error {
	if d.cfg.ReviewWeb == nil {
		return nil
	}
	if d.fan == nil {
		d.fan = review.NewFanout(d.log)
	}
	names := make([]string, len(accounts))
	for i, a := range accounts {
		names[i] = a.Name
	}
	var appeals web.Appeals
	if d.cfg.Appeals.Enabled {
		appeals = webAppeals{Pipeline: d.pipe, db: d.db}
	}
	var err error
	d.web, err = web.New(*d.cfg.ReviewWeb, web.Deps{Appeals: appeals,
		Store: d.db, Moderation: d.fan.Moderation(review.ChannelWeb, d.pipe), Logger: d.log,
		Status: d.webStatus, Accounts: names, Capabilities: accountCapabilities(accounts),
		WriteCSV: func(w io.Writer, each func(func(*moderation.Decision) error) error) error {
			return writeAudit(w, formatCSV, each) // the columns of `strazh audit -format csv`
		},
	})
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	return d.fan.Add(review.ChannelWeb, d.web)
}

// webAppeals answers appeals from the console through the pipeline, the
// path the chat desk posts through; the store lists the open ones.
type webAppeals struct {
	*pipeline.Pipeline
	db *store.DB
}

func (a webAppeals) OpenAppeals(account string) ([]*moderation.Appeal, error) {
	return a.db.OpenAppeals(account)
}

func (a webAppeals) ClosedAppeals(account string, after uint64, limit int) ([]*moderation.Appeal, uint64, error) {
	return a.db.ClosedAppeals(account, after, limit)
}

func (a webAppeals) ClosedAppealsAt(account string, openedAt time.Time, after uint64, limit int) ([]*moderation.Appeal, uint64, error) {
	return a.db.ClosedAppealsAt(account, openedAt, after, limit)
}

// listenWeb opens the console's port (nil when there is no console).
func (d *daemon) listenWeb() (net.Listener, error) {
	if d.web == nil {
		return nil, nil
	}
	ln, err := net.Listen("tcp", d.cfg.ReviewWeb.Listen)
	if err != nil {
		return nil, fmt.Errorf("review.web.listen: %w", err)
	}
	return ln, nil
}

func (d *daemon) serveWeb(ctx context.Context, ln net.Listener) error {
	d.log.Info("review console listening", "address", "http://"+ln.Addr().String())
	return d.web.Serve(ctx, ln)
}

// webStatus is the console's status page: the rules loaded (the daemon
// runs only rules whose examples pass: start and SIGHUP refuse others) and
// the live model.
func (d *daemon) webStatus() web.Status {
	d.models.mu.Lock()
	defer d.models.mu.Unlock()
	st := web.Status{Rules: len(d.models.rules.Rules())}
	switch {
	case d.models.v.Version > 0:
		st.Model = fmt.Sprintf("v%d · %d examples · %s", d.models.v.Version, d.models.v.Examples, d.models.v.Created.Local().Format("2006-01-02 15:04"))
	case d.models.rules.Model() != nil:
		st.Model = "v0 (shipped)"
	}
	return st
}

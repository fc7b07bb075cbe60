// Package cadence counts each page's own posts per rolling 7 days (decree
// §2.1: at least 7 a week). A Poller reads every page that can list its
// posts (moderation.PageReader) at cadence.every, keeps the posts in the
// store and exports strazh_posts_week{account}; /stats and the report read
// the count from the store.
//
// It is its own loop, not a step of the pipeline: the pipeline reads
// comments as they come, this reads a page's wall once an hour, and a
// failure here must never hold up moderation. It imports only the core.
package cadence

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Week is the rolling window the decree counts in.
const Week = 7 * 24 * time.Hour

// Store keeps the posts (*store.DB implements it). It is an alias of an
// unnamed interface so that a connector can take one (Arriving) by the
// same type without importing this package and its metrics.
type Store = interface {
	PutPosts(posts []moderation.Post) error
	// Posts lists an account's posts in [since, until), oldest first;
	// zero until: no end.
	Posts(account string, since, until time.Time) ([]moderation.Post, error)
}

// Arriving is a reader that cannot list a page's history (Telegram): it
// records the posts as they arrive, into the store New gives it
// (RecordPosts), and counts only from CountingSince; ok
// is false while it does not know yet (it has not started reading). A
// week that starts before then is counted short, and said so
// (strazh_posts_week_partial).
type Arriving interface {
	RecordPosts(st Store)
	CountingSince() (since time.Time, ok bool)
}

// Page is one account whose posts are counted.
type Page struct {
	Account string
	Reader  moderation.PageReader
}

// Options configure a Poller.
type Options struct {
	Every      time.Duration // between two reads of every page; default 1h
	MinPerWeek int           // exported for the alert; default 7
	Logger     *slog.Logger
	Metrics    *Metrics         // nil: none
	Now        func() time.Time // default time.Now
}

// Poller reads the pages' posts. Run owns its one goroutine.
type Poller struct {
	opts  Options
	store Store
	pages []Page
	// partial: the pages said to be counted short, by account (only Poll's
	// goroutine touches it), so the log says it once per change.
	partial map[string]bool
}

// New makes a poller of the pages; it does no I/O. Arriving pages are
// given the store to record their posts in.
func New(opts Options, st Store, pages []Page) *Poller {
	if opts.Every <= 0 {
		opts.Every = time.Hour
	}
	if opts.MinPerWeek <= 0 {
		opts.MinPerWeek = 7
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Metrics != nil {
		opts.Metrics.MinPerWeek.Set(float64(opts.MinPerWeek))
	}
	for _, pg := range pages {
		if a, ok := pg.Reader.(Arriving); ok {
			a.RecordPosts(st)
		}
	}
	return &Poller{opts: opts, store: st, pages: pages, partial: make(map[string]bool)}
}

// Run reads every page at once, then every opts.Every, until ctx ends.
func (p *Poller) Run(ctx context.Context) error {
	t := time.NewTicker(p.opts.Every)
	defer t.Stop()
	for {
		p.Poll(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Poll reads each page's posts of the last week into the store and sets
// its gauge. A page that fails is logged and counted; the others go on.
func (p *Poller) Poll(ctx context.Context) {
	for _, pg := range p.pages {
		if ctx.Err() != nil {
			return
		}
		n, err := p.poll(ctx, pg)
		if err != nil {
			if p.opts.Metrics != nil {
				p.opts.Metrics.PollFailures.WithLabelValues(pg.Account).Inc()
			}
			lvl := slog.LevelWarn
			if errors.Is(err, moderation.ErrUnsupported) {
				lvl = slog.LevelInfo
			}
			p.opts.Logger.Log(ctx, lvl, "cadence: page posts not read", "account", pg.Account, "err", err)
			continue
		}
		if p.opts.Metrics != nil {
			p.opts.Metrics.Week.WithLabelValues(pg.Account).Set(float64(n))
		}
		p.sayPartial(ctx, pg)
	}
}

// sayPartial exports and logs (once per change) whether an Arriving page's
// week is counted short: it started counting less than a week ago, or
// does not know yet since when (then it is said short, to be safe).
func (p *Poller) sayPartial(ctx context.Context, pg Page) {
	a, ok := pg.Reader.(Arriving)
	if !ok {
		return
	}
	since, known := a.CountingSince()
	short := !known || since.After(p.opts.Now().Add(-Week))
	if p.opts.Metrics != nil {
		v := 0.0
		if short {
			v = 1
		}
		p.opts.Metrics.Partial.WithLabelValues(pg.Account).Set(v)
	}
	if was, seen := p.partial[pg.Account]; !known || seen && was == short {
		return // not known yet: said once it is
	}
	p.partial[pg.Account] = short
	switch {
	case short:
		p.opts.Logger.Info("cadence: the network lists no past posts; this page's week is counted only from when strazh started reading it, so it reads low until a full week has passed",
			"account", pg.Account, "counting_since", since.UTC().Format(time.RFC3339), "full_week_at", since.Add(Week).UTC().Format(time.RFC3339))
	default:
		p.opts.Logger.Info("cadence: this page has been counted for a full week now", "account", pg.Account, "counting_since", since.UTC().Format(time.RFC3339))
	}
}

func (p *Poller) poll(ctx context.Context, pg Page) (int, error) {
	now := p.opts.Now()
	posts, err := pg.Reader.Posts(ctx, now.Add(-Week))
	if err != nil {
		return 0, err
	}
	for i := range posts {
		posts[i].Account = pg.Account // the store's key is the configured name
	}
	if err := p.store.PutPosts(posts); err != nil {
		return 0, err
	}
	return Count(p.store, pg.Account, now)
}

// Count is the account's posts in the 7 days up to now, from the store.
func Count(st Store, account string, now time.Time) (int, error) {
	ps, err := st.Posts(account, now.Add(-Week), now.Add(time.Nanosecond))
	if err != nil {
		return 0, fmt.Errorf("cadence: %w", err)
	}
	return len(ps), nil
}

// CountedSince is when strazh started counting an account's posts, for a
// page whose network lists no past posts (cadence.Arriving) once it knows;
// ok is false for any other page (counted from its history) and while
// not known. A 7-day span that begins before since reads low.
func (p *Poller) CountedSince(account string) (since time.Time, ok bool) {
	for _, pg := range p.pages {
		if pg.Account != account {
			continue
		}
		if a, arriving := pg.Reader.(Arriving); arriving {
			return a.CountingSince()
		}
		return time.Time{}, false
	}
	return time.Time{}, false
}

// Weeks counts every page's posts in the 7 days up to now, by account
// (for /stats).
func (p *Poller) Weeks(now time.Time) (map[string]int, error) {
	out := make(map[string]int, len(p.pages))
	for _, pg := range p.pages {
		n, err := Count(p.store, pg.Account, now)
		if err != nil {
			return nil, err
		}
		out[pg.Account] = n
	}
	return out, nil
}

// Package guard is the account guard of §1.2.2: it checks each account's
// page managers, its tokens' rights and expiry and the page settings that
// matter, periodically and whenever the network says something changed,
// diffs them against the last state in the store and turns the
// differences into moderation.SecurityEvents: stored, counted and
// announced in the review chat.
//
// It is its own package, not a pipeline file: it reads connectors through
// moderation.Guarded only, owns one loop beside the pipeline, and
// `strazh doctor` uses its Check without running a pipeline. It imports
// the core and prometheus, nothing else of strazh.
package guard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Defaults for Options.
const (
	DefaultEvery         = time.Hour
	DefaultExpiryWarning = 72 * time.Hour
	DefaultTimeout       = time.Minute
)

// Account is one guarded account.
type Account struct {
	Name, Network string
	Conn          moderation.Guarded
}

// Options configure a Guard; zero values are the defaults.
type Options struct {
	Every         time.Duration // between periodic checks (default 1h)
	ExpiryWarning time.Duration // an expiry nearer than this is token_expiring (default 72h)
	Timeout       time.Duration // bounds one account's check (default 1m)
	Store         moderation.GuardStore
	Announcer     moderation.Announcer // nil: events are stored and counted only
	Metrics       *Metrics             // nil: not counted
	Logger        *slog.Logger
	Now           func() time.Time
}

// Guard checks accounts. Check is safe for concurrent use; checks of one
// account run one at a time.
type Guard struct {
	opts     Options
	accounts []Account
	log      *slog.Logger
	mu       sync.Map // account → *sync.Mutex
}

// New makes a guard; it does no I/O.
func New(opts Options, accounts []Account) (*Guard, error) {
	if opts.Store == nil {
		return nil, errors.New("guard: a store is required")
	}
	if opts.Every <= 0 {
		opts.Every = DefaultEvery
	}
	if opts.ExpiryWarning <= 0 {
		opts.ExpiryWarning = DefaultExpiryWarning
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Guard{opts: opts, accounts: accounts, log: log.With("component", "guard")}, nil
}

// Accounts are the guarded accounts.
func (g *Guard) Accounts() []Account { return g.accounts }

// Run checks every account at once, then every Options.Every and whenever
// a connector's GuardNotifier fires, until ctx ends. It owns one goroutine
// per notifier and returns after they stopped; failed checks are logged
// and counted, never fatal.
func (g *Guard) Run(ctx context.Context) error {
	due := make(chan int, len(g.accounts))
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i, a := range g.accounts {
		n, ok := a.Conn.(moderation.GuardNotifier)
		if !ok {
			continue
		}
		ch := n.GuardChanged()
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-ch:
				}
				select {
				case due <- i:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	g.CheckAll(ctx)
	t := time.NewTicker(g.opts.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			g.CheckAll(ctx)
		case i := <-due:
			a := g.accounts[i]
			if _, err := g.Check(ctx, a); err != nil && ctx.Err() == nil {
				g.log.Warn("account not checked", "account", a.Name, "err", err)
			}
		}
	}
}

// CheckAll checks every account one after another.
func (g *Guard) CheckAll(ctx context.Context) {
	for _, a := range g.accounts {
		if ctx.Err() != nil {
			return
		}
		if _, err := g.Check(ctx, a); err != nil && ctx.Err() == nil {
			g.log.Warn("account not checked", "account", a.Name, "err", err)
		}
	}
}

// Check reads one account, diffs it against its stored state, stores the
// new state with the events, counts and announces them. The error is the
// store's (or the context's); what the network answered is in the state.
func (g *Guard) Check(ctx context.Context, a Account) (moderation.GuardState, error) {
	l, _ := g.mu.LoadOrStore(a.Name, new(sync.Mutex))
	mu := l.(*sync.Mutex)
	mu.Lock()
	defer mu.Unlock()

	prev, err := g.opts.Store.GuardState(a.Name)
	var prevp *moderation.GuardState
	switch {
	case err == nil:
		prevp = &prev
	case !errors.Is(err, moderation.ErrNotFound):
		g.count(a.Name, ResultError)
		return moderation.GuardState{}, fmt.Errorf("guard: %s: %w", a.Name, err)
	}
	obs := Observe(ctx, a.Conn, g.opts.Timeout)
	if ctx.Err() != nil {
		return moderation.GuardState{}, ctx.Err()
	}
	next, evs := Diff(prevp, a.Name, a.Network, obs, g.opts.Now(), g.opts.ExpiryWarning)
	if err := g.opts.Store.PutGuardState(next, evs); err != nil {
		g.count(a.Name, ResultError)
		return next, fmt.Errorf("guard: %s: %w", a.Name, err)
	}
	g.record(a, next, evs)
	for _, ev := range evs {
		g.log.Warn("security event", "account", a.Name, "kind", ev.Kind, "subject", ev.Subject, "detail", ev.Detail)
		if g.opts.Announcer == nil {
			continue
		}
		if err := g.opts.Announcer.Announce(ctx, ev); err != nil {
			g.log.Error("security event not announced", "account", a.Name, "kind", ev.Kind, "err", err)
		}
	}
	return next, nil
}

// Observe reads the three parts of one account, each bounded by timeout.
func Observe(ctx context.Context, c moderation.Guarded, timeout time.Duration) Observation {
	var o Observation
	call := func(fn func(ctx context.Context)) {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		fn(cctx)
	}
	call(func(ctx context.Context) { o.Managers, o.ManagersErr = c.Managers(ctx) })
	call(func(ctx context.Context) { o.Access, o.AccessErr = c.Access(ctx) })
	call(func(ctx context.Context) { o.Settings, o.SettingsErr = c.Settings(ctx) })
	return o
}

func (g *Guard) count(account, result string) {
	if m := g.opts.Metrics; m != nil {
		m.Checks.WithLabelValues(account, result).Inc()
	}
}

// record updates the metrics after a stored check.
func (g *Guard) record(a Account, s moderation.GuardState, evs []moderation.SecurityEvent) {
	m := g.opts.Metrics
	if m == nil {
		return
	}
	result := ResultOK
	if s.Error != "" {
		result = ResultProblem
	}
	m.Checks.WithLabelValues(a.Name, result).Inc()
	m.LastCheck.WithLabelValues(a.Name).Set(float64(s.Checked.Unix()))
	if s.HasManagers {
		m.Managers.WithLabelValues(a.Name).Set(float64(len(s.Managers)))
	}
	if s.Access.Expires.IsZero() {
		m.TokenExpiry.DeleteLabelValues(a.Name)
	} else {
		m.TokenExpiry.WithLabelValues(a.Name).Set(s.Access.Expires.Sub(g.opts.Now()).Seconds())
	}
	for _, ev := range evs {
		m.Events.WithLabelValues(a.Name, ev.Kind).Inc()
	}
}

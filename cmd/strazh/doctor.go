package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/guard"
	"github.com/strazh/strazh/moderation/store"
)

// strazh doctor: every account's and token's state, the rights held and
// needed, the last success and the guard's recent events; exit 1 when
// anything is wrong. With the daemon running it asks the daemon (its admin
// socket), which checks with its own connectors and their live tokens:
// a VK ID refresh token works once, so a second process must never
// refresh it. With the daemon stopped it builds the connectors from the
// configuration and opens the database as the daemon would.

// doctorReport is `strazh doctor -json`'s shape.
type doctorReport struct {
	OK       bool            `json:"ok"`
	Checked  time.Time       `json:"checked"`
	Via      string          `json:"via"` // "daemon" or "direct"
	Accounts []doctorAccount `json:"accounts"`
	Problems []string        `json:"problems,omitempty"` // not of one account (the store)
	// Paused is the /pause kept in the store: automatic actions wait, and
	// a restart keeps them waiting. Not a problem: a human chose it.
	Paused *moderation.PauseState `json:"paused,omitempty"`
}

type doctorAccount struct {
	Name     string               `json:"name"`
	Network  string               `json:"network"`
	OK       bool                 `json:"ok"`
	Guarded  bool                 `json:"guarded"` // false: the network's connector reports no managers nor rights
	Tokens   []doctorToken        `json:"tokens,omitempty"`
	Rights   []string             `json:"rights,omitempty"`
	Needed   []string             `json:"needed,omitempty"`
	Missing  []string             `json:"missing,omitempty"`
	Expires  time.Time            `json:"expires,omitzero"` // a token a human must renew
	Managers []moderation.Manager `json:"managers,omitempty"`
	Settings map[string]string    `json:"settings,omitempty"`
	// LastDecision is the newest decision recorded for the account (the
	// last time its comments were read and decided).
	LastDecision time.Time `json:"last_decision,omitzero"`
	// GuardChecked and GuardOK are the daemon's guard's last check and last
	// check that found nothing wrong.
	GuardChecked time.Time                  `json:"guard_checked,omitzero"`
	GuardOK      time.Time                  `json:"guard_ok,omitzero"`
	Events       []moderation.SecurityEvent `json:"events,omitempty"` // the guard's, last 7 days
	Problems     []string                   `json:"problems,omitempty"`
}

type doctorToken struct {
	Name  string `json:"name"`  // community, user, bot, …
	State string `json:"state"` // works, broken
	Error string `json:"error,omitempty"`
}

// doctorEvents is how far back the report lists the guard's events.
const doctorEvents = 7 * 24 * time.Hour

// doctorStore is what the report reads from the database (nil: none).
type doctorStore interface {
	moderation.GuardStore
	Query(q moderation.Query, fn func(*moderation.Decision) error) error
}

// buildDoctorReport checks every account with its connector (nil conn:
// it could not be built, err says why) and adds what the store knows.
func buildDoctorReport(ctx context.Context, accs []doctorInput, st doctorStore, now time.Time, warn, timeout time.Duration) doctorReport {
	r := doctorReport{OK: true, Checked: now}
	var events []moderation.SecurityEvent
	if st != nil {
		var err error
		if events, err = st.SecurityEvents(now.Add(-doctorEvents), time.Time{}); err != nil {
			r.Problems = append(r.Problems, err.Error())
		}
		if ps, ok := st.(moderation.PauseStore); ok {
			switch p, on, err := ps.Pause(); {
			case err != nil:
				r.Problems = append(r.Problems, err.Error())
			case on:
				r.Paused = &p
			}
		}
	}
	for _, in := range accs {
		a := doctorAccount{Name: in.name, Network: in.network}
		switch g, ok := in.conn.(moderation.Guarded); {
		case in.err != nil:
			a.Problems = append(a.Problems, in.err.Error())
		case !ok:
			a.Guarded = false
		default:
			a.Guarded = true
			doctorCheck(ctx, &a, g, now, warn, timeout)
		}
		if st != nil {
			doctorFromStore(&a, st, now)
			for _, ev := range events {
				if ev.Account == a.Name {
					a.Events = append(a.Events, ev)
				}
			}
		}
		a.OK = len(a.Problems) == 0
		r.OK = r.OK && a.OK
		r.Accounts = append(r.Accounts, a)
	}
	r.OK = r.OK && len(r.Problems) == 0
	return r
}

// doctorInput is one configured account for the report.
type doctorInput struct {
	name, network string
	conn          any // the connector (may be moderation.Guarded); nil when not built
	err           error
}

// doctorCheck reads one guarded account now, with the guard's own Diff
// (from no state: every problem is reported, no event is made).
func doctorCheck(ctx context.Context, a *doctorAccount, g moderation.Guarded, now time.Time, warn, timeout time.Duration) {
	obs := guard.Observe(ctx, g, timeout)
	s, _ := guard.Diff(nil, a.Name, a.Network, obs, now, warn)
	a.Managers, a.Settings = s.Managers, s.Settings
	a.Rights, a.Needed, a.Expires = s.Access.Rights, s.Access.Needed, s.Access.Expires
	a.Missing = guard.Missing(s.Access)
	if s.Error != "" {
		a.Problems = append(a.Problems, strings.Split(s.Error, "; ")...)
	}
	names := map[string]bool{}
	for _, list := range [][]string{a.Rights, a.Needed} {
		for _, r := range list {
			if i := strings.IndexByte(r, ':'); i > 0 {
				names[r[:i]] = true
			}
		}
	}
	broken := map[string]string{}
	for _, te := range moderation.TokenErrors(obs.AccessErr) {
		names[te.Token] = true
		broken[te.Token] = te.Err.Error()
	}
	if len(broken) == 0 && errors.Is(obs.AccessErr, moderation.ErrCredentials) {
		names["token"], broken["token"] = true, obs.AccessErr.Error()
	}
	for _, n := range slices.Sorted(maps.Keys(names)) {
		t := doctorToken{Name: n, State: "works"}
		if e, ok := broken[n]; ok {
			t.State, t.Error = "broken", e
		}
		a.Tokens = append(a.Tokens, t)
	}
}

// doctorFromStore adds the last decision and the guard's last checks.
func doctorFromStore(a *doctorAccount, st doctorStore, now time.Time) {
	if gs, err := st.GuardState(a.Name); err == nil {
		a.GuardChecked, a.GuardOK = gs.Checked, gs.OK
	}
	_ = st.Query(moderation.Query{Account: a.Name, Since: now.Add(-90 * 24 * time.Hour), Limit: 1}, func(d *moderation.Decision) error {
		a.LastDecision = d.DecidedAt
		return nil
	})
}

// daemonDoctor is the admin socket's GET /v1/doctor: the daemon checks its
// own accounts.
func (d *daemon) daemonDoctor(w http.ResponseWriter, r *http.Request) {
	var in []doctorInput
	for _, a := range d.accounts {
		in = append(in, doctorInput{name: a.Name, network: a.Network, conn: a.Conn})
	}
	rep := buildDoctorReport(r.Context(), in, d.db, time.Now(), d.cfg.Guard.ExpiryWarning, guard.DefaultTimeout)
	rep.Via = "daemon"
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(rep)
}

// registerDoctorAdmin adds GET /v1/doctor to the admin socket.
func registerDoctorAdmin(mux *http.ServeMux, d *daemon) {
	mux.HandleFunc("GET /v1/doctor", d.daemonDoctor)
}

// askDaemon gets the report from a running daemon (ok false: none runs).
func askDaemon(ctx context.Context, sock string) (doctorReport, bool, error) {
	c, err := net.DialTimeout("unix", sock, time.Second)
	if err != nil {
		return doctorReport{}, false, nil
	}
	c.Close()
	b := newSocketBackend(sock)
	resp, err := b.send(ctx, http.MethodGet, "/v1/doctor", nil, nil)
	if err != nil {
		return doctorReport{}, true, err
	}
	defer resp.Body.Close()
	var rep doctorReport
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		return doctorReport{}, true, fmt.Errorf("admin socket: unreadable report: %w", err)
	}
	return rep, true, nil
}

// directDoctor builds the connectors from the configuration and checks
// them, with the database when there is one: opened as the daemon opens
// it, so a VK ID token refreshed here is stored. Without a writable
// database no token is renewed (a refresh token works once: spending it
// here would leave the daemon with a dead one). A database locked by a
// daemon whose socket this user cannot reach is an error.
func directDoctor(ctx context.Context, cfg *config.Config, client *http.Client, now time.Time, timeout time.Duration) (doctorReport, error) {
	var st *store.DB
	var problems []string
	if _, err := os.Stat(cfg.DBPath()); err == nil {
		db, err := store.Open(cfg.DBPath(), &store.Options{Retention: cfg.Retention})
		switch {
		case errors.Is(err, store.ErrLocked):
			return doctorReport{}, fmt.Errorf("the daemon holds %s but its socket %s does not answer this user: run strazh doctor as root or as the daemon's user", cfg.DBPath(), cfg.SocketPath())
		case err != nil:
			problems = append(problems, "database: "+err.Error())
		default:
			st = db
			defer db.Close()
		}
	}
	var tokens moderation.TokenStore
	var epoch time.Time
	if st != nil {
		tokens, epoch = st, st.Epoch()
	}
	limits := new(connectors.Limiters)
	var in []doctorInput
	var closers []func()
	for _, a := range cfg.Accounts {
		f, _ := connectors.Lookup(a.Network)
		conn, err := f.New(a.Conn, connectors.Deps{Account: a.Name, Logger: slog.New(slog.DiscardHandler),
			HTTPClient: client, Epoch: epoch, Tokens: tokens, Limiters: limits, NoRenew: st == nil})
		if err != nil {
			in = append(in, doctorInput{name: a.Name, network: a.Network, err: err})
			continue
		}
		closers = append(closers, func() { _ = conn.Close(context.Background()) })
		in = append(in, doctorInput{name: a.Name, network: a.Network, conn: conn})
	}
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	var ds doctorStore
	if st != nil {
		ds = st
	}
	rep := buildDoctorReport(ctx, in, ds, now, cfg.Guard.ExpiryWarning, timeout)
	rep.Via = "direct"
	rep.Problems = append(problems, rep.Problems...)
	rep.OK = rep.OK && len(rep.Problems) == 0
	return rep, nil
}

package guard_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/guard"
)

// fakeConn is a Guarded connector whose answers the test sets.
type fakeConn struct {
	mu       sync.Mutex
	managers []moderation.Manager
	access   moderation.Access
	accErr   error
	settings map[string]string
	changed  chan struct{}
}

func (f *fakeConn) Managers(context.Context) ([]moderation.Manager, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.managers), nil
}

func (f *fakeConn) Access(context.Context) (moderation.Access, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.access
	a.Rights = slices.Clone(a.Rights)
	return a, f.accErr
}

func (f *fakeConn) Settings(context.Context) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]string{}
	for k, v := range f.settings {
		m[k] = v
	}
	return m, nil
}

func (f *fakeConn) GuardChanged() <-chan struct{} { return f.changed }

func (f *fakeConn) set(fn func(f *fakeConn)) {
	f.mu.Lock()
	fn(f)
	f.mu.Unlock()
}

// memStore is a moderation.GuardStore in memory.
type memStore struct {
	mu     sync.Mutex
	states map[string]moderation.GuardState
	events []moderation.SecurityEvent
	puts   chan struct{} // when set, a send after each put
}

func (s *memStore) GuardState(account string) (moderation.GuardState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.states[account]
	if !ok {
		return st, moderation.ErrNotFound
	}
	return st, nil
}

func (s *memStore) PutGuardState(st moderation.GuardState, evs []moderation.SecurityEvent) error {
	s.mu.Lock()
	if s.states == nil {
		s.states = map[string]moderation.GuardState{}
	}
	s.states[st.Account] = st
	s.events = append(s.events, evs...)
	puts := s.puts
	s.mu.Unlock()
	if puts != nil {
		puts <- struct{}{}
	}
	return nil
}

func (s *memStore) SecurityEvents(since, until time.Time) ([]moderation.SecurityEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events), nil
}

type announcer struct {
	mu  sync.Mutex
	evs []moderation.SecurityEvent
}

func (a *announcer) Announce(_ context.Context, ev moderation.SecurityEvent) error {
	a.mu.Lock()
	a.evs = append(a.evs, ev)
	a.mu.Unlock()
	return nil
}

func healthy() *fakeConn {
	return &fakeConn{
		managers: []moderation.Manager{{ID: "100", Name: "Анна Сергеева", Role: "administrator"}, {ID: "7", Name: "Пётр", Role: "editor"}},
		access:   moderation.Access{Rights: []string{"community:manage", "user:groups", "user:wall"}, Needed: []string{"community:manage", "user:wall"}},
		settings: map[string]string{"comments": "on", "obscenity_filter": "on"},
		changed:  make(chan struct{}, 1),
	}
}

func kinds(evs []moderation.SecurityEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind+":"+e.Subject+":"+e.Detail)
	}
	return out
}

func TestGuard_Check_Events(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		change func(f *fakeConn)
		want   []string
	}{
		{"nothing changed", func(*fakeConn) {}, nil},
		{"manager added", func(f *fakeConn) {
			f.managers = append(f.managers, moderation.Manager{ID: "123", Name: "Иван Петров", Role: "administrator"})
		}, []string{"manager_added:123:Иван Петров · administrator"}},
		{"manager removed", func(f *fakeConn) { f.managers = f.managers[:1] },
			[]string{"manager_removed:7:Пётр · editor"}},
		{"role changed", func(f *fakeConn) { f.managers[1].Role = "administrator" },
			[]string{"manager_role:7:Пётр · editor → administrator"}},
		{"role unknown this time is no change", func(f *fakeConn) { f.managers[1].Role = moderation.RoleManager }, nil},
		{"token revoked", func(f *fakeConn) {
			f.access.Rights = []string{"community:manage"}
			f.accErr = errors.Join(&moderation.TokenError{Token: "user", Err: fmt.Errorf("users.get: revoked (error 5): %w", moderation.ErrCredentials)})
		}, []string{"token_broken:user:users.get: revoked (error 5): credentials broken"}},
		{"right lost", func(f *fakeConn) { f.access.Rights = []string{"community:manage", "user:wall"} },
			[]string{"token_right_lost:user:groups:"}},
		{"expiry near", func(f *fakeConn) { f.access.Expires = now.Add(2 * time.Hour) },
			[]string{"token_expiring::expires 2026-12-01T12:00:00Z"}},
		{"obscenity filter off", func(f *fakeConn) { f.settings["obscenity_filter"] = "off" },
			[]string{"setting_changed:obscenity_filter:on → off"}},
		{"unreadable access is no event", func(f *fakeConn) {
			f.access = moderation.Access{}
			f.accErr = &moderation.BackOffError{Err: errors.New("timeout")}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, st, ann := healthy(), &memStore{}, &announcer{}
			m := guard.NewMetrics(prometheus.NewRegistry())
			g, err := guard.New(guard.Options{Store: st, Announcer: ann, Metrics: m, Now: func() time.Time { return now }},
				[]guard.Account{{Name: "admin-vk", Network: "vk", Conn: conn}})
			if err != nil {
				t.Fatal(err)
			}
			acc := g.Accounts()[0]
			base, err := g.Check(t.Context(), acc)
			if err != nil || len(st.events) != 0 || len(ann.evs) != 0 {
				t.Fatalf("baseline: %v, events %v, announced %v", err, st.events, ann.evs)
			}
			if base.OK.IsZero() || base.Error != "" {
				t.Fatalf("healthy baseline not OK: %+v", base)
			}
			conn.set(tt.change)
			if _, err := g.Check(t.Context(), acc); err != nil {
				t.Fatal(err)
			}
			if got := kinds(st.events); !slices.Equal(got, tt.want) {
				t.Fatalf("stored %q, want %q", got, tt.want)
			}
			if got := kinds(ann.evs); !slices.Equal(got, tt.want) {
				t.Errorf("announced %q, want %q", got, tt.want)
			}
			for _, ev := range st.events {
				if ev.Account != "admin-vk" || ev.Network != "vk" || !ev.At.Equal(now) {
					t.Errorf("event without its account, network or time: %+v", ev)
				}
				if n := testutil.ToFloat64(m.Events.WithLabelValues("admin-vk", ev.Kind)); n != 1 {
					t.Errorf("strazh_security_events_total{kind=%s} = %v, want 1", ev.Kind, n)
				}
			}
			// The same state again is silent: an event is said once.
			if _, err := g.Check(t.Context(), acc); err != nil {
				t.Fatal(err)
			}
			if got := kinds(st.events); !slices.Equal(got, tt.want) {
				t.Errorf("a third check repeated events: %q", got)
			}
		})
	}
}

func TestGuard_Check_BaselineOfBrokenAccountIsSilentButNotOK(t *testing.T) {
	conn, st := healthy(), &memStore{}
	conn.accErr = &moderation.TokenError{Token: "community", Err: moderation.ErrCredentials}
	conn.access.Rights = nil
	g, _ := guard.New(guard.Options{Store: st}, []guard.Account{{Name: "a", Network: "vk", Conn: conn}})
	s, err := g.Check(t.Context(), g.Accounts()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(st.events) != 0 {
		t.Errorf("baseline alarmed: %v", st.events)
	}
	if !s.OK.IsZero() || s.Error == "" || !slices.Equal(s.Broken, []string{"community"}) {
		t.Errorf("broken token not in the state: %+v", s)
	}
	conn.set(func(f *fakeConn) { f.accErr = nil; f.access.Rights = []string{"community:manage", "user:wall"} })
	if s, _ = g.Check(t.Context(), g.Accounts()[0]); s.OK.IsZero() || len(s.Broken) != 0 {
		t.Errorf("repaired token still broken: %+v", s)
	}
	if len(st.events) != 0 {
		t.Errorf("a repair alarmed: %v", st.events)
	}
}

func TestGuard_Run_NotifierChecksAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conn, st, ann := healthy(), &memStore{puts: make(chan struct{}, 10)}, &announcer{}
		g, _ := guard.New(guard.Options{Store: st, Announcer: ann, Every: 24 * time.Hour},
			[]guard.Account{{Name: "admin-vk", Network: "vk", Conn: conn}})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- g.Run(ctx) }()
		<-st.puts // the baseline
		conn.set(func(f *fakeConn) {
			f.managers = append(f.managers, moderation.Manager{ID: "123", Role: "moderator"})
		})
		start := time.Now()
		conn.changed <- struct{}{}
		<-st.puts
		if waited := time.Since(start); waited != 0 {
			t.Errorf("the check waited %v for the ticker", waited)
		}
		if got := kinds(st.events); !slices.Equal(got, []string{"manager_added:123:moderator"}) {
			t.Errorf("events %q", got)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

func TestGuard_Run_Periodic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conn, st := healthy(), &memStore{puts: make(chan struct{}, 10)}
		conn.changed = nil // no notifier: only the ticker
		g, _ := guard.New(guard.Options{Store: st, Every: time.Hour}, []guard.Account{{Name: "a", Network: "vk", Conn: conn}})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go g.Run(ctx)
		<-st.puts
		start := time.Now()
		conn.set(func(f *fakeConn) { f.settings["comments"] = "off" })
		<-st.puts
		if waited := time.Since(start); waited != time.Hour {
			t.Errorf("second check after %v, want 1h", waited)
		}
		if got := kinds(st.events); !slices.Equal(got, []string{"setting_changed:comments:on → off"}) {
			t.Errorf("events %q", got)
		}
	})
}

func TestGuard_Check_UnknownRoleKeepsTheKnownOne(t *testing.T) {
	conn, st := healthy(), &memStore{}
	g, _ := guard.New(guard.Options{Store: st}, []guard.Account{{Name: "a", Network: "vk", Conn: conn}})
	acc := g.Accounts()[0]
	for _, role := range []string{"", moderation.RoleManager, "administrator"} {
		if role != "" {
			conn.set(func(f *fakeConn) { f.managers[1].Role = role })
		}
		if _, err := g.Check(t.Context(), acc); err != nil {
			t.Fatal(err)
		}
	}
	if got := kinds(st.events); !slices.Equal(got, []string{"manager_role:7:Пётр · editor → administrator"}) {
		t.Errorf("events %q, want the one real change", got)
	}
}

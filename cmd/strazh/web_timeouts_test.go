package main

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/web"
)

// pendingMod is a review.Moderation with pending reviews; Resolve records.
type pendingMod struct {
	review.Moderation
	mu       sync.Mutex
	pending  []*moderation.Decision
	resolved []string
}

func (m *pendingMod) PendingReviews() ([]*moderation.Decision, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.pending), nil
}

func (m *pendingMod) Resolve(_ context.Context, id uint64, v moderation.Verdict, _ time.Duration, by, _ string) (*moderation.Decision, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = slices.DeleteFunc(m.pending, func(d *moderation.Decision) bool { return d.ID == id })
	m.resolved = append(m.resolved, v.String()+" "+by)
	return nil, nil
}

func (m *pendingMod) got() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.resolved)
}

func TestRunConsoleTimeouts_AppliesPolicy(t *testing.T) {
	tests := []struct {
		name string
		on   string
		want string
	}{
		{"keep", review.TimeoutKeep, "allow timeout"},
		{"delete", review.TimeoutDelete, "delete timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				mod := &pendingMod{pending: []*moderation.Decision{{ID: 1, DecidedAt: time.Now()}}}
				pol := review.DefaultConfig()
				pol.OnTimeout = tt.on
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan struct{})
				go func() {
					defer close(done)
					runConsoleTimeouts(ctx, mod, pol, consoleTimeoutTick, slog.New(slog.DiscardHandler))
				}()
				time.Sleep(pol.ReviewTimeout - time.Minute)
				synctest.Wait()
				if got := mod.got(); len(got) != 0 {
					t.Fatalf("resolved before review_timeout: %v", got)
				}
				time.Sleep(time.Minute + consoleTimeoutTick)
				synctest.Wait()
				if got := mod.got(); !slices.Equal(got, []string{tt.want}) {
					t.Errorf("after review_timeout: %v, want [%s]", got, tt.want)
				}
				cancel()
				<-done
			})
		})
	}
}

// review.web's own keys reach the console-only timer: 6h and delete,
// not the chats' 24h and keep.
func TestConsolePolicy_ReviewWebKeys(t *testing.T) {
	const yml = `state_dir: /tmp/strazh
accounts:
  - name: page
    network: sim
    api_url: http://127.0.0.1:1
    token_env: T
review:
  web: {review_timeout: 6h, on_timeout: delete, remind_after: 1h}
`
	cfg, err := config.Parse("c.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	pol := consolePolicy(*cfg.ReviewWeb)
	if pol.ReviewTimeout != 6*time.Hour || pol.OnTimeout != review.TimeoutDelete || pol.RemindAfter != time.Hour {
		t.Fatalf("policy = %s %s %s, want 6h delete 1h", pol.ReviewTimeout, pol.OnTimeout, pol.RemindAfter)
	}
	if def := consolePolicy(web.DefaultConfig()); def.ReviewTimeout != 24*time.Hour || def.OnTimeout != review.TimeoutKeep {
		t.Errorf("default policy = %s %s, want 24h keep as before", def.ReviewTimeout, def.OnTimeout)
	}
	synctest.Test(t, func(t *testing.T) {
		mod := &pendingMod{pending: []*moderation.Decision{{ID: 1, DecidedAt: time.Now()}}}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			runConsoleTimeouts(ctx, mod, pol, consoleTimeoutTick, slog.New(slog.DiscardHandler))
		}()
		time.Sleep(6*time.Hour - time.Minute)
		synctest.Wait()
		if got := mod.got(); len(got) != 0 {
			t.Fatalf("resolved before review.web.review_timeout: %v", got)
		}
		time.Sleep(time.Minute + consoleTimeoutTick)
		synctest.Wait()
		if got := mod.got(); !slices.Equal(got, []string{"delete timeout"}) {
			t.Errorf("after review.web.review_timeout: %v, want [delete timeout]", got)
		}
		cancel()
		<-done
	})
}

func TestDaemon_ConsoleOnly(t *testing.T) {
	tests := []struct {
		name string
		d    daemon
		want bool
	}{
		{"no console", daemon{}, false},
		{"console alone", daemon{web: new(web.Server)}, true},
		{"console and Telegram", daemon{web: new(web.Server), tg: new(review.Telegram)}, false},
		{"console and MAX", daemon{web: new(web.Server), mx: new(review.Reviewer)}, false},
	}
	for _, tt := range tests {
		if got := tt.d.consoleOnly(); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

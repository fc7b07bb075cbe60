package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// lifeConn is a scripted connector that records when it was called.
type lifeConn struct {
	mu           sync.Mutex
	block        time.Duration // each empty Fetch blocks this long (a long poll)
	connectFails []bool        // Connect n fails when connectFails[n-1]
	lost         []bool        // Fetch n reports not connected when lost[n-1]
	deliver      []moderation.Update
	fetches      []time.Time
	connects     []time.Time
	events       []string // delete, close: in the order they happened
}

// spinLimit ends a Fetch loop that does not pause, so a test of a spinning
// reader fails on its count instead of never ending.
const spinLimit = 100000

func (c *lifeConn) Capabilities() moderation.Capabilities {
	return moderation.Capabilities{Delete: true, Ban: true}
}
func (c *lifeConn) Restore(context.Context, string) error { return nil }
func (c *lifeConn) Ban(_ context.Context, author string, _ moderation.BanRequest) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, "ban "+author)
	return nil
}
func (c *lifeConn) Unban(context.Context, string) error { return nil }

func (c *lifeConn) Delete(_ context.Context, ref string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, "delete "+ref)
	return nil
}

func (c *lifeConn) Close(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, "close")
	return nil
}

func (c *lifeConn) Connect(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.connects = append(c.connects, time.Now())
	if n := len(c.connects); n <= len(c.connectFails) && c.connectFails[n-1] {
		return errors.New("connection refused")
	}
	return nil
}

func (c *lifeConn) Fetch(ctx context.Context, cursor []byte) ([]moderation.Update, []byte, error) {
	c.mu.Lock()
	c.fetches = append(c.fetches, time.Now())
	n := len(c.fetches)
	if n <= len(c.lost) && c.lost[n-1] {
		c.mu.Unlock()
		return nil, nil, fmt.Errorf("test: long-poll session gone: %w", moderation.ErrNotConnected)
	}
	if ups := c.deliver; ups != nil {
		c.deliver = nil
		c.mu.Unlock()
		return ups, []byte("after"), nil
	}
	c.mu.Unlock()
	if n > spinLimit {
		<-ctx.Done()
		return nil, nil, ctx.Err()
	}
	if c.block > 0 {
		t := time.NewTimer(c.block)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	return nil, cursor, nil
}

func (c *lifeConn) snapshot() (fetches, connects []time.Time, events []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Time(nil), c.fetches...), append([]time.Time(nil), c.connects...), append([]string(nil), c.events...)
}

// pollingConn declares its poll interval (moderation.Poller).
type pollingConn struct {
	*lifeConn
	interval time.Duration
}

func (c pollingConn) PollInterval() time.Duration { return c.interval }

// runFor runs a pipeline over accounts for d of the bubble's fake time.
func runFor(t *testing.T, d time.Duration, opts pipeline.Options, accounts ...pipeline.Account) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	opts.Store = db
	p, err := pipeline.New(opts, keywordEngine{}, accounts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	time.Sleep(d)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestPipeline_Run_IdleFetchRate(t *testing.T) {
	tests := []struct {
		name     string
		conn     func(*lifeConn) moderation.Connector
		block    time.Duration
		run      time.Duration
		min, max time.Duration // bounds of the pause between two Fetch starts
	}{
		{name: "declared interval", conn: func(c *lifeConn) moderation.Connector { return pollingConn{c, 30 * time.Second} },
			run: time.Hour, min: 27 * time.Second, max: 33 * time.Second},
		{name: "no interval: the pipeline's default", conn: func(c *lifeConn) moderation.Connector { return c },
			run: 10 * time.Minute, min: 900 * time.Millisecond, max: 1100 * time.Millisecond},
		{name: "long poll is asked again at once", conn: func(c *lifeConn) moderation.Connector { return c },
			block: 25 * time.Second, run: time.Hour, min: 25 * time.Second, max: 25 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := &lifeConn{block: tt.block}
				runFor(t, tt.run, pipeline.Options{}, pipeline.Account{Name: "page", Network: "test", Conn: tt.conn(c)})
				fetches, _, _ := c.snapshot()
				rate := float64(len(fetches)) / tt.run.Seconds()
				t.Logf("%d fetches in %s: %.3f per second", len(fetches), tt.run, rate)
				if want := int(tt.run / tt.max); len(fetches) < want || len(fetches) > int(tt.run/tt.min)+1 {
					t.Fatalf("%d fetches in %s, want %d..%d", len(fetches), tt.run, want, int(tt.run/tt.min)+1)
				}
				gaps := map[time.Duration]bool{}
				for i := 1; i < len(fetches); i++ {
					g := fetches[i].Sub(fetches[i-1])
					if g < tt.min || g > tt.max {
						t.Fatalf("fetch %d came %s after the one before, want %s..%s", i+1, g, tt.min, tt.max)
					}
					gaps[g] = true
				}
				if tt.min != tt.max && len(gaps) < 2 {
					t.Errorf("every pause was the same: no jitter")
				}
			})
		})
	}
}

func TestPipeline_Run_ReconnectsWithBackOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := &lifeConn{
			// Fetch 1 loses the session; Connect 2 and 3 fail; Fetch 2
			// loses it again; Fetch 3 delivers.
			lost:         []bool{true, true},
			connectFails: []bool{false, true, true},
			deliver: []moderation.Update{{Type: moderation.UpdateComment, Comment: moderation.Comment{
				ID: "test:page:1", Ref: "r1", Text: "DELETE", Author: moderation.Author{ID: "u1"}, Created: time.Now()}}},
		}
		opts := pipeline.Options{Retry: moderation.RetryPolicy{InitialInterval: time.Second, MaxInterval: time.Minute, MaxRetries: 3}}
		runFor(t, time.Minute, opts, pipeline.Account{Name: "page", Network: "test", Conn: c, Backfill: true})
		fetches, connects, events := c.snapshot()
		if len(connects) != 5 {
			t.Fatalf("%d Connect calls, want 5 (start, reconnect failing twice, reconnect)", len(connects))
		}
		// Waits before each Connect: retry policy steps 1, 2, 3, then 2
		// (the second loss in a row), each in the upper half of its step.
		want := [][2]time.Duration{{500 * time.Millisecond, time.Second}, {time.Second, 2 * time.Second},
			{2 * time.Second, 4 * time.Second}, {time.Second, 2 * time.Second}}
		for i, w := range want {
			if g := connects[i+1].Sub(connects[i]); g < w[0] || g > w[1] {
				t.Errorf("Connect %d came %s after the one before, want %s..%s", i+2, g, w[0], w[1])
			}
		}
		if len(fetches) < 3 {
			t.Fatalf("%d fetches: reading did not go on after reconnecting", len(fetches))
		}
		if len(events) != 2 || events[0] != "delete r1" || events[1] != "close" {
			t.Errorf("events %q, want the comment delivered after the reconnect deleted, then Close", events)
		}
	})
}

func TestPipeline_Run_ClosesEveryConnectorAfterItsActions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mk := func(ref string) *lifeConn {
			return &lifeConn{deliver: []moderation.Update{{Type: moderation.UpdateComment, Comment: moderation.Comment{
				ID: "test:" + ref, Ref: ref, Text: "DELETE", Author: moderation.Author{ID: "u1"}, Created: time.Now()}}}}
		}
		a, b := mk("a1"), mk("b1")
		runFor(t, time.Second, pipeline.Options{},
			pipeline.Account{Name: "a", Network: "test", Conn: a, Backfill: true},
			pipeline.Account{Name: "b", Network: "test", Conn: pollingConn{b, time.Minute}, Backfill: true})
		for name, c := range map[string]*lifeConn{"a": a, "b": b} {
			_, _, events := c.snapshot()
			if len(events) != 2 || events[1] != "close" {
				t.Errorf("account %s: events %q, want its delete, then one Close", name, events)
			}
		}
	})
}

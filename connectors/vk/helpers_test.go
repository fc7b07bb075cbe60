package vk

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newFake starts a fake VK closed at the end of the test.
func newFake(t testing.TB, opts vktest.Options) *vktest.Server {
	t.Helper()
	f := vktest.New(opts)
	t.Cleanup(f.Close)
	f.AddUser(501, "Иван", "Петров")
	f.AddUser(502, "Мария", "Сидорова")
	return f
}

// newLocalFake is newFake served in-process (vktest.NewLocal): made inside
// a synctest bubble, the fake, the connector and their timers all run on
// the bubble's clock.
func newLocalFake(t testing.TB, opts vktest.Options) *vktest.Server {
	t.Helper()
	f := vktest.NewLocal(opts)
	t.Cleanup(f.Close)
	f.AddUser(501, "Иван", "Петров")
	f.AddUser(502, "Мария", "Сидорова")
	return f
}

// testConfig is a config against the fake with short timings; rates are
// lifted unless a test needs VK's own.
func testConfig(f *vktest.Server) *Config {
	cfg := DefaultConfig()
	cfg.GroupID = f.GroupID()
	cfg.APIURL = f.MethodURL()
	cfg.CommunityTokenEnv, cfg.UserTokenEnv = "X", "X" // not read: tokens are passed directly
	cfg.LongPollWait = time.Second
	cfg.InitialInterval = 5 * time.Millisecond
	cfg.MaxInterval = 20 * time.Millisecond
	cfg.MaxRetries = 3
	cfg.RequestTimeout = 5 * time.Second
	cfg.CommunityRPS, cfg.UserRPS = 10000, 10000
	return cfg
}

// newConn builds a connector against the fake (closed at the end of the
// test); mutate may change the config first.
func newConn(t testing.TB, f *vktest.Server, mutate func(*Config)) *Connector {
	t.Helper()
	cfg := testConfig(f)
	if mutate != nil {
		mutate(cfg)
	}
	c := newConnector(cfg, connectors.Deps{Account: "admin-vk", HTTPClient: f.Client(), Logger: testLogger(t)},
		[nTokens]string{community: f.CommunityToken(), user: f.UserToken()})
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func connect(t testing.TB, c *Connector) {
	t.Helper()
	if err := c.Connect(context.Background()); err != nil {
		t.Fatalf("Connect: %v", err)
	}
}

// driver is a connector-level stand-in for the pipeline: it calls Fetch in
// a loop, keeps the cursor, deduplicates on (comment ID, version) as the
// pipeline does and counts what the connector delivered twice.
type driver struct {
	t       testing.TB
	c       *Connector
	cur     []byte
	all     []moderation.Update
	decided map[string]int // "ID/version" -> times delivered
	dups    int
}

func newDriver(t testing.TB, c *Connector, cur []byte) *driver {
	return &driver{t: t, c: c, cur: cur, decided: map[string]int{}}
}

func key(u moderation.Update) string {
	return fmt.Sprintf("%s/%x/%d", u.Comment.ID, u.Comment.Version(), u.Type)
}

// fetch makes one Fetch call and records its updates.
func (d *driver) fetch() []moderation.Update {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ups, next, err := d.c.Fetch(ctx, d.cur)
	if err != nil {
		d.t.Fatalf("Fetch: %v", err)
	}
	if next == nil {
		d.t.Fatalf("Fetch returned a nil cursor")
	}
	d.cur = next
	for _, u := range ups {
		if u.Type == moderation.UpdateComment {
			k := key(u)
			d.decided[k]++
			if d.decided[k] > 1 {
				d.dups++
			}
		}
	}
	d.all = append(d.all, ups...)
	return ups
}

// until fetches until cond holds (at most 40 calls).
func (d *driver) until(what string, cond func() bool) {
	d.t.Helper()
	for range 40 {
		if cond() {
			return
		}
		d.fetch()
	}
	if !cond() {
		d.t.Fatalf("gave up waiting for %s; got %d updates", what, len(d.all))
	}
}

// comments returns the comment updates seen so far with the given text.
func (d *driver) find(text string) []moderation.Update {
	var out []moderation.Update
	for _, u := range d.all {
		if u.Comment.Text == text {
			out = append(out, u)
		}
	}
	return out
}

func (d *driver) has(text string) func() bool {
	return func() bool { return len(d.find(text)) > 0 }
}

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("VK_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

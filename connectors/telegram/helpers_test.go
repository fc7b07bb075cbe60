package telegram

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The fake's discussion group and channel.
const (
	groupID   = int64(-1001234567890)
	channelID = int64(-1009876543210)
	adminID   = int64(42)
)

var (
	ivan    = telegramtest.User{ID: 501, FirstName: "Иван", LastName: "Петров", Username: "ivanp"}
	maria   = telegramtest.User{ID: 502, FirstName: "Мария"}
	admin   = telegramtest.User{ID: adminID, FirstName: "Админ"}
	channel = telegramtest.Chat{ID: channelID, Title: "Администрация района", Username: "adm_rayon"}
	other   = telegramtest.Chat{ID: -1005555, Title: "Чужой канал"}
)

// newFake starts a fake Bot API with the discussion group.
func newFake(t testing.TB) *telegramtest.Server {
	t.Helper()
	f := telegramtest.New("")
	t.Cleanup(f.Close)
	f.AddGroup(groupID, channel, adminID)
	return f
}

// testConfig is a config against the fake with short timings.
func testConfig(f *telegramtest.Server) *Config {
	cfg := DefaultConfig()
	cfg.ChatID, cfg.ChannelID = groupID, channelID
	cfg.APIURL = f.URL()
	cfg.TokenEnv = "X" // not read: the token is passed directly
	cfg.PollTimeout = time.Second
	cfg.RequestTimeout = 5 * time.Second
	return cfg
}

// newConn builds a connector against the fake (closed at the end of the
// test); mutate may change the config first.
func newConn(t testing.TB, f *telegramtest.Server, account string, mutate func(*Config)) *Connector {
	t.Helper()
	cfg := testConfig(f)
	if mutate != nil {
		mutate(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	c := newConnector(cfg, connectors.Deps{Account: account, HTTPClient: f.Client()}, f.Token())
	c.confirm = testConfirm
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func connect(t testing.TB, c *Connector) {
	t.Helper()
	if err := c.Connect(context.Background()); err != nil {
		t.Fatalf("Connect: %v", err)
	}
}

// driver is a stand-in for the pipeline: Fetch in a loop, keeping the
// cursor, counting what came twice.
type driver struct {
	t    testing.TB
	c    *Connector
	cur  []byte
	all  []moderation.Update
	seen map[string]int
	dups int
}

func newDriver(t testing.TB, c *Connector, cur []byte) *driver {
	return &driver{t: t, c: c, cur: cur, seen: map[string]int{}}
}

func (d *driver) fetch() []moderation.Update {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ups, next, err := d.c.Fetch(ctx, d.cur)
	if err != nil {
		d.t.Fatalf("Fetch: %v", err)
	}
	d.cur = next
	for _, u := range ups {
		k := fmt.Sprintf("%s/%x", u.Comment.ID, u.Comment.Version())
		d.seen[k]++
		if d.seen[k] > 1 {
			d.dups++
		}
	}
	d.all = append(d.all, ups...)
	return ups
}

func (d *driver) until(what string, cond func() bool) {
	d.t.Helper()
	for range 20 {
		if cond() {
			return
		}
		d.fetch()
	}
	if !cond() {
		d.t.Fatalf("gave up waiting for %s; got %d updates", what, len(d.all))
	}
}

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

func connectorsDeps(f *telegramtest.Server) connectors.Deps {
	return connectors.Deps{Account: "tg", HTTPClient: f.Client()}
}

func connectorsDepsEmpty() connectors.Deps { return connectors.Deps{Account: "tg"} }

// testConfirm is the confirmation margin in tests (see confirmDelay).
var testConfirm = 20 * time.Millisecond

package telegram

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
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

// driver is the pipeline's stand-in at connector level
// (pipelinetest.Driver), with the connector at hand.
type driver struct {
	*pipelinetest.Driver
	c *Connector
}

func newDriver(t testing.TB, c *Connector, cur []byte) *driver {
	return &driver{Driver: pipelinetest.NewDriver(t, c, cur), c: c}
}

func connectorsDeps(f *telegramtest.Server) connectors.Deps {
	return connectors.Deps{Account: "tg", HTTPClient: f.Client()}
}

func connectorsDepsEmpty() connectors.Deps { return connectors.Deps{Account: "tg"} }

// testConfirm is the confirmation margin in tests (see confirmDelay).
var testConfirm = 20 * time.Millisecond

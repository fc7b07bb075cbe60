package vk

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
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

// driver is the pipeline's stand-in at connector level
// (pipelinetest.Driver), with the connector at hand.
type driver struct {
	*pipelinetest.Driver
	c *Connector
}

func newDriver(t testing.TB, c *Connector, cur []byte) *driver {
	return &driver{Driver: pipelinetest.NewDriver(t, c, cur), c: c}
}

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("VK_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

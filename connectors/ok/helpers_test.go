package ok

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/ok/oktest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testGID = 53038939046008

// newFake starts a fake OK with one group, closed at the end of the test;
// it returns the group's admin token.
func newFake(t testing.TB) (*oktest.Server, string) {
	t.Helper()
	f := oktest.New()
	t.Cleanup(f.Close)
	f.AddUser("5810", "Иван Петров")
	f.AddUser("5811", "Мария Сидорова")
	return f, f.AddGroup(testGID)
}

// newConn builds a connector against the fake with a short poll interval
// and no request-rate limit; mutate may change the config first.
func newConn(t testing.TB, f *oktest.Server, account, token string, mutate func(*Config)) *Connector {
	t.Helper()
	cfg := DefaultConfig()
	cfg.GroupID = testGID
	cfg.APIURL = f.URL()
	cfg.ApplicationKey = oktest.AppKey
	cfg.ApplicationSecretKeyEnv, cfg.AccessTokenEnv = "X", "X" // not read: passed directly
	cfg.PollInterval = 10 * time.Millisecond
	if mutate != nil {
		mutate(cfg)
	}
	c := newConnector(cfg, connectors.Deps{Account: account, HTTPClient: f.Client()}, oktest.AppSecret, token, 100000)
	c.api.retry = moderation.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
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

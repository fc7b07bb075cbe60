package ok

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/ok/oktest"
	"github.com/strazh/strazh/moderation"
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

// driver calls Fetch in a loop as the pipeline does, keeping the cursor
// and counting what was delivered twice (same ID and version).
type driver struct {
	t       testing.TB
	c       *Connector
	cur     []byte
	all     []moderation.Update
	decided map[string]int
	dups    int
}

func newDriver(t testing.TB, c *Connector, cur []byte) *driver {
	return &driver{t: t, c: c, cur: cur, decided: map[string]int{}}
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
		d.decided[k]++
		if d.decided[k] > 1 {
			d.dups++
		}
	}
	d.all = append(d.all, ups...)
	return ups
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

package max

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
)

// Test texts say what they are: the engine deletes obsceneMark and bans
// banMark (moderation/pipeline/pipelinetest).
const (
	obsceneMark = pipelinetest.ObsceneMark
	banMark     = pipelinetest.BanMark
)

// fake is a MAX fake served over a real socket.
type fake struct {
	*maxtest.Server
	url string
}

func newFake(t testing.TB, o maxtest.Options) *fake {
	t.Helper()
	s := maxtest.New(o)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &fake{Server: s, url: hs.URL + "/"}
}

func testLogger() *slog.Logger {
	if os.Getenv("MAX_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newConn builds a connector against f with a short poll interval.
func newConn(t testing.TB, f *fake, account string, mutate func(*Config)) *Connector {
	t.Helper()
	cfg := DefaultConfig()
	cfg.ChannelID = maxtest.ChannelID
	cfg.APIURL = f.url
	cfg.TokenEnv = "X"
	cfg.PollInterval = 50 * time.Millisecond
	if mutate != nil {
		mutate(cfg)
	}
	c, err := newConnector(cfg, connectors.Deps{Account: account, Logger: testLogger()}, maxtest.Token)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// pipeRun is the real pipeline and bbolt store over connectors.
type pipeRun struct{ *pipelinetest.Run }

func startPipeline(t testing.TB, dir string, conns ...*Connector) *pipeRun {
	t.Helper()
	var accs []pipeline.Account
	for _, c := range conns {
		accs = append(accs, pipeline.Account{Name: c.account, Network: Network, Conn: c})
	}
	return &pipeRun{pipelinetest.Start(t, dir, func(o *pipeline.Options) {
		o.Retry = moderation.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 50 * time.Millisecond, MaxRetries: 100}
	}, accs...)}
}

func (r *pipeRun) stop() { r.Stop() }

// decisions counts the decisions per comment text.
func (r *pipeRun) decisions(t testing.TB) map[string]int {
	t.Helper()
	n := map[string]int{}
	err := r.DB.Query(moderation.Query{}, func(d *moderation.Decision) error {
		n[d.Comment.Text]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (r *pipeRun) credentialsBad(account string) float64 {
	return testutil.ToFloat64(r.Metrics.CredentialsBad.WithLabelValues(account))
}

func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	pipelinetest.Eventually(t, what, cond)
}

func connect(t testing.TB, c *Connector) {
	t.Helper()
	if err := c.Connect(context.Background()); err != nil {
		t.Fatalf("Connect: %v", err)
	}
}

// connected is a connected connector against f.
func connected(t testing.TB, f *fake, account string) *Connector {
	t.Helper()
	c := newConn(t, f, account, nil)
	connect(t, c)
	return c
}

func fakeOpts() maxtest.Options { return maxtest.Options{} }

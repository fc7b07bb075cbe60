package max

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// Test texts say what they are: the engine deletes obsceneMark and bans banMark.
const (
	obsceneMark = "[мат]"
	banMark     = "[бан]"
)

type markEngine struct{}

func (markEngine) Evaluate(c *moderation.Comment, _ moderation.History, out *moderation.Result) {
	switch {
	case strings.Contains(c.Text, banMark):
		out.Verdict = moderation.Ban
		out.Matches = append(out.Matches, moderation.Match{Rule: "test.ban", Label: "spam", Action: moderation.Ban, Reason: "marked for a ban"})
	case strings.Contains(c.Text, obsceneMark):
		out.Verdict = moderation.Delete
		out.Labels = append(out.Labels, "obscenity")
		out.Matches = append(out.Matches, moderation.Match{Rule: "test.obscene", Label: "obscenity", Action: moderation.Delete, Reason: "marked obscene"})
	}
}

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
type pipeRun struct {
	db      *store.DB
	metrics *pipeline.Metrics
	cancel  context.CancelFunc
	done    chan error
	stopped bool
}

func startPipeline(t testing.TB, dir string, conns ...*Connector) *pipeRun {
	t.Helper()
	db, err := store.Open(filepath.Join(dir, "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	r := &pipeRun{db: db, metrics: pipeline.NewMetrics(nil, ""), done: make(chan error, 1)}
	var accs []pipeline.Account
	for _, c := range conns {
		accs = append(accs, pipeline.Account{Name: c.account, Network: Network, Conn: c})
	}
	p, err := pipeline.New(pipeline.Options{
		Store: db, Metrics: r.metrics,
		Retry:              moderation.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 50 * time.Millisecond, MaxRetries: 100},
		CredentialsRecheck: 20 * time.Millisecond,
		RescanEvery:        50 * time.Millisecond,
		ShutdownGrace:      time.Second,
	}, markEngine{}, accs)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- p.Run(ctx) }()
	t.Cleanup(r.stop)
	return r
}

func (r *pipeRun) stop() {
	if r.stopped {
		return
	}
	r.stopped = true
	r.cancel()
	<-r.done
	_ = r.db.Close()
}

// decisions counts the decisions per comment text.
func (r *pipeRun) decisions(t testing.TB) map[string]int {
	t.Helper()
	n := map[string]int{}
	err := r.db.Query(moderation.Query{}, func(d *moderation.Decision) error {
		n[d.Comment.Text]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (r *pipeRun) credentialsBad(account string) float64 {
	return testutil.ToFloat64(r.metrics.CredentialsBad.WithLabelValues(account))
}

// eventually polls cond (the pipeline works on its own goroutines) until
// it holds or 15 seconds pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
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

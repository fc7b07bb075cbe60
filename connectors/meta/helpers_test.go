package meta

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/meta/metatest"
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

// fake is the Graph fake served over a real socket.
type fake struct {
	*metatest.Server
	url string
}

func newFake(t testing.TB) *fake {
	t.Helper()
	s := metatest.New(metatest.Options{})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &fake{Server: s, url: hs.URL + "/"}
}

func testLogger() *slog.Logger {
	if os.Getenv("META_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// opts tune a test connector.
type opts struct {
	mode     string
	webhook  bool             // listen on 127.0.0.1:0
	inbox    connectors.Inbox // nil: its own in memory
	poll     time.Duration
	managers []string // settings.managers
}

// newConn builds a connector of network against f.
func newConn(t testing.TB, f *fake, network, account string, o opts) *Connector {
	t.Helper()
	var s settings
	if network == Instagram {
		cfg := DefaultInstagramConfig()
		cfg.IGUserID = metatest.IGUserID
		s = cfg.settings()
	} else {
		cfg := DefaultFacebookConfig()
		cfg.PageID = metatest.PageID
		s = cfg.settings()
	}
	s.graphURL, s.tokenEnv, s.pollInterval = f.url, "X", 50*time.Millisecond
	if o.poll != 0 {
		s.pollInterval = o.poll
	}
	s.actionMode = ModeDelete
	s.managers = o.managers
	if o.mode != "" {
		s.actionMode = o.mode
	}
	var hs hubSecrets
	if o.webhook {
		s.webhook.Listen = "127.0.0.1:0"
		hs = hubSecrets{appSecret: metatest.AppSecret, verifyToken: metatest.VerifyToken}
	}
	c, err := newConnector(network, s, connectors.Deps{Account: account, Logger: testLogger(), Inbox: o.inbox}, metatest.Token, hs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func connect(t testing.TB, c *Connector) {
	t.Helper()
	if err := c.Connect(context.Background()); err != nil {
		t.Fatalf("Connect: %v", err)
	}
}

// hookURL is the connector's webhook callback.
func hookURL(c *Connector) string { return "http://" + c.WebhookAddr() + defaultWebhookPath }

// pipeRun is the real pipeline and bbolt store over connectors.
type pipeRun struct{ *pipelinetest.Run }

func startPipeline(t testing.TB, dir string, conns ...*Connector) *pipeRun {
	t.Helper()
	var accs []pipeline.Account
	for _, c := range conns {
		accs = append(accs, pipeline.Account{Name: c.account, Network: c.network, Conn: c})
	}
	return &pipeRun{pipelinetest.Start(t, dir, func(o *pipeline.Options) {
		o.Retry = moderation.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 50 * time.Millisecond, MaxRetries: 100}
	}, accs...)}
}

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

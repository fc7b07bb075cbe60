package telegram

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// The scenario tests run the real pipeline and bbolt store over the
// connector and the fake.

// obsceneMark makes markEngine delete a comment: test texts say what they
// are instead of carrying real obscenity.
const obsceneMark = "[мат]"

// markEngine deletes comments carrying obsceneMark and allows the rest.
type markEngine struct{}

func (markEngine) Evaluate(c *moderation.Comment, _ moderation.History, out *moderation.Result) {
	if strings.Contains(c.Text, obsceneMark) {
		out.Verdict = moderation.Delete
		out.Labels = append(out.Labels, "obscenity")
		out.Matches = append(out.Matches, moderation.Match{Rule: "test.obscene", Label: "obscenity",
			Action: moderation.Delete, Reason: "marked obscene"})
	}
}

// pipeRun is a pipeline over connectors, on a store in dir.
type pipeRun struct {
	db      *store.DB
	pipe    *pipeline.Pipeline
	metrics *pipeline.Metrics
	cancel  context.CancelFunc
	done    chan error
	stopped bool
}

func startPipeline(t testing.TB, dir string, conns ...*Connector) *pipeRun {
	t.Helper()
	return startPipelineWith(t, dir, nil, conns...)
}

// startPipelineWith is startPipeline with tune changing the options.
func startPipelineWith(t testing.TB, dir string, tune func(*pipeline.Options), conns ...*Connector) *pipeRun {
	t.Helper()
	db, err := store.Open(filepath.Join(dir, "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	r := &pipeRun{db: db, metrics: pipeline.NewMetrics(nil, ""), done: make(chan error, 1)}
	opts := pipeline.Options{
		Store: db, Metrics: r.metrics,
		Retry:              moderation.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond, MaxRetries: 30},
		CredentialsRecheck: 20 * time.Millisecond,
		RescanEvery:        50 * time.Millisecond,
		ShutdownGrace:      time.Second,
	}
	if tune != nil {
		tune(&opts)
	}
	var accs []pipeline.Account
	for _, c := range conns {
		accs = append(accs, pipeline.Account{Name: c.account, Network: Network, Conn: c})
	}
	r.pipe, err = pipeline.New(opts, markEngine{}, accs)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- r.pipe.Run(ctx) }()
	t.Cleanup(r.stop)
	return r
}

// stop ends the pipeline and closes its store (idempotent).
func (r *pipeRun) stop() {
	if r.stopped {
		return
	}
	r.stopped = true
	r.cancel()
	<-r.done
	_ = r.db.Close()
}

// decisions returns the decisions whose comment text is text.
func (r *pipeRun) decisions(t testing.TB, text string) []*moderation.Decision {
	t.Helper()
	var out []*moderation.Decision
	err := r.db.Query(moderation.Query{}, func(d *moderation.Decision) error {
		if d.Comment.Text == text {
			c := *d
			out = append(out, &c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
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

package vk

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

// The tests in this package that need decisions (is the comment deleted in
// the end?) run the real pipeline and store over the connector.

// obsceneMark makes markEngine delete a comment: test texts say what they
// are instead of carrying real obscenity.
const obsceneMark = "[мат]"

// reviewMark sends a comment to review.
const reviewMark = "[спорно]"

// markEngine deletes comments carrying obsceneMark, sends those carrying
// reviewMark to review and allows the rest.
type markEngine struct{}

func (markEngine) Evaluate(c *moderation.Comment, _ moderation.History, out *moderation.Result) {
	if strings.Contains(c.Text, reviewMark) {
		out.Verdict = moderation.Review
		out.Matches = append(out.Matches, moderation.Match{Rule: "test.review", Action: moderation.Review, Reason: "marked doubtful"})
		return
	}
	if strings.Contains(c.Text, obsceneMark) {
		out.Verdict = moderation.Delete
		out.Labels = append(out.Labels, "obscenity")
		out.Matches = append(out.Matches, moderation.Match{Rule: "test.obscene", Label: "obscenity",
			Action: moderation.Delete, Reason: "marked obscene"})
	}
}

// pipeRun is a pipeline over one VK connector, on a store in dir.
type pipeRun struct {
	db      *store.DB
	pipe    *pipeline.Pipeline
	metrics *pipeline.Metrics
	cancel  context.CancelFunc
	done    chan error
	stopped bool
}

// startPipeline runs a pipeline over conn with short waits (tune may
// change them) until stop or the end of the test.
func startPipeline(t testing.TB, dir string, conn *Connector, tune func(*pipeline.Options)) *pipeRun {
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
	r.pipe, err = pipeline.New(opts, markEngine{}, []pipeline.Account{{Name: conn.account, Network: Network, Conn: conn}})
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

// decided reports whether the comment with text has a decision.
func (r *pipeRun) decided(t testing.TB, text string) bool {
	t.Helper()
	found := false
	err := r.db.Query(moderation.Query{}, func(d *moderation.Decision) error {
		found = found || d.Comment.Text == text
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
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

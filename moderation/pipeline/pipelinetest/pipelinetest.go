// Package pipelinetest runs the real pipeline and bbolt store over
// connectors, for the connectors' scenario tests: one harness instead of
// a copy in every connector package.
package pipelinetest

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

// ObsceneMark makes MarkEngine delete a comment: test texts say what they
// are instead of carrying real obscenity.
const ObsceneMark = "[мат]"

// ReviewMark makes MarkEngine send a comment to review; BanMark, delete it
// and ban its author.
const (
	ReviewMark = "[спорно]"
	BanMark    = "[бан]"
)

// AppealMark tags a comment as a citizen's appeal, as the appeals rule
// pack does (label moderation.LabelAppeal, verdict allow): "[обращение:roads]"
// gives the match appeals.roads; "[обращение]" no topic. It combines with
// the other marks (an appeal with мат is still an appeal).
const AppealMark = "[обращение"

// MarkEngine sends comments carrying ReviewMark to review, bans those
// carrying BanMark, deletes those carrying ObsceneMark and allows the rest;
// AppealMark adds the appeal label.
type MarkEngine struct{}

// Evaluate implements moderation.Evaluator.
func (MarkEngine) Evaluate(c *moderation.Comment, _ moderation.History, out *moderation.Result) {
	if i := strings.Index(c.Text, AppealMark); i >= 0 {
		rest := c.Text[i+len(AppealMark):]
		rule := "appeals"
		if t, ok := strings.CutPrefix(rest, ":"); ok {
			if j := strings.IndexByte(t, ']'); j > 0 {
				rule = "appeals." + t[:j]
			}
		}
		out.Labels = append(out.Labels, moderation.LabelAppeal)
		out.Matches = append(out.Matches, moderation.Match{Rule: rule, Label: moderation.LabelAppeal,
			Action: moderation.Allow, Reason: "marked as an appeal"})
	}
	if strings.Contains(c.Text, ReviewMark) {
		out.Verdict = moderation.Review
		out.Matches = append(out.Matches, moderation.Match{Rule: "test.review", Action: moderation.Review, Reason: "marked doubtful"})
		return
	}
	if strings.Contains(c.Text, BanMark) {
		out.Verdict = moderation.Ban
		out.Matches = append(out.Matches, moderation.Match{Rule: "test.ban", Label: "spam", Action: moderation.Ban, Reason: "marked for a ban"})
		return
	}
	if strings.Contains(c.Text, ObsceneMark) {
		out.Verdict = moderation.Delete
		out.Labels = append(out.Labels, "obscenity")
		out.Matches = append(out.Matches, moderation.Match{Rule: "test.obscene", Label: "obscenity",
			Action: moderation.Delete, Reason: "marked obscene"})
	}
}

// Run is a running pipeline over connectors, on a store in a directory.
type Run struct {
	DB      *store.DB
	Pipe    *pipeline.Pipeline
	Metrics *pipeline.Metrics

	cancel  context.CancelFunc
	done    chan error
	stopped bool
}

// Start opens a store in dir and runs the pipeline with MarkEngine over
// accs, with test timings (retries in milliseconds); tune, if set, changes
// the options. The run stops when the test ends, or at Stop.
func Start(t testing.TB, dir string, tune func(*pipeline.Options), accs ...pipeline.Account) *Run {
	t.Helper()
	db, err := store.Open(filepath.Join(dir, "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	r := &Run{DB: db, Metrics: pipeline.NewMetrics(nil, ""), done: make(chan error, 1)}
	opts := pipeline.Options{
		Store: db, Metrics: r.Metrics,
		Retry:              moderation.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond, MaxRetries: 30},
		CredentialsRecheck: 20 * time.Millisecond,
		RescanEvery:        50 * time.Millisecond,
		ShutdownGrace:      time.Second,
	}
	opts.Appeals.Store = db
	if tune != nil {
		tune(&opts)
	}
	r.Pipe, err = pipeline.New(opts, MarkEngine{}, accs)
	if err != nil {
		_ = db.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- r.Pipe.Run(ctx) }()
	t.Cleanup(r.Stop)
	return r
}

// Stop ends the pipeline and closes its store (idempotent).
func (r *Run) Stop() {
	if r.stopped {
		return
	}
	r.stopped = true
	r.cancel()
	<-r.done
	_ = r.DB.Close()
}

// Decisions returns copies of the decisions whose comment text is text.
func (r *Run) Decisions(t testing.TB, text string) []*moderation.Decision {
	t.Helper()
	var out []*moderation.Decision
	err := r.DB.Query(moderation.Query{}, func(d *moderation.Decision) error {
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

// Eventually polls cond (the pipeline works on its own goroutines) until
// it holds or 15 seconds pass.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

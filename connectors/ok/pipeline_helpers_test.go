package ok

import (
	"context"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// obsceneMark makes markEngine delete a comment: test texts say what they
// are instead of carrying real obscenity.
const obsceneMark = "[мат]"

type markEngine struct{}

func (markEngine) Evaluate(c *moderation.Comment, _ moderation.History, out *moderation.Result) {
	if strings.Contains(c.Text, obsceneMark) {
		out.Verdict = moderation.Delete
		out.Labels = append(out.Labels, "obscenity")
		out.Matches = append(out.Matches, moderation.Match{Rule: "test.obscene", Label: "obscenity",
			Action: moderation.Delete, Reason: "marked obscene"})
	}
}

// pipeRun is the real pipeline and bbolt store over OK connectors.
type pipeRun struct {
	db      *store.DB
	pipe    *pipeline.Pipeline
	metrics *pipeline.Metrics
	cancel  context.CancelFunc
	done    chan error
	stopped bool
}

func startPipeline(t testing.TB, dir string, conns ...moderation.Connector) *pipeRun {
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
	var accs []pipeline.Account
	for _, c := range conns {
		name := ""
		switch c := c.(type) {
		case *Connector:
			name = c.account
		case *countingConn:
			name = c.account
		}
		accs = append(accs, pipeline.Account{Name: name, Network: Network, Conn: c})
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

func (r *pipeRun) stop() {
	if r.stopped {
		return
	}
	r.stopped = true
	r.cancel()
	<-r.done
	_ = r.db.Close()
}

// decisions counts the decisions on comments with text.
func (r *pipeRun) decisions(t testing.TB, text string) int {
	t.Helper()
	n := 0
	err := r.db.Query(moderation.Query{}, func(d *moderation.Decision) error {
		if d.Comment.Text == text {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// eventually polls cond (the pipeline runs on its own goroutines) until it
// holds or 15 seconds pass.
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

// countingConn records what the connector delivered to the pipeline (the
// store drops a repeat silently, so only this shows the connector's own).
type countingConn struct {
	*Connector
	mu    sync.Mutex
	texts map[string]int
}

func (c *countingConn) Fetch(ctx context.Context, cur []byte) ([]moderation.Update, []byte, error) {
	ups, next, err := c.Connector.Fetch(ctx, cur)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.texts == nil {
		c.texts = map[string]int{}
	}
	for _, u := range ups {
		c.texts[u.Comment.Text]++
	}
	return ups, next, err
}

func (c *countingConn) delivered() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.texts)
}

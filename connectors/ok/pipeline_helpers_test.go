package ok

import (
	"context"
	"maps"
	"sync"
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
)

// The scenario tests run the real pipeline and bbolt store over the
// connector and the fake (moderation/pipeline/pipelinetest).

const obsceneMark = pipelinetest.ObsceneMark

type pipeRun struct{ *pipelinetest.Run }

func startPipeline(t testing.TB, dir string, conns ...moderation.Connector) *pipeRun {
	t.Helper()
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
	return &pipeRun{pipelinetest.Start(t, dir, nil, accs...)}
}

func (r *pipeRun) stop() { r.Stop() }

// decisions counts the decisions on comments with text.
func (r *pipeRun) decisions(t testing.TB, text string) int { return len(r.Decisions(t, text)) }

func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	pipelinetest.Eventually(t, what, cond)
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

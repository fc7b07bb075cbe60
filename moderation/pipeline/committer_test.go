package pipeline_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// committing wraps a connector and records, at each Committed, whether
// the store already held that cursor.
type committing struct {
	moderation.Connector
	cursors moderation.Cursors
	mu      sync.Mutex
	calls   int
	early   int // Committed before the store had the cursor
}

func (c *committing) Committed(cur []byte) {
	stored, err := c.cursors.Cursor("page")
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if err != nil || !bytes.Equal(stored, cur) {
		c.early++
	}
}

// A connector that is a moderation.Committer hears of every batch once it
// is stored, with the cursor stored with it (Telegram confirms offsets
// from this, since the pipeline reads ahead of its commits).
func TestPipeline_Run_CommittedAfterTheStore(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	var wrap *committing
	h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, a *pipeline.Account) {
		wrap = &committing{Connector: a.Conn, cursors: o.Store}
		a.Conn = wrap
	})
	id := net.Post("p1", "u1", "Анна", "DELETE me")
	eventually(t, "decided", h.decided(id, 1))
	eventually(t, "told of the commit", func() bool { wrap.mu.Lock(); defer wrap.mu.Unlock(); return wrap.calls > 0 })
	wrap.mu.Lock()
	defer wrap.mu.Unlock()
	if wrap.early != 0 {
		t.Errorf("%d of %d Committed calls came before the store held their cursor", wrap.early, wrap.calls)
	}
}

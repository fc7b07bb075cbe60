package pipeline_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// slowConn takes a second per deletion and records how many ran at once.
type slowConn struct {
	*lifeConn
	mu           sync.Mutex
	now, most, n int
	parallel     int // ParallelActions when > 0 (see parallelConn)
}

func (c *slowConn) Delete(ctx context.Context, ref string) error {
	c.mu.Lock()
	c.now++
	c.most = max(c.most, c.now)
	c.mu.Unlock()
	time.Sleep(time.Second)
	c.mu.Lock()
	c.now--
	c.n++
	c.mu.Unlock()
	return nil
}

type parallelConn struct{ *slowConn }

func (c parallelConn) ParallelActions() int { return c.parallel }

func TestPipeline_Run_ParallelActions(t *testing.T) {
	tests := []struct {
		name     string
		parallel int
		want     int
	}{
		{"one after another by default", 0, 1},
		{"up to what the connector declares", 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var ups []moderation.Update
				for i := range 10 {
					id := "test:page:" + strconv.Itoa(i)
					ups = append(ups, moderation.Update{Type: moderation.UpdateComment, Comment: moderation.Comment{
						ID: id, Ref: id, Text: "DELETE", Author: moderation.Author{ID: "u" + strconv.Itoa(i)}, Created: time.Now()}})
				}
				c := &slowConn{lifeConn: &lifeConn{deliver: ups}, parallel: tt.parallel}
				var conn moderation.Connector = c
				if tt.parallel > 0 {
					conn = parallelConn{c}
				}
				runFor(t, time.Minute, pipeline.Options{}, pipeline.Account{Name: "page", Network: "test", Conn: conn, Backfill: true})
				c.mu.Lock()
				defer c.mu.Unlock()
				if c.n != 10 || c.most != tt.want {
					t.Errorf("%d deletions, at most %d at once; want 10, %d", c.n, c.most, tt.want)
				}
			})
		})
	}
}

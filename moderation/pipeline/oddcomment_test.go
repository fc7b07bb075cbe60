package pipeline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
)

// TestPipeline_Run_OversizedIDDoesNotWedgeTheAccount: a comment whose ID
// is larger than a database key may be (a network answering a 40 KB id)
// is refused with an error naming it, and the comments around it are
// decided. Before, the store refused the whole batch's transaction (key
// too large), the pipeline retried it for ever and the account decided
// nothing more.
func TestPipeline_Run_OversizedIDDoesNotWedgeTheAccount(t *testing.T) {
	conn := newFeedConn()
	r := pipelinetest.Start(t, t.TempDir(), nil, pipeline.Account{Name: "p", Network: "vk", Conn: conn, Backfill: true})
	now := time.Now()
	comment := func(local, text string) moderation.Comment {
		return moderation.Comment{ID: moderation.MakeID("vk", "p", local), Ref: "wall:-1:" + local,
			Author: moderation.Author{ID: "501"}, Text: text, Created: now}
	}
	conn.Push(comment("1", "до"), comment(strings.Repeat("9", 40<<10), "огромный id "+pipelinetest.ObsceneMark), comment("2", "после"))
	conn.Push(comment("3", "следующая пачка"))
	pipelinetest.Eventually(t, "the comments around it decided", func() bool {
		return len(r.Decisions(t, "до")) == 1 && len(r.Decisions(t, "после")) == 1 && len(r.Decisions(t, "следующая пачка")) == 1
	})
	if n := len(r.Decisions(t, "огромный id "+pipelinetest.ObsceneMark)); n != 0 {
		t.Fatalf("the oversized comment recorded %d times", n)
	}
}

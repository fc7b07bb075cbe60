package pipeline_test

import (
	"context"
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// A moderator's decision was recorded, and its example written after it
// by the learner: a process killed between the two lost the example for
// good (nothing hands a decided review to the learner again), so the
// page's model never learned that decision. The store keeps the example
// in the decision's own transaction; the learner here is killed before it
// writes anything (it records only).
func TestPipeline_Resolve_ExampleKeptWithTheDecision(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	rec := &learnRecorder{}
	h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, _ *pipeline.Account) { o.Learner = rec })
	rev := net.Post("p1", "u1", "Анна", "REVIEW me")
	keep := net.Post("p1", "u3", "Вера", "REVIEW me too")
	auto := net.Post("p1", "u2", "Борис", "DELETE me")
	conf := net.Post("p1", "u4", "Глеб", "CONFIRM me") // the page's model confirmed the rule's review
	eventually(t, "reviews pending", func() bool { return len(h.decisions(rev)) == 1 && len(h.decisions(keep)) == 1 })
	eventually(t, "automatic deletes done", func() bool { return net.Deleted(auto) && net.Deleted(conf) })
	ctx := context.Background()
	if _, err := h.pipe.Resolve(ctx, h.decisions(rev)[0].ID, moderation.Delete, 0, "telegram:1", "M"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pipe.Resolve(ctx, h.decisions(keep)[0].ID, moderation.Allow, 0, "max:2", "N"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "delete outcome recorded", func() bool { ds := h.decisions(auto); return len(ds) == 1 && !ds[0].HasPendingActions() })
	if _, err := h.pipe.Undo(ctx, h.decisions(auto)[0].ID, "telegram:1", "M"); err != nil {
		t.Fatal(err)
	}
	got := map[uint64]moderation.Example{}
	if err := h.db.EachExample(func(e moderation.Example) error { got[e.DecisionID] = e; return nil }); err != nil {
		t.Fatal(err)
	}
	want := map[uint64]moderation.Verdict{h.decisions(rev)[0].ID: moderation.Delete, h.decisions(keep)[0].ID: moderation.Allow,
		h.decisions(auto)[0].ID: moderation.Allow, h.decisions(conf)[0].ID: moderation.Delete}
	for id, v := range want {
		if e, ok := got[id]; !ok || e.Verdict != v {
			t.Errorf("decision %d: example %+v (kept %v), want one with verdict %s", id, e, ok, v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d examples kept, want %d: %+v", len(got), len(want), got)
	}
}

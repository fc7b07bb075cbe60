package pipeline_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// learnRecorder is a Learner that remembers what it was given.
type learnRecorder struct {
	mu   sync.Mutex
	got  []moderation.Decision
	fail error
}

func (r *learnRecorder) Record(d *moderation.Decision) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, *d)
	return r.fail
}

func (r *learnRecorder) all() []moderation.Decision {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]moderation.Decision(nil), r.got...)
}

func TestPipeline_Resolve_AndUndo_TeachTheLearner(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	rec := &learnRecorder{fail: errors.New("disk full")} // a failing learner does not stop deciding
	h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, _ *pipeline.Account) { o.Learner = rec })
	rev := net.Post("p1", "u1", "Анна", "REVIEW me")
	auto := net.Post("p1", "u2", "Борис", "DELETE me")
	eventually(t, "review pending", h.decided(rev, 1))
	eventually(t, "automatic delete done", func() bool { return net.Deleted(auto) })
	if n := len(rec.all()); n != 0 {
		t.Fatalf("the learner saw %d decisions before any human decided", n)
	}
	if _, err := h.pipe.Resolve(context.Background(), h.decisions(rev)[0].ID, moderation.Delete, 0, "telegram:1", "M"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "delete outcome recorded", func() bool { ds := h.decisions(auto); return len(ds) == 1 && !ds[0].HasPendingActions() })
	if _, err := h.pipe.Undo(context.Background(), h.decisions(auto)[0].ID, "telegram:1", "M"); err != nil {
		t.Fatal(err)
	}
	got := rec.all()
	if len(got) != 2 {
		t.Fatalf("learner saw %d decisions, want the resolve and the undo", len(got))
	}
	if ex, ok := moderation.ExampleFromDecision(&got[0]); !ok || ex.Verdict != moderation.Delete || len(ex.Labels) != 1 || ex.Labels[0] != "test" {
		t.Errorf("resolve gave example %+v (ok %v), want a positive for the rule's label", ex, ok)
	}
	if ex, ok := moderation.ExampleFromDecision(&got[1]); !ok || ex.Verdict != moderation.Allow || len(ex.Labels) != 0 || ex.By != "telegram:1" {
		t.Errorf("undo gave example %+v (ok %v), want a negative by the moderator", ex, ok)
	}
	if !net.Deleted(rev) || net.Deleted(auto) {
		t.Error("decisions were not carried out with a failing learner")
	}
}

// A delete the page's model confirmed is an example at once (the page's
// removals keep counting though no human decides them); a moderator's
// restore replaces it with a negative.
func TestPipeline_ConfirmedDelete_TeachesTheLearner(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	rec := &learnRecorder{}
	h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, _ *pipeline.Account) { o.Learner = rec })
	plain := net.Post("p1", "u2", "Борис", "DELETE me")
	conf := net.Post("p1", "u1", "Анна", "CONFIRM me")
	eventually(t, "both deleted", func() bool { return net.Deleted(plain) && net.Deleted(conf) })
	eventually(t, "the learner saw the confirmed delete", func() bool { return len(rec.all()) >= 1 })
	got := rec.all()
	if len(got) != 1 || got[0].Comment.ID != h.decisions(conf)[0].Comment.ID {
		t.Fatalf("learner saw %d decisions (%+v), want only the confirmed delete", len(got), got)
	}
	if ex, ok := moderation.ExampleFromDecision(&got[0]); !ok || ex.Verdict != moderation.Delete || len(ex.Labels) != 1 || ex.Labels[0] != "test" || ex.By != moderation.ByAuto {
		t.Errorf("confirmed delete gave example %+v (ok %v), want a positive for the rule's label by auto", ex, ok)
	}
	eventually(t, "delete outcome recorded", func() bool { ds := h.decisions(conf); return len(ds) == 1 && !ds[0].HasPendingActions() })
	if _, err := h.pipe.Undo(context.Background(), h.decisions(conf)[0].ID, "telegram:1", "M"); err != nil {
		t.Fatal(err)
	}
	got = rec.all()
	if len(got) != 2 {
		t.Fatalf("learner saw %d decisions, want the confirmed delete and its undo", len(got))
	}
	if ex, ok := moderation.ExampleFromDecision(&got[1]); !ok || ex.Verdict != moderation.Allow || len(ex.Labels) != 0 || ex.DecisionID != got[0].ID {
		t.Errorf("undo gave example %+v (ok %v), want a negative replacing the confirmed one", ex, ok)
	}
}

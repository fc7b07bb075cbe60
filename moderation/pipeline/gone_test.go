package pipeline_test

import (
	"context"
	"sync"
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// goneInjector adds UpdateDeleted updates to what the sim connector reads:
// alone in the next batch (now), or right after the comment in the batch
// that first brings it (after).
type goneInjector struct {
	moderation.Connector
	mu    sync.Mutex
	now   []moderation.Update
	after map[string]moderation.Update // by comment ID
}

func injectGone(g *goneInjector) func(*pipeline.Options, *pipeline.Account) {
	return func(_ *pipeline.Options, a *pipeline.Account) {
		g.Connector = a.Conn
		a.Conn = g
	}
}

func (g *goneInjector) Fetch(ctx context.Context, cur []byte) ([]moderation.Update, []byte, error) {
	g.mu.Lock()
	if len(g.now) > 0 {
		ups := g.now
		g.now = nil
		g.mu.Unlock()
		return ups, cur, nil
	}
	g.mu.Unlock()
	ups, next, err := g.Connector.Fetch(ctx, cur)
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, u := range ups {
		if del, ok := g.after[u.Comment.ID]; ok {
			delete(g.after, u.Comment.ID)
			ups = append(ups, del)
		}
	}
	return ups, next, err
}

func (g *goneInjector) deleteNow(id, by string) {
	g.mu.Lock()
	g.now = append(g.now, moderation.Update{Type: moderation.UpdateDeleted,
		Comment: moderation.Comment{ID: moderation.MakeID("sim", "page", id)}, By: by})
	g.mu.Unlock()
}

// goneRecorder is a reviewer that also takes Gone.
type goneRecorder struct {
	reviewRecorder
	gmu  sync.Mutex
	gone []uint64
}

func (r *goneRecorder) Gone(_ context.Context, d *moderation.Decision) error {
	r.gmu.Lock()
	defer r.gmu.Unlock()
	r.gone = append(r.gone, d.ID)
	return nil
}

func (r *goneRecorder) goneIDs() []uint64 {
	r.gmu.Lock()
	defer r.gmu.Unlock()
	return append([]uint64(nil), r.gone...)
}

func TestPipeline_Run_DeletedOnNetworkClosesPendingReview(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	g := &goneInjector{after: map[string]moderation.Update{}}
	rec := &goneRecorder{}
	h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, a *pipeline.Account) {
		injectGone(g)(o, a)
		o.Reviewer = rec
	})
	rev := net.Post("p1", "u1", "Анна", "REVIEW me")
	eventually(t, "review pending", h.decided(rev, 1))
	d := h.decisions(rev)[0]
	if d.Review == nil || d.Review.Status != moderation.ReviewPending {
		t.Fatalf("not pending: %+v", d.Review)
	}
	g.deleteNow(rev, "sim:77")
	eventually(t, "review closed", func() bool {
		d := h.decisions(rev)[0]
		return d.Review.Status == moderation.ReviewDecided
	})
	d = h.decisions(rev)[0]
	if d.Review.By != moderation.ByNetwork || d.Review.ByName != "sim:77" || d.Review.Verdict != moderation.Delete {
		t.Errorf("closed as %+v, want decided by the network (sim:77), delete", d.Review)
	}
	if len(d.Actions) != 0 {
		t.Errorf("actions planned for a comment already gone: %+v", d.Actions)
	}
	eventually(t, "card closed at once", func() bool { ids := rec.goneIDs(); return len(ids) == 1 && ids[0] == d.ID })
	if pend, _ := h.pipe.PendingReviews(); len(pend) != 0 {
		t.Errorf("still pending: %d", len(pend))
	}
	if net.Calls("delete", rev) != 0 {
		t.Error("strazh deleted a comment the network had deleted")
	}
}

func TestPipeline_Run_DeletedOnNetworkLeavesDecidedReview(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	g := &goneInjector{after: map[string]moderation.Update{}}
	rec := &goneRecorder{}
	h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, a *pipeline.Account) {
		injectGone(g)(o, a)
		o.Reviewer = rec
	})
	rev := net.Post("p1", "u1", "Анна", "REVIEW me")
	eventually(t, "review pending", h.decided(rev, 1))
	if _, err := h.pipe.Resolve(context.Background(), h.decisions(rev)[0].ID, moderation.Allow, 0, "telegram:1", "M"); err != nil {
		t.Fatal(err)
	}
	// The deletion rides in the batch of the next comment (sim ids are c1,
	// c2, ...), so once that one is recorded the deletion was handled.
	g.mu.Lock()
	g.after[moderation.MakeID("sim", "page", "c2")] = moderation.Update{Type: moderation.UpdateDeleted,
		Comment: moderation.Comment{ID: moderation.MakeID("sim", "page", rev)}, By: "sim:77"}
	g.mu.Unlock()
	other := net.Post("p1", "u2", "Борис", "после удаления")
	if other != "c2" {
		t.Fatalf("sim ids changed: %s", other)
	}
	eventually(t, "the next comment decided", h.decided(other, 1))
	d := h.decisions(rev)[0]
	if d.Review.By != "telegram:1" || d.Review.Verdict != moderation.Allow {
		t.Errorf("a moderator's decision was overwritten: %+v", d.Review)
	}
	if len(rec.goneIDs()) != 0 {
		t.Errorf("Gone called for a decided review: %v", rec.goneIDs())
	}
}

func TestPipeline_Run_DeletedInTheSameBatch(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	g := &goneInjector{after: map[string]moderation.Update{}}
	rec := &goneRecorder{}
	h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, a *pipeline.Account) {
		injectGone(g)(o, a)
		o.Reviewer = rec
	})
	// The sim numbers comments c1, c2, ...: the deletion rides with the
	// batch that brings the first one.
	id := moderation.MakeID("sim", "page", "c1")
	g.mu.Lock()
	g.after[id] = moderation.Update{Type: moderation.UpdateDeleted, Comment: moderation.Comment{ID: id}, By: "sim:77"}
	g.mu.Unlock()
	rev := net.Post("p1", "u1", "Анна", "REVIEW me")
	if moderation.MakeID("sim", "page", rev) != id {
		t.Fatalf("sim ids changed: %s", rev)
	}
	eventually(t, "decided", h.decided(rev, 1))
	d := h.decisions(rev)[0]
	if d.Review == nil || d.Review.Status != moderation.ReviewDecided || d.Review.By != moderation.ByNetwork {
		t.Fatalf("review not closed in its own batch: %+v", d.Review)
	}
	// A later review is submitted; the deleted one never was (Submit runs
	// in commit order, so the first submission settles it).
	next := net.Post("p1", "u2", "Борис", "REVIEW two")
	eventually(t, "the next review submitted", func() bool { s, _ := rec.counts(); return s >= 1 })
	rec.mu.Lock()
	sub := append([]uint64(nil), rec.submitted...)
	rec.mu.Unlock()
	if len(sub) != 1 || sub[0] == d.ID || sub[0] != h.decisions(next)[0].ID {
		t.Errorf("submitted %v; the deleted comment's decision is %d", sub, d.ID)
	}
}

package pipeline_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// rereader is the sim connector plus a catch-up that reads again what it
// read before (as VK's does under an edited post): reread() delivers the
// comments read so far, and a new one, in the next batch.
type rereader struct {
	moderation.Connector
	mu    sync.Mutex
	read  []moderation.Update
	again []moderation.Update
}

func (r *rereader) Fetch(ctx context.Context, cur []byte) ([]moderation.Update, []byte, error) {
	r.mu.Lock()
	if len(r.again) > 0 {
		ups := r.again
		r.again = nil
		r.mu.Unlock()
		return ups, cur, nil
	}
	r.mu.Unlock()
	ups, next, err := r.Connector.Fetch(ctx, cur)
	r.mu.Lock()
	r.read = append(r.read, ups...)
	r.mu.Unlock()
	return ups, next, err
}

func (r *rereader) reread(fresh moderation.Update) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.again = append(append(r.again, r.read...), fresh)
}

// shortRetention is the store with a retention of a week.
type shortRetention struct{ moderation.Store }

func (shortRetention) Retention() time.Duration { return 7 * 24 * time.Hour }

// A comment decided, whose decision the retention then pruned, read again
// by the catch-up after a restart: it is not decided a second time (no
// second card), while a new comment in the same batch is.
func TestPipeline_Run_CatchUpPastTheRetentionDecidesNothingAgain(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	dir := t.TempDir()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	rr := &rereader{}
	tune := func(o *pipeline.Options, a *pipeline.Account) {
		o.Now, o.Store = clock, shortRetention{o.Store}
		rr.Connector = a.Conn
		a.Conn = rr
	}
	h := newHarness(t, net, dir, tune)
	id := net.Post("p1", "u1", "Анна", "REVIEW me")
	eventually(t, "decided", h.decided(id, 1))
	first := h.decisions(id)[0]
	if _, err := h.pipe.Resolve(context.Background(), first.ID, moderation.Allow, 0, "telegram:1", "Модератор"); err != nil {
		t.Fatal(err)
	}
	// Eight days on, the store has pruned the decision.
	if n, err := h.db.Prune(time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want the one decision", n, err)
	}
	h.stop()
	mu.Lock()
	now = now.Add(8 * 24 * time.Hour)
	later := now
	mu.Unlock()
	fresh := moderation.Update{Type: moderation.UpdateComment, Comment: moderation.Comment{
		ID: moderation.MakeID("sim", "page", "fresh"), Network: "sim", Ref: "fresh", PostID: "p1",
		Author: moderation.Author{ID: "u2", Name: "Борис"}, Text: "REVIEW this one", Created: later}}
	rr.reread(fresh) // the restart's catch-up reads the old comment again
	h = newHarness(t, net, dir, tune)
	eventually(t, "the new comment decided", h.decided("fresh", 1))
	if ds := h.decisions(id); len(ds) != 0 {
		t.Errorf("the old comment decided again after its decision was pruned: %s, review %+v", ds[0].Final(), ds[0].Review)
	}
	pend, _ := h.pipe.PendingReviews()
	if len(pend) != 1 || pend[0].Comment.ID != fresh.Comment.ID {
		t.Errorf("pending reviews %d, want only the new comment's", len(pend))
	}
}

package pipeline_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// Undo and Pause while an automatic delete is being retried.

// slowRetries keeps a failing action retrying for a long time.
func slowRetries(o *pipeline.Options, _ *pipeline.Account) {
	o.Retry = moderation.RetryPolicy{InitialInterval: 20 * time.Millisecond, MaxInterval: 20 * time.Millisecond, MaxRetries: 1000}
}

// heldDeletes holds the account's second delete call, after the network
// answered it, until the test lets it go: the test then acts while the
// actor is known to be between two tries of the same action.
type heldDeletes struct {
	moderation.Connector
	calls    atomic.Int64
	answered chan struct{} // closed when the second call has its answer
	release  chan struct{}
	once     sync.Once
}

func holdSecondDelete() (*heldDeletes, func(*pipeline.Options, *pipeline.Account)) {
	h := &heldDeletes{answered: make(chan struct{}), release: make(chan struct{})}
	return h, func(o *pipeline.Options, a *pipeline.Account) {
		slowRetries(o, a)
		h.Connector = a.Conn
		a.Conn = h
	}
}

func (h *heldDeletes) Delete(ctx context.Context, ref string) error {
	err := h.Connector.Delete(ctx, ref)
	if h.calls.Add(1) == 2 {
		close(h.answered)
		select {
		case <-h.release:
		case <-ctx.Done():
		}
	}
	return err
}

func (h *heldDeletes) letGo() { h.once.Do(func() { close(h.release) }) }

// waitAnswered waits until the actor's second try has failed and is held.
func (h *heldDeletes) waitAnswered(t *testing.T) {
	t.Helper()
	select {
	case <-h.answered:
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for the second delete attempt")
	}
}

func TestPipeline_Undo_WhileTheDeleteIsBeingRetried(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	net.FailNext("/api/comments/delete", 1000, 500, 0)
	held, tune := holdSecondDelete()
	h := newHarness(t, net, t.TempDir(), tune)
	t.Cleanup(held.letGo) // before the harness stops
	id := net.Post("p1", "u1", "Анна", "DELETE me")
	held.waitAnswered(t) // the delete is being retried
	dec := h.decisions(id)[0]
	d, err := h.pipe.Undo(context.Background(), dec.ID, "telegram:1", "M")
	if err != nil {
		t.Fatal(err)
	}
	net.ClearFaults() // the network works again: the old delete must not go through now
	held.letGo()
	// The actor's next try would come before it lets go of the decision.
	pipeline.WaitNotActing(h.pipe, dec.ID)
	if n := held.calls.Load(); n != 2 {
		t.Errorf("%d delete calls, want 2: the actor tried again after the undo", n)
	}
	if net.Deleted(id) || net.Calls("delete", id) != 0 {
		t.Error("the comment was deleted after a moderator undid the decision")
	}
	if h.decisions(id)[0].HasPendingActions() {
		t.Error("an undone decision still has pending actions")
	}
	if d.UndoneBy != "telegram:1" {
		t.Errorf("UndoneBy = %q", d.UndoneBy)
	}
	if _, err := h.pipe.Retry(context.Background(), d.ID, "telegram:2"); err == nil {
		t.Error("Retry of an undone decision was accepted")
	}
	if net.Deleted(id) || net.Calls("delete", id) != 0 {
		t.Error("Retry after undo deleted the comment")
	}
}

func TestPipeline_Pause_HoldsAutomaticActionsNotYetDone(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	net.FailNext("/api/comments/delete", 1000, 500, 0)
	held, tune := holdSecondDelete()
	h := newHarness(t, net, t.TempDir(), tune)
	t.Cleanup(held.letGo) // before the harness stops
	id := net.Post("p1", "u1", "Анна", "DELETE me")
	held.waitAnswered(t) // the delete is being retried
	dec := h.decisions(id)[0]
	h.pipe.Pause("telegram:1")
	net.ClearFaults()
	held.letGo()
	// The actor's next try would come before it lets go of the decision.
	pipeline.WaitNotActing(h.pipe, dec.ID)
	if net.Deleted(id) || held.calls.Load() != 2 {
		t.Fatalf("an automatic delete was tried while paused (%d calls, deleted %v)", held.calls.Load(), net.Deleted(id))
	}
	if !h.decisions(id)[0].HasPendingActions() {
		t.Fatal("the held delete is no longer pending")
	}
	h.pipe.Resume("telegram:1")
	eventually(t, "deleted after resume", func() bool { return net.Deleted(id) })
}

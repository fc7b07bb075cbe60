package pipeline_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// A violating first version whose delete (and ban) has not landed yet —
// the network fails it and the actor is between two tries — is edited by
// its author: the old actions are dropped, the new text alone decides.
func TestPipeline_Run_EditDropsThePendingActionsOfTheOldText(t *testing.T) {
	for _, tc := range []struct {
		name, first, edit string
		newFinal          moderation.Verdict
		deleted, banned   bool
	}{
		{"delete, clean edit", "DELETE me", "Спасибо, исправил опечатку", moderation.Allow, false, false},
		{"ban, clean edit", "BAN me", "Прошу прощения, переписал вежливо", moderation.Allow, false, false},
		{"delete, violating edit", "DELETE me", "DELETE again", moderation.Delete, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := simtest.New()
			defer net.Close()
			net.FailNext("/api/comments/delete", 1000, 500, 0)
			held, tune := holdSecondDelete()
			h := newHarness(t, net, t.TempDir(), tune)
			t.Cleanup(held.letGo) // before the harness stops
			id := net.Post("p1", "u1", "Анна", tc.first)
			held.waitAnswered(t) // the old text's delete is being retried
			old := h.decisions(id)[0]
			if err := net.Edit(id, tc.edit); err != nil {
				t.Fatal(err)
			}
			eventually(t, "new version decided", h.decided(id, 2))
			net.ClearFaults() // the network works again: the old delete must not go through now
			held.letGo()
			pipeline.WaitNotActing(h.pipe, old.ID) // the actor's next try would come before this
			ds := h.decisions(id)
			if ds[0].HasPendingActions() {
				t.Fatalf("the old text's actions are still pending: %+v", ds[0].Actions)
			}
			for _, act := range ds[0].Actions {
				if act.State != moderation.ActionSkipped || !strings.Contains(act.Error, "edited") {
					t.Errorf("old text's %s = %s (%q), want skipped as edited by its author", act.Type, act.State, act.Error)
				}
			}
			if cur := ds[1]; cur.Comment.Text != tc.edit || cur.Final() != tc.newFinal {
				t.Errorf("new version %q decided %s, want %q %s", cur.Comment.Text, cur.Final(), tc.edit, tc.newFinal)
			}
			if tc.deleted {
				eventually(t, "violating new version deleted", func() bool { return net.Deleted(id) })
			} else if net.Deleted(id) {
				t.Error("the comment was deleted for its old text after its author made it clean")
			}
			if _, banned := net.Banned("u1"); banned != tc.banned {
				t.Errorf("author banned %v, want %v", banned, tc.banned)
			}
		})
	}
}

// An old text's delete already on its way when the edit lands goes
// through: the record says it was done, not that it was dropped.
func TestPipeline_Run_EditWhileTheDeleteIsOnItsWay(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	gate := &gatedDelete{entered: make(chan struct{}), release: make(chan struct{})}
	h := newHarness(t, net, t.TempDir(), func(_ *pipeline.Options, a *pipeline.Account) {
		gate.Connector = a.Conn
		a.Conn = gate
	})
	t.Cleanup(gate.letGo)
	id := net.Post("p1", "u1", "Анна", "DELETE me")
	select {
	case <-gate.entered: // the delete call is on its way
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for the delete call")
	}
	old := h.decisions(id)[0]
	if err := net.Edit(id, "Спасибо, исправил опечатку"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "new version decided", h.decided(id, 2))
	gate.letGo()
	pipeline.WaitNotActing(h.pipe, old.ID)
	if !net.Deleted(id) {
		t.Fatal("the delete on its way did not go through")
	}
	got := h.decisions(id)[0]
	if len(got.Actions) != 1 || got.Actions[0].State != moderation.ActionDone {
		t.Errorf("old text's actions %+v, want its delete recorded done: it went through", got.Actions)
	}
}

// gatedDelete holds the first delete call before it reaches the network.
type gatedDelete struct {
	moderation.Connector
	entered, release chan struct{}
	first, once      sync.Once
}

func (g *gatedDelete) Delete(ctx context.Context, ref string) error {
	g.first.Do(func() {
		close(g.entered)
		select {
		case <-g.release:
		case <-ctx.Done():
		}
	})
	return g.Connector.Delete(ctx, ref)
}

func (g *gatedDelete) letGo() { g.once.Do(func() { close(g.release) }) }

// limitedConn answers every delete and ban with a rate limit while limited.
type limitedConn struct {
	*lifeConn
	limited atomic.Bool
}

func (c *limitedConn) limit() error {
	if c.limited.Load() {
		return &moderation.BackOffError{Err: errors.New("test: too many requests"), Wait: time.Minute}
	}
	return nil
}

func (c *limitedConn) Delete(ctx context.Context, ref string) error {
	if err := c.limit(); err != nil {
		return err
	}
	return c.lifeConn.Delete(ctx, ref)
}

func (c *limitedConn) Ban(ctx context.Context, author string, r moderation.BanRequest) error {
	if err := c.limit(); err != nil {
		return err
	}
	return c.lifeConn.Ban(ctx, author, r)
}

// A rule's ban on a district-scope page is carried to the other pages; the
// author edits the comment to clean text while the network limits every
// delete and ban (or the edit comes in the same batch): neither the page's
// own delete and ban nor the ban carried to the other page lands once the
// limit is over.
func TestPipeline_Run_EditDropsTheCarriedBansOfTheOldText(t *testing.T) {
	for _, sameBatch := range []bool{false, true} {
		t.Run(map[bool]string{false: "later batch", true: "same batch"}[sameBatch], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { editDropsCarriedBans(t, sameBatch) })
		})
	}
}

func editDropsCarriedBans(t *testing.T, sameBatch bool) {
	db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	first := comment("vk:a:1", "BAN me")
	edit := comment("vk:a:1", "Спасибо, исправил опечатку")
	edit[0].Comment.Edited = first[0].Comment.Created.Add(time.Second)
	a := &limitedConn{lifeConn: &lifeConn{deliver: first}}
	if sameBatch {
		a.deliver = append(first, edit...)
	}
	b := &limitedConn{lifeConn: &lifeConn{}}
	a.limited.Store(true)
	b.limited.Store(true)
	p, err := pipeline.New(pipeline.Options{Store: db}, keywordEngine{}, []pipeline.Account{
		{Name: "a", Network: "vk", Conn: a, Backfill: true, BanDistrict: true},
		{Name: "b", Network: "vk", Conn: b, Backfill: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	time.Sleep(time.Second)
	if !sameBatch {
		if ds, _ := db.PendingActions("b"); len(ds) != 1 {
			t.Fatalf("pending carried bans on b: %d, want 1", len(ds))
		}
		a.mu.Lock()
		a.deliver = edit
		a.mu.Unlock()
		time.Sleep(3 * time.Second) // read and decided
	}
	a.limited.Store(false)
	b.limited.Store(false)
	time.Sleep(time.Hour) // the limits are over and the rescans ran
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if ev := bans(a.lifeConn); len(ev) != 0 {
		t.Errorf("page a: %q, want nothing done to the edited comment", ev)
	}
	if ev := bans(b.lifeConn); len(ev) != 0 {
		t.Errorf("page b: %q, want the old text's carried ban dropped", ev)
	}
	for _, acc := range []string{"a", "b"} {
		if ds, _ := db.PendingActions(acc); len(ds) != 0 {
			t.Errorf("page %s: %d decisions still pending", acc, len(ds))
		}
	}
}

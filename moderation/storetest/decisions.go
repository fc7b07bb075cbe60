package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func testCommitCursor(t *testing.T, s moderation.Store) {
	if cur, err := s.Cursor("a"); err != nil || cur != nil {
		t.Fatalf("Cursor of a new store = %q, %v; want nil", cur, err)
	}
	d := decision("a", "1", "u1", moderation.Delete, 0)
	out := commit(t, s, "a", []byte("c1"), d)
	if len(out) != 1 || out[0] != d || d.ID == 0 {
		t.Fatalf("Commit returned %v (ID %d), want the decision with an ID", out, d.ID)
	}
	if cur, _ := s.Cursor("a"); string(cur) != "c1" {
		t.Errorf("Cursor = %q, want c1", cur)
	}
	got, err := s.Get(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if msg := diff(got, d); msg != "" {
		t.Errorf("Get after Commit:\n%s", msg)
	}
	commit(t, s, "a", nil)
	commit(t, s, "a", nil, decision("a", "2", "u1", moderation.Allow, 1))
	if cur, _ := s.Cursor("a"); string(cur) != "c1" {
		t.Errorf("a nil cursor changed the saved one to %q", cur)
	}
	commit(t, s, "a", []byte("c2")) // a cursor alone: an empty batch
	if cur, _ := s.Cursor("a"); string(cur) != "c2" {
		t.Errorf("Cursor = %q after a cursor-only Commit, want c2", cur)
	}
	if cur, _ := s.Cursor("b"); cur != nil {
		t.Errorf("Cursor of another account = %q, want nil", cur)
	}
	// The cursor is the store's copy.
	buf := []byte("c3")
	commit(t, s, "a", buf)
	buf[0] = 'X'
	if cur, _ := s.Cursor("a"); string(cur) != "c3" {
		t.Errorf("Cursor = %q after the caller reused its buffer, want c3", cur)
	}
}

func testCommitAtomic(t *testing.T, s moderation.Store) {
	commit(t, s, "a", []byte("before"), decision("a", "1", "u1", moderation.Allow, 0))
	good := decision("a", "2", "u1", moderation.Ban, 1)
	good.Actions[1].State = moderation.ActionDone
	foreign := decision("b", "3", "u2", moderation.Allow, 2)
	if _, err := s.Commit("a", []*moderation.Decision{good, foreign}, []byte("after")); err == nil {
		t.Fatal("Commit accepted a decision of another account")
	}
	if good.ID != 0 {
		t.Errorf("a failed Commit left ID %d on a decision", good.ID)
	}
	if cur, _ := s.Cursor("a"); string(cur) != "before" {
		t.Errorf("a failed Commit moved the cursor to %q", cur)
	}
	if got := query(t, s, moderation.Query{}); len(got) != 1 {
		t.Errorf("a failed Commit recorded decisions: %v", got)
	}
	if bl, _ := s.Blacklist(""); len(bl) != 0 {
		t.Errorf("a failed Commit changed the blacklist: %+v", bl)
	}
	if list, _ := s.PendingActions(""); len(list) != 0 {
		t.Errorf("a failed Commit left pending actions: %v", ids(list))
	}
	// The same decision goes in once the batch is right.
	if out := commit(t, s, "a", []byte("after"), good); len(out) != 1 {
		t.Errorf("recommit recorded %d", len(out))
	}
}

func testCommitDuplicates(t *testing.T, s moderation.Store) {
	d1 := decision("a", "1", "u1", moderation.Allow, 0)
	twin := decision("a", "1", "u1", moderation.Delete, 0)
	d2 := decision("a", "2", "u1", moderation.Allow, 0)
	out := commit(t, s, "a", nil, d1, twin, d2)
	if len(out) != 2 || out[0] != d1 || out[1] != d2 || twin.ID != 0 {
		t.Fatalf("within a batch: recorded %v, the duplicate got ID %d", ids(out), twin.ID)
	}
	if !increasing(ids(out)) {
		t.Errorf("IDs %v are not increasing", ids(out))
	}
	again := decision("a", "1", "u1", moderation.Ban, 1)
	if out := commit(t, s, "a", []byte("c"), again); len(out) != 0 || again.ID != 0 {
		t.Errorf("across batches: recorded %v", ids(out))
	}
	if cur, _ := s.Cursor("a"); string(cur) != "c" {
		t.Errorf("a batch of duplicates only did not save its cursor: %q", cur)
	}
	edit := decision("a", "1", "u1", moderation.Delete, 2)
	edit.Comment.Text = "исправленный текст"
	edit.Version = edit.Comment.Version()
	out = commit(t, s, "a", nil, edit)
	if len(out) != 1 || edit.ID <= d2.ID {
		t.Errorf("an edit (new version) recorded %v, ID %d, want a new decision after %d", ids(out), edit.ID, d2.ID)
	}
	if got, err := s.Get(d1.ID); err != nil || got.Verdict != moderation.Allow {
		t.Errorf("the first decision changed: %+v, %v", got, err)
	}
}

func testCommitFills(t *testing.T, s moderation.Store) {
	d := decision("a", "1", "u1", moderation.Allow, 0)
	d.DecidedAt, d.Comment.Account = time.Time{}, ""
	if out := commit(t, s, "a", nil, d); len(out) != 1 {
		t.Fatalf("recorded %d", len(out))
	}
	if d.DecidedAt.IsZero() || d.Comment.Account != "a" {
		t.Errorf("Commit left DecidedAt %v, Comment.Account %q; want now and a", d.DecidedAt, d.Comment.Account)
	}
	got, err := s.Get(d.ID)
	if err != nil || !got.DecidedAt.Equal(d.DecidedAt) || got.Comment.Account != "a" {
		t.Errorf("Get = %+v, %v", got, err)
	}
	if q := query(t, s, moderation.Query{Account: "a"}); len(q) != 1 {
		t.Errorf("Query by the filled-in account = %v", q)
	}
}

func testCommitConcurrent(t *testing.T, s moderation.Store) {
	const writers, each = 4, 25
	var wg sync.WaitGroup
	got := make([][]uint64, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			account := fmt.Sprint("acc", w%2)
			for i := range each {
				out, err := s.Commit(account, []*moderation.Decision{decision(account, fmt.Sprint(w, "-", i), "u", moderation.Allow, i)}, []byte(fmt.Sprint(i)))
				if err != nil {
					t.Error(err)
					return
				}
				got[w] = append(got[w], ids(out)...)
			}
		}()
	}
	wg.Wait()
	seen := map[uint64]bool{}
	for w, list := range got {
		if !increasing(list) {
			t.Errorf("writer %d saw IDs %v, not increasing", w, list)
		}
		for _, id := range list {
			if seen[id] {
				t.Errorf("ID %d assigned twice", id)
			}
			seen[id] = true
		}
	}
	if n := len(query(t, s, moderation.Query{})); n != writers*each {
		t.Errorf("%d decisions recorded, want %d", n, writers*each)
	}
}

func testGetNotFound(t *testing.T, s moderation.Store) {
	if _, err := s.Get(12345); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Get of an unknown ID = %v, want ErrNotFound", err)
	}
}

func testUpdateEdits(t *testing.T, s moderation.Store) {
	d := decision("a", "1", "u1", moderation.Review, 0)
	commit(t, s, "a", nil, d)
	got, err := s.Update(d.ID, func(x *moderation.Decision) error {
		if msg := diff(x, d); msg != "" {
			t.Errorf("fn saw a record unlike the stored one:\n%s", msg)
		}
		x.Review.Status, x.Review.Verdict, x.Review.By = moderation.ReviewDecided, moderation.Delete, "telegram:1"
		x.Actions = append(x.Actions, moderation.ActionRecord{Type: moderation.ActDelete, State: moderation.ActionPending})
		return nil
	})
	if err != nil || got.Final() != moderation.Delete {
		t.Fatalf("Update = %+v, %v", got, err)
	}
	stored, _ := s.Get(d.ID)
	if msg := diff(stored, got); msg != "" {
		t.Errorf("Get after Update differs from what Update returned:\n%s", msg)
	}
}

var errVeto = errors.New("veto")

func testUpdateAbort(t *testing.T, s moderation.Store) {
	d := decision("a", "1", "u1", moderation.Review, 0)
	commit(t, s, "a", nil, d)
	_, err := s.Update(d.ID, func(x *moderation.Decision) error {
		x.Review.Status = moderation.ReviewDecided
		x.Actions = append(x.Actions, moderation.ActionRecord{Type: moderation.ActBan, State: moderation.ActionDone})
		return fmt.Errorf("moderator: %w", errVeto)
	})
	if !errors.Is(err, errVeto) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	stored, _ := s.Get(d.ID)
	if msg := diff(stored, d); msg != "" {
		t.Errorf("an aborted Update changed the record:\n%s", msg)
	}
	if list, _ := s.PendingReviews("a"); len(list) != 1 {
		t.Errorf("an aborted Update changed the pending reviews: %v", ids(list))
	}
	if bl, _ := s.Blacklist("a"); len(bl) != 0 {
		t.Errorf("an aborted Update changed the blacklist: %+v", bl)
	}
}

func testUpdateNotFound(t *testing.T, s moderation.Store) {
	called := false
	_, err := s.Update(999, func(*moderation.Decision) error { called = true; return nil })
	if !errors.Is(err, moderation.ErrNotFound) || called {
		t.Errorf("Update of an unknown ID = %v (fn called: %v), want ErrNotFound", err, called)
	}
}

func testUpdateIdentity(t *testing.T, s moderation.Store) {
	d := decision("a", "1", "u1", moderation.Allow, 0)
	commit(t, s, "a", nil, d)
	for name, edit := range map[string]func(x *moderation.Decision){
		"ID":      func(x *moderation.Decision) { x.ID++ },
		"comment": func(x *moderation.Decision) { x.Comment.ID = "sim:a:other" },
		"account": func(x *moderation.Decision) { x.Comment.Account = "b" },
		"version": func(x *moderation.Decision) { x.Version++ },
	} {
		if _, err := s.Update(d.ID, func(x *moderation.Decision) error { edit(x); x.Verdict = moderation.Ban; return nil }); err == nil {
			t.Errorf("Update changing the %s succeeded", name)
		}
	}
	stored, _ := s.Get(d.ID)
	if msg := diff(stored, d); msg != "" {
		t.Errorf("refused Updates changed the record:\n%s", msg)
	}
}

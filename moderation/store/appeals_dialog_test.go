package store_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/store"
)

// ExpiredAppeals finds a dialog's expired appeals by an index, not by
// reading every expired one: only that account's and post's, gone from
// it once answered late or pruned, and built at Open for a database
// written before the index.
func TestDB_ExpiredAppeals_ByDialog(t *testing.T) {
	t0 := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	now := t0
	path := filepath.Join(t.TempDir(), "s.db")
	open := func() *store.DB {
		t.Helper()
		db, err := store.Open(path, &store.Options{NoSync: true, Retention: 30 * day, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("consistency: %v", err)
		}
		db.Close()
	})
	put := func(id uint64, account, post string, opened time.Time) {
		t.Helper()
		a := testAppeal(id, account, "vk:m"+string(rune('a'+id)), opened)
		a.PostID, a.Kind = post, moderation.KindMessage
		if ok, err := db.OpenAppeal(a); err != nil || !ok {
			t.Fatalf("OpenAppeal(%d) = %v, %v", id, ok, err)
		}
	}
	put(1, "a", "d1", t0)
	put(2, "a", "d2", t0)
	put(3, "b", "d1", t0)
	put(4, "a", "d1", t0.Add(40*day)) // younger: stays open
	put(5, "a", "d1", t0.Add(time.Hour))
	put(6, "a", "d", t0)      // a post whose id starts another's
	put(7, "a\x00", "d1", t0) // an account name running into the post
	now = t0.Add(store.MinHistoryRetention + 2*day)
	if _, err := db.Maintain(); err != nil {
		t.Fatal(err)
	}
	ids := func(account, post string) []uint64 {
		t.Helper()
		as, err := db.ExpiredAppeals(account, post)
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, a := range as {
			out = append(out, a.DecisionID)
		}
		return out
	}
	check := func(when, account, post string, want ...uint64) {
		t.Helper()
		if got := ids(account, post); !slices.Equal(got, want) {
			t.Errorf("%s: ExpiredAppeals(%q, %q) = %v, want %v", when, account, post, got, want)
		}
	}
	check("expired", "a", "d1", 1, 5)
	check("expired", "a", "d2", 2)
	check("expired", "b", "d1", 3)
	check("expired", "a", "d", 6)
	check("expired", "a\x00", "d1", 7)
	check("expired", "a", "none")

	if _, err := db.UpdateAppeal(1, moderation.AnswerAppeal(now, "page", "")); err != nil {
		t.Fatal(err)
	}
	check("answered late", "a", "d1", 5)

	// A database from before the index: built at Open, as it would be.
	db.Close()
	b, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket([]byte("appeals_expired")) }); err != nil {
		t.Fatal(err)
	}
	b.Close()
	db = open()
	check("index rebuilt", "a", "d1", 5)
	check("index rebuilt", "b", "d1", 3)

	// Pruned a horizon after it expired: out of the index too (4 has
	// expired meanwhile).
	now = now.Add(store.MinHistoryRetention + day)
	if _, err := db.Maintain(); err != nil {
		t.Fatal(err)
	}
	check("pruned", "a", "d1", 4)
	check("pruned", "a", "d2")
}

// ChangeAppeal queues the card's edit in the appeal's own transaction
// when the appeal changed, and only then; a closing ends a half-taken
// step.
func TestDB_ChangeAppeal_QueuesTheCard(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		fn       func(a *moderation.Appeal) error
		wantRev  int
		wantStep string
	}{
		{"text edited", func(a *moderation.Appeal) error { a.Text = "яма у дома 5"; return nil }, 2, "close"},
		{"nothing changed", func(a *moderation.Appeal) error { return nil }, 1, "close"},
		{"closed", moderation.CloseAppeal(moderation.ClosedElsewhere, t0, "cli:anna"), 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openAppealDB(t, filepath.Join(t.TempDir(), "s.db"))
			defer db.Close()
			if ok, err := db.OpenAppeal(testAppeal(1, "a", "vk:c1", t0)); err != nil || !ok {
				t.Fatal(ok, err)
			}
			if err := db.PutAppealCard(&cardstore.AppealCard{DecisionID: 1, ChatID: 5, Msg: "70", Rev: 1, Shown: 1, Step: "close"}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ChangeAppeal(1, tt.fn); err != nil {
				t.Fatal(err)
			}
			c, err := db.AppealCard(1)
			if err != nil {
				t.Fatal(err)
			}
			todo, _ := db.AppealCardsTodo()
			if c.Rev != tt.wantRev || c.Step != tt.wantStep || (len(todo) == 1) != (tt.wantRev > 1) {
				t.Errorf("card rev %d step %q, %d to do; want rev %d step %q", c.Rev, c.Step, len(todo), tt.wantRev, tt.wantStep)
			}
		})
	}
}

package store_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/store"
)

// An appeal nobody answers is closed as expired once it is older than the
// history horizon (62 days at least: the month report still sees it open
// and late), counted late, its card queued for an edit, listed by
// Appeals, and deleted a horizon after it expired. One whose card is
// posting an answer is left to the answer.
func TestDB_Maintain_OpenAppealExpires(t *testing.T) {
	t0 := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	now := t0
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true, Retention: 30 * day,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("consistency: %v", err)
		}
		db.Close()
	})
	horizon := db.HistoryRetention()
	if horizon != store.MinHistoryRetention {
		t.Fatalf("horizon %s, want %s", horizon, store.MinHistoryRetention)
	}
	putAppeal(t, db, 1, t0, time.Time{})             // never answered
	putAppeal(t, db, 2, t0, time.Time{})             // an answer is being posted
	putAppeal(t, db, 3, t0.Add(10*day), time.Time{}) // younger
	putAppeal(t, db, 4, t0, t0.Add(30*day))          // answered late
	card := &cardstore.AppealCard{DecisionID: 1, ChatID: 5, Msg: "10", Rev: 2, Shown: 2}
	posting := &cardstore.AppealCard{DecisionID: 2, ChatID: 5, Msg: "11", Rev: 3, Shown: 3,
		Reply: &cardstore.AppealReply{Text: "Ответ", By: "telegram:1", At: t0}}
	for _, c := range []*cardstore.AppealCard{card, posting} {
		if err := db.PutAppealCard(c); err != nil {
			t.Fatal(err)
		}
	}
	maintain := func(at time.Time) store.HistoryPruned {
		t.Helper()
		now = at
		m, err := db.Maintain()
		if err != nil {
			t.Fatal(err)
		}
		return m.History
	}

	// A day before the horizon: all still open, the month counts them late.
	if h := maintain(t0.Add(horizon - day)); h.ExpiredAppeals != 0 || h.Appeals != 0 {
		t.Fatalf("before the horizon: %+v", h)
	}
	if open, _ := db.OpenAppeals(""); len(open) != 3 {
		t.Fatalf("open before the horizon: %d, want 3", len(open))
	}

	// Past it: appeal 1 expires and stays listed; 2 waits for its answer;
	// the answered 4 is deleted as before.
	expiredAt := t0.Add(horizon + time.Hour)
	if h := maintain(expiredAt); h.ExpiredAppeals != 1 || h.Appeals != 1 {
		t.Fatalf("past the horizon: %+v, want 1 expired and 1 deleted", h)
	}
	a, err := db.Appeal(1)
	if err != nil || !a.Expired() || a.Open() || !a.ClosedAt.Equal(expiredAt) || a.ClosedBy != moderation.ExpiredBy ||
		!a.AnsweredAt.IsZero() || a.OnTime() {
		t.Fatalf("appeal 1 = %+v, %v; want expired at %s by %s, never answered", a, err, expiredAt, moderation.ExpiredBy)
	}
	open, _ := db.OpenAppeals("")
	if len(open) != 2 || open[0].DecisionID != 2 || open[1].DecisionID != 3 {
		t.Fatalf("open after expiry: %v, want 2 and 3", open)
	}
	if c, err := db.AppealCard(1); err != nil || c.Rev != 3 || !c.Todo() {
		t.Fatalf("card 1 = %+v, %v; want an edit queued", c, err)
	}
	_, all, err := db.CountAppeals(t0, t0.Add(day), now)
	if err != nil {
		t.Fatal(err)
	}
	if want := (moderation.AppealStats{Opened: 2, Open: 1, Overdue: 1, Expired: 1}); all != want {
		t.Fatalf("counts = %+v, want %+v", all, want)
	}
	if s := all.OnTimeShare(); s != 0 {
		t.Fatalf("on-time share %v, want 0: an expired appeal was not answered in time", s)
	}

	// The desk edits the card.
	c, _ := db.AppealCard(1)
	c.Shown = c.Rev
	if err := db.PutAppealCard(c); err != nil {
		t.Fatal(err)
	}
	// Appeal 3 expires in its turn; the expired 1 is kept a horizon after
	// its expiry, then deleted.
	if h := maintain(expiredAt.Add(horizon - day)); h.Appeals != 0 || h.ExpiredAppeals != 1 {
		t.Fatalf("a horizon later: %+v, want appeal 3 expired, nothing deleted", h)
	}
	if ids := appealIDs(t, db); len(ids) != 3 || ids[0] != 1 {
		t.Fatalf("appeals = %v, want 1, 2, 3", ids)
	}
	if h := maintain(expiredAt.Add(horizon + day)); h.Appeals != 1 || h.ExpiredAppeals != 0 {
		t.Fatalf("a horizon after expiry: %+v, want 1 deleted", h)
	}
	if ids := appealIDs(t, db); len(ids) != 2 || ids[0] != 2 || ids[1] != 3 {
		t.Fatalf("appeals = %v, want 2 and 3", ids)
	}
}

// An unreadable open appeal is kept and named; the others are expired and
// the rest of the history is pruned all the same.
func TestDB_PruneHistory_UnreadableOpenAppealNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	t0 := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	db := openAppealDB(t, path)
	for id := uint64(1); id <= 2; id++ {
		putAppeal(t, db, id, t0, time.Time{})
	}
	putPost(t, db, "admin-vk", "old", t0)
	db.Close()
	bdb, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("appeals")).Put([]byte{0, 0, 0, 0, 0, 0, 0, 1}, []byte("{not json"))
	}); err != nil {
		t.Fatal(err)
	}
	bdb.Close()
	now := t0.Add(store.MinHistoryRetention + day)
	db, err = store.Open(path, &store.Options{NoSync: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h, err := db.PruneHistory(now.Add(-store.MinHistoryRetention))
	if err == nil || !strings.Contains(err.Error(), "appeal 1") {
		t.Fatalf("PruneHistory error %v, want appeal 1 named", err)
	}
	if h.ExpiredAppeals != 1 || h.Posts != 1 {
		t.Fatalf("PruneHistory = %+v, want appeal 2 expired and the old post pruned", h)
	}
	if a, err := db.Appeal(2); err != nil || !a.Expired() {
		t.Fatalf("appeal 2 = %+v, %v", a, err)
	}
}

// The desk changes a card by reading it and writing it back; the store's
// expiry bumping the card in between must survive that write, or the
// card keeps its «Ответить» and the edit is gone for good (its work-list
// entry deleted, so no restart brings it back).
func TestDB_PutAppealCard_ExpiryEditSurvivesAStaleWrite(t *testing.T) {
	t0 := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	now := t0
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true, Retention: 30 * day,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	putAppeal(t, db, 1, t0, time.Time{})
	if err := db.PutAppealCard(&cardstore.AppealCard{DecisionID: 1, ChatID: 5, Msg: "10", Rev: 2, Shown: 1}); err != nil {
		t.Fatal(err)
	}
	stale, err := db.AppealCard(1) // the desk, about to say revision 2 is shown
	if err != nil {
		t.Fatal(err)
	}
	now = t0.Add(store.MinHistoryRetention + time.Hour)
	if m, err := db.Maintain(); err != nil || m.History.ExpiredAppeals != 1 {
		t.Fatalf("Maintain = %+v, %v; want the appeal expired", m.History, err)
	}
	stale.Shown = 2
	if err := db.PutAppealCard(stale); err != nil {
		t.Fatal(err)
	}
	c, err := db.AppealCard(1)
	if err != nil || c.Rev != 3 || !c.Todo() {
		t.Fatalf("card = %+v, %v; want revision 3 still to show", c, err)
	}
	if todo, err := db.AppealCardsTodo(); err != nil || len(todo) != 1 || todo[0].DecisionID != 1 {
		t.Fatalf("AppealCardsTodo = %v, %v; want card 1", todo, err)
	}
}

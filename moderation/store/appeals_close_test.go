package store_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// A closed appeal (either way) leaves the open index, keeps who and when
// over a restart, and a second closing is refused and changes nothing.
func TestDB_UpdateAppeal_CloseSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db := openAppealDB(t, path)
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := range 3 {
		if _, err := db.OpenAppeal(testAppeal(uint64(i+1), "a", "c"+string(rune('0'+i)), t0)); err != nil {
			t.Fatal(err)
		}
	}
	at := t0.Add(30 * time.Hour)
	if _, err := db.UpdateAppeal(1, moderation.CloseAppeal(moderation.ClosedElsewhere, t0.Add(time.Hour), "telegram:77")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateAppeal(2, moderation.CloseAppeal(moderation.ClosedNotAppeal, at, "web:anna")); err != nil {
		t.Fatal(err)
	}
	_, err := db.UpdateAppeal(2, moderation.CloseAppeal(moderation.ClosedElsewhere, at.Add(time.Hour), "cli"))
	if !errors.Is(err, moderation.ErrAlreadyDecided) {
		t.Fatalf("second closing: %v, want ErrAlreadyDecided", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAppealDB(t, path)
	defer db.Close()
	open, err := db.OpenAppeals("")
	if err != nil || len(open) != 1 || open[0].DecisionID != 3 {
		t.Fatalf("open after restart = %+v, %v; want only 3", open, err)
	}
	a1, _ := db.Appeal(1)
	if a1.Closed != moderation.ClosedElsewhere || a1.AnsweredBy != "telegram:77" || !a1.OnTime() || a1.ClosedBy != "telegram:77" {
		t.Errorf("answered elsewhere after restart = %+v", a1)
	}
	a2, _ := db.Appeal(2)
	if !a2.NotAppeal() || a2.ClosedBy != "web:anna" || !a2.ClosedAt.Equal(at) || !a2.AnsweredAt.IsZero() {
		t.Errorf("not an appeal after restart = %+v", a2)
	}
	_, all, err := db.CountAppeals(t0, t0.Add(time.Hour), t0.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := (moderation.AppealStats{Opened: 2, Answered: 1, OnTime: 1, Open: 1, Overdue: 1}); all != want {
		t.Errorf("counts = %+v, want %+v (the not-appeal out)", all, want)
	}
}

// A record written before closing existed (no closed fields) loads open.
func TestDB_Appeal_OldRecordLoadsOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db := openAppealDB(t, path)
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if _, err := db.OpenAppeal(testAppeal(1, "a", "c1", t0)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The layout of the first release, as bbolt holds it.
	old := map[string]any{"decision_id": 1, "network": "vk", "account": "a", "comment_id": "c1", "ref": "wall:-1:c1",
		"author": map[string]any{"id": "5"}, "topic": "roads", "text": "яма", "opened_at": t0, "deadline": t0.Add(24 * time.Hour)}
	v, _ := json.Marshal(old)
	bdb, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("appeals")).Put([]byte{0, 0, 0, 0, 0, 0, 0, 1}, v)
	}); err != nil {
		t.Fatal(err)
	}
	bdb.Close()
	db = openAppealDB(t, path)
	defer db.Close()
	a, err := db.Appeal(1)
	if err != nil || !a.Open() || a.Closed != "" || a.NotAppeal() {
		t.Fatalf("old record = %+v, %v", a, err)
	}
	if _, err := db.UpdateAppeal(1, moderation.CloseAppeal(moderation.ClosedNotAppeal, t0, "cli")); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.OpenAppeals("a"); len(open) != 0 {
		t.Fatalf("closed old record still open: %+v", open)
	}
}

// Retention prunes appeals closed either way like answered ones; open
// ones stay.
func TestDB_PruneHistory_ClosedAppealsPruned(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	db := openAt(t, now, 0)
	old, cut := now.Add(-70*day), now.Add(-62*day)
	for id := uint64(1); id <= 3; id++ {
		putAppeal(t, db, id, old, time.Time{})
	}
	if _, err := db.UpdateAppeal(1, moderation.CloseAppeal(moderation.ClosedElsewhere, old.Add(time.Hour), "cli")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateAppeal(2, moderation.CloseAppeal(moderation.ClosedNotAppeal, old.Add(time.Hour), "cli")); err != nil {
		t.Fatal(err)
	}
	h, err := db.PruneHistory(cut)
	if err != nil {
		t.Fatal(err)
	}
	if h.Appeals != 2 {
		t.Errorf("pruned %d appeals, want 2", h.Appeals)
	}
	if got := appealIDs(t, db); !slices.Equal(got, []uint64{3}) {
		t.Errorf("appeals left %v, want [3] (the open one)", got)
	}
}

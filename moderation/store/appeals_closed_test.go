package store_test

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// ClosedAppeals pages through the answered and closed appeals, the latest
// opened first (the same instant: the higher ID first), skipping open ones
// and other accounts; the last page says there is no more.
func TestDB_ClosedAppeals_Pages(t *testing.T) {
	db := openAppealDB(t, filepath.Join(t.TempDir(), "s.db"))
	defer db.Close()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, a := range []struct {
		id      uint64
		account string
		at      time.Duration
		open    bool
	}{{1, "a", 0, false}, {2, "a", time.Hour, true}, {3, "b", 2 * time.Hour, false}, {4, "a", 3 * time.Hour, false},
		{5, "a", 3 * time.Hour, false}, {6, "a", 4 * time.Hour, false}, {7, "a", 5 * time.Hour, true}} {
		ap := testAppeal(a.id, a.account, "c"+string(rune('0'+a.id)), t0.Add(a.at))
		if !a.open {
			ap.AnsweredAt, ap.AnsweredBy = ap.OpenedAt.Add(time.Minute), "page"
		}
		if _, err := db.OpenAppeal(ap); err != nil {
			t.Fatal(err)
		}
	}
	pages := func(account string) [][]uint64 {
		t.Helper()
		var out [][]uint64
		after := uint64(0)
		for range 10 {
			list, next, err := db.ClosedAppeals(account, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			var ids []uint64
			for _, a := range list {
				ids = append(ids, a.DecisionID)
			}
			out = append(out, ids)
			if next == 0 {
				return out
			}
			after = next
		}
		t.Fatal("no last page")
		return nil
	}
	if got, want := pages("a"), [][]uint64{{6, 5}, {4, 1}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("account a: %v, want %v", got, want)
	}
	if got, want := pages(""), [][]uint64{{6, 5}, {4, 3}, {1}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("every account: %v, want %v", got, want)
	}
	if _, _, err := db.ClosedAppeals("", 99, 2); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("after an unknown appeal: %v, want ErrNotFound", err)
	}
	if _, _, err := db.ClosedAppeals("", 0, 0); err == nil {
		t.Error("limit 0 accepted")
	}
}

// ClosedAppealsAt goes on from a place, whether the appeal there is kept
// or not: below it in the opened-at order, the same as ClosedAppeals.
func TestDB_ClosedAppealsAt_FromAPlaceNoLongerKept(t *testing.T) {
	db := openAppealDB(t, filepath.Join(t.TempDir(), "s.db"))
	defer db.Close()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for id := uint64(1); id <= 4; id++ {
		ap := testAppeal(id, "a", "c"+string(rune('0'+id)), t0.Add(time.Duration(id)*time.Hour))
		ap.AnsweredAt, ap.AnsweredBy = ap.OpenedAt.Add(time.Minute), "page"
		if _, err := db.OpenAppeal(ap); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name string
		at   time.Time
		id   uint64
		want []uint64
	}{
		{"a kept appeal's place", t0.Add(3 * time.Hour), 3, []uint64{2, 1}},
		{"a pruned appeal's place", t0.Add(3*time.Hour + 30*time.Minute), 99, []uint64{3, 2, 1}},
		{"before them all", t0, 1, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list, next, err := db.ClosedAppealsAt("", tt.at, tt.id, 10)
			var ids []uint64
			for _, a := range list {
				ids = append(ids, a.DecisionID)
			}
			if err != nil || next != 0 || !slices.Equal(ids, tt.want) {
				t.Errorf("ClosedAppealsAt = %v next %d, %v; want %v", ids, next, err, tt.want)
			}
		})
	}
}

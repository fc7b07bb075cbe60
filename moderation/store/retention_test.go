package store_test

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/store"
	"github.com/strazh/strazh/report"
	"github.com/strazh/strazh/report/reporttest"
)

const day = 24 * time.Hour

func openAt(t *testing.T, now time.Time, retention time.Duration) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true, Retention: retention,
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
	return db
}

func putPost(t *testing.T, db *store.DB, account, id string, at time.Time) {
	t.Helper()
	if err := db.PutPosts([]moderation.Post{{Network: "vk", Account: account, ID: id, At: at}}); err != nil {
		t.Fatal(err)
	}
}

func putEvent(t *testing.T, db *store.DB, account, subject string, at time.Time) {
	t.Helper()
	ev := moderation.SecurityEvent{At: at, Kind: "manager_added", Subject: subject}
	if err := db.PutGuardState(moderation.GuardState{Account: account, Network: "vk"}, []moderation.SecurityEvent{ev}); err != nil {
		t.Fatal(err)
	}
}

// putAppeal opens an appeal, answered at answered unless that is zero.
func putAppeal(t *testing.T, db *store.DB, id uint64, opened, answered time.Time) {
	t.Helper()
	a := testAppeal(id, "admin-vk", "vk:c"+string(rune('a'+id)), opened)
	a.AnsweredAt = answered
	if ok, err := db.OpenAppeal(a); err != nil || !ok {
		t.Fatalf("OpenAppeal(%d) = %v, %v", id, ok, err)
	}
}

func postIDs(t *testing.T, db *store.DB, account string) []string {
	t.Helper()
	ps, err := db.Posts(account, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

func eventSubjects(t *testing.T, db *store.DB) []string {
	t.Helper()
	evs, err := db.SecurityEvents(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Subject)
	}
	return out
}

func appealIDs(t *testing.T, db *store.DB) []uint64 {
	t.Helper()
	as, err := db.Appeals(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, a := range as {
		ids = append(ids, a.DecisionID)
	}
	return ids
}

func TestDB_PruneHistory_OldGoneRecentAndOpenStay(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	db := openAt(t, now, 0)
	old, recent, cut := now.Add(-70*day), now.Add(-40*day), now.Add(-62*day)

	putPost(t, db, "admin-vk", "old", old)
	putPost(t, db, "admin-vk", "recent", recent)
	putPost(t, db, "glava-vk", "old-g", old)
	putEvent(t, db, "admin-vk", "old-ev", old)
	putEvent(t, db, "admin-vk", "recent-ev", recent)
	putAppeal(t, db, 1, old, old.Add(time.Hour))       // answered long ago: pruned with its card
	putAppeal(t, db, 2, old, time.Time{})              // never answered: closed as expired, kept
	putAppeal(t, db, 3, old, old.Add(time.Hour))       // answered, but its card has work left: kept
	putAppeal(t, db, 4, recent, recent.Add(time.Hour)) // recent: kept
	done := &cardstore.AppealCard{DecisionID: 1, ChatID: 5, Msg: "10", Prompts: []string{"11"}, Rev: 2, Shown: 2}
	busy := &cardstore.AppealCard{DecisionID: 3, ChatID: 5, Msg: "20", Rev: 3, Shown: 2}
	for _, c := range []*cardstore.AppealCard{done, busy} {
		if err := db.PutAppealCard(c); err != nil {
			t.Fatal(err)
		}
	}

	h, err := db.PruneHistory(cut)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.HistoryPruned{Posts: 2, SecurityEvents: 1, Appeals: 1, ExpiredAppeals: 1}); h != want {
		t.Errorf("PruneHistory = %+v, want %+v", h, want)
	}
	if got := postIDs(t, db, "admin-vk"); !slices.Equal(got, []string{"recent"}) {
		t.Errorf("admin-vk posts = %v, want [recent]", got)
	}
	if got := postIDs(t, db, "glava-vk"); len(got) != 0 {
		t.Errorf("glava-vk posts = %v, want none", got)
	}
	if got := eventSubjects(t, db); !slices.Equal(got, []string{"recent-ev"}) {
		t.Errorf("security events = %v, want [recent-ev]", got)
	}
	if got := appealIDs(t, db); !slices.Equal(got, []uint64{2, 3, 4}) {
		t.Errorf("appeals = %v, want [2 3 4]", got)
	}
	for name, err := range map[string]error{
		"Appeal(1)":               second(db.Appeal(1)),
		"AppealByComment":         second(db.AppealByComment("vk:cb")),
		"AppealCard(1)":           second(db.AppealCard(1)),
		"AppealCardByMessage(10)": second(db.AppealCardByMessage(5, "10")),
		"AppealCardByMessage(11)": second(db.AppealCardByMessage(5, "11")),
	} {
		if !errors.Is(err, moderation.ErrNotFound) {
			t.Errorf("%s after prune: %v, want ErrNotFound", name, err)
		}
	}
	if open, err := db.OpenAppeals(""); err != nil || len(open) != 0 {
		t.Errorf("OpenAppeals = %v, %v; want none (appeal 2 expired)", open, err)
	}
	if a, err := db.Appeal(2); err != nil || !a.Expired() || !a.ClosedAt.Equal(now) {
		t.Errorf("Appeal(2) = %+v, %v; want expired now", a, err)
	}
	if c, err := db.AppealCardByMessage(5, "20"); err != nil || c.DecisionID != 3 {
		t.Errorf("busy card by message = %v, %v", c, err)
	}
	if todo, err := db.AppealCardsTodo(); err != nil || len(todo) != 1 || todo[0].DecisionID != 3 {
		t.Errorf("AppealCardsTodo = %v, %v; want card 3", todo, err)
	}
	if h, err := db.PruneHistory(cut); err != nil || h != (store.HistoryPruned{}) {
		t.Errorf("second PruneHistory = %+v, %v; want nothing", h, err)
	}
}

func second[T any](_ T, err error) error { return err }

func TestDB_Maintain_HistoryRetention(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name       string
		retention  time.Duration
		kept, gone time.Duration // ages
	}{
		// A short decision retention never cuts the month report's history.
		{"retention 1 day keeps 62 days", day, 61 * day, 63 * day},
		{"retention 40 days keeps 62 days", 40 * day, 61 * day, 63 * day},
		{"default keeps a year", 0, 364 * day, 366 * day},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openAt(t, now, tc.retention)
			putPost(t, db, "admin-vk", "kept", now.Add(-tc.kept))
			putPost(t, db, "admin-vk", "gone", now.Add(-tc.gone))
			putEvent(t, db, "admin-vk", "kept", now.Add(-tc.kept))
			putEvent(t, db, "admin-vk", "gone", now.Add(-tc.gone))
			putAppeal(t, db, 1, now.Add(-tc.gone), now.Add(-tc.gone+time.Hour))
			putAppeal(t, db, 2, now.Add(-tc.kept), now.Add(-tc.kept+time.Hour))

			m, err := db.Maintain()
			if err != nil {
				t.Fatal(err)
			}
			if want := (store.HistoryPruned{Posts: 1, SecurityEvents: 1, Appeals: 1}); m.History != want {
				t.Errorf("Maintain history = %+v, want %+v", m.History, want)
			}
			if got := postIDs(t, db, "admin-vk"); !slices.Equal(got, []string{"kept"}) {
				t.Errorf("posts = %v, want [kept]", got)
			}
			if got := eventSubjects(t, db); !slices.Equal(got, []string{"kept"}) {
				t.Errorf("security events = %v, want [kept]", got)
			}
			if got := appealIDs(t, db); !slices.Equal(got, []uint64{2}) {
				t.Errorf("appeals = %v, want [2]", got)
			}
		})
	}
}

// The month report reads a pruned store as it read the full one.
func TestDB_Maintain_ReportStillCountsTheMonth(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	until := time.Date(2026, 12, 1, 0, 0, 0, 0, msk)
	now := until.Add(9 * time.Hour)
	// Decisions kept 40 days: the month is inside; the history is kept 62.
	db := openAt(t, now, 40*day)
	_, sec, want, err := reporttest.Month(db, until)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range sec.List {
		if err := db.PutGuardState(moderation.GuardState{Account: ev.Account, Network: ev.Network}, []moderation.SecurityEvent{ev}); err != nil {
			t.Fatal(err)
		}
	}
	old := until.Add(-70 * day)
	putPost(t, db, "admin-vk", "old", old)
	putEvent(t, db, "admin-vk", "old", old)
	putAppeal(t, db, 1000, old, old.Add(time.Hour))

	m, err := db.Maintain()
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.HistoryPruned{Posts: 1, SecurityEvents: 1, Appeals: 1}); m.History != want || m.Decisions != 0 {
		t.Errorf("Maintain = %+v, want history %+v and no decisions", m, want)
	}

	p := report.Period{Kind: "month", Since: until.AddDate(0, 0, -30), Until: until}
	r, err := report.Build(report.Sources{Decisions: db, Posts: db, Appeals: db, Security: db, Accounts: reporttest.Pages}, p, until, msk)
	if err != nil {
		t.Fatal(err)
	}
	posts := map[string]int{}
	for _, pg := range r.Pages {
		for _, n := range pg.Weeks {
			posts[pg.Account] += n
		}
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"comments", r.Comments, want.Comments}, {"deleted", r.Deleted, want.Deleted}, {"reviewed", r.Reviewed, want.Reviewed},
		{"appeals", r.Appeals.Total, want.Appeals}, {"appeals on time", r.Appeals.OnTime, want.AppealsOnTime},
		{"security events", len(r.Guard.Events), want.Security},
		{"admin-vk posts", posts["admin-vk"], want.Posts["admin-vk"]}, {"glava-vk posts", posts["glava-vk"], want.Posts["glava-vk"]},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d after pruning, want %d", c.name, c.got, c.want)
		}
	}
}

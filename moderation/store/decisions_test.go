package store

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestDB_Commit_Dedup(t *testing.T) {
	tests := []struct {
		name    string
		batches [][]*moderation.Decision
		want    []int // recorded per batch
	}{
		{
			name: "within a batch",
			batches: [][]*moderation.Decision{{
				dec("a", "1", "u1", "привет", moderation.Allow),
				dec("a", "1", "u1", "привет", moderation.Allow),
				dec("a", "2", "u1", "привет", moderation.Allow),
			}},
			want: []int{2},
		},
		{
			name: "across batches",
			batches: [][]*moderation.Decision{
				{dec("a", "1", "u1", "привет", moderation.Allow)},
				{dec("a", "1", "u1", "привет", moderation.Delete), dec("a", "3", "u2", "x", moderation.Allow)},
			},
			want: []int{1, 1},
		},
		{
			name: "edit is a new decision, same text again is dropped",
			batches: [][]*moderation.Decision{
				{dec("a", "1", "u1", "v1", moderation.Allow)},
				{dec("a", "1", "u1", "v2", moderation.Delete)},
				{dec("a", "1", "u1", "v1", moderation.Allow), dec("a", "1", "u1", "v2", moderation.Allow)},
				{dec("a", "1", "u1", "v3", moderation.Allow)},
			},
			want: []int{1, 1, 0, 1},
		},
		{
			name:    "nil entries are skipped",
			batches: [][]*moderation.Decision{{nil, dec("a", "1", "u1", "x", moderation.Allow), nil}},
			want:    []int{1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := mustOpen(t)
			var all []uint64
			for i, b := range tt.batches {
				out := mustCommit(t, db, "a", nil, b...)
				if len(out) != tt.want[i] {
					t.Fatalf("batch %d: recorded %d, want %d", i, len(out), tt.want[i])
				}
				all = append(all, ids(out)...)
			}
			// IDs are assigned increasing from 1.
			for i, id := range all {
				if id != uint64(i+1) {
					t.Fatalf("IDs %v, want 1..%d", all, len(all))
				}
			}
			for _, b := range tt.batches {
				for _, d := range b {
					if d == nil {
						continue
					}
					ok, err := db.Decided(d.Comment.ID, d.Version)
					if err != nil || !ok {
						t.Errorf("Decided(%s, %x) = %v, %v; want true", d.Comment.ID, d.Version, ok, err)
					}
				}
			}
		})
	}
}

func TestDB_Decided_Unknown(t *testing.T) {
	db, _ := mustOpen(t)
	d := dec("a", "1", "u1", "x", moderation.Allow)
	mustCommit(t, db, "a", nil, d)
	for _, c := range []struct {
		id      string
		version uint64
	}{{d.Comment.ID, d.Version + 1}, {d.Comment.ID + "0", d.Version}, {"sim:a", d.Version}} {
		if ok, err := db.Decided(c.id, c.version); err != nil || ok {
			t.Errorf("Decided(%q, %x) = %v, %v; want false", c.id, c.version, ok, err)
		}
	}
}

func TestDB_Commit_AssignsAndRoundTrips(t *testing.T) {
	db, clk := mustOpen(t)
	d := dec("a", "1", "u1", "Привет, ёлки!", moderation.Ban)
	d.Comment.Links = []string{"https://t.me/x"}
	d.Labels = []string{"spam"}
	d.Comment.Account = "" // filled from the Commit's account
	out := mustCommit(t, db, "a", nil, d)
	if len(out) != 1 || out[0] != d || d.ID != 1 {
		t.Fatalf("Commit returned %v, want the same decision with ID 1", out)
	}
	if d.Comment.Account != "a" || !d.DecidedAt.Equal(clk.Now()) {
		t.Errorf("Account %q DecidedAt %v, want a and the clock", d.Comment.Account, d.DecidedAt)
	}
	got, err := db.Get(1)
	if err != nil {
		t.Fatal(err)
	}
	if !equalDecision(got, d) {
		t.Errorf("Get = %+v\nwant %+v", got, d)
	}
	if _, err := db.Get(2); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Get(2) error %v, want ErrNotFound", err)
	}
}

func TestDB_Commit_OtherAccount(t *testing.T) {
	db, _ := mustOpen(t)
	d := dec("b", "1", "u1", "x", moderation.Allow)
	if _, err := db.Commit("a", []*moderation.Decision{dec("a", "2", "u", "y", moderation.Allow), d}, []byte("c1")); err == nil {
		t.Fatal("Commit of another account's decision succeeded")
	}
	// Nothing of the failed transaction remains.
	if cur, _ := db.Cursor("a"); cur != nil {
		t.Errorf("cursor %q saved by a failed Commit", cur)
	}
	if ok, _ := db.Decided(moderation.MakeID("sim", "a", "2"), dec("a", "2", "u", "y", 0).Version); ok {
		t.Error("decision of a failed Commit recorded")
	}
	if d.ID != 0 {
		t.Errorf("ID %d assigned by a failed Commit", d.ID)
	}
}

func TestDB_Commit_Cursor(t *testing.T) {
	db, _ := mustOpen(t)
	if cur, err := db.Cursor("a"); err != nil || cur != nil {
		t.Fatalf("Cursor on a new DB = %q, %v", cur, err)
	}
	mustCommit(t, db, "a", []byte("c1"), dec("a", "1", "u", "x", moderation.Allow))
	mustCommit(t, db, "a", nil, dec("a", "2", "u", "y", moderation.Allow)) // nil: unchanged
	mustCommit(t, db, "b", []byte("b1"))                                   // cursor only
	for acc, want := range map[string]string{"a": "c1", "b": "b1"} {
		if cur, err := db.Cursor(acc); err != nil || string(cur) != want {
			t.Errorf("Cursor(%s) = %q, %v; want %q", acc, cur, err, want)
		}
	}
	// Saved atomically with the decisions: a failing batch saves neither.
	_, err := db.Commit("a", []*moderation.Decision{dec("a", "3", "u", "z", moderation.Allow), dec("zz", "4", "u", "z", 0)}, []byte("c2"))
	if err == nil {
		t.Fatal("want error")
	}
	if cur, _ := db.Cursor("a"); string(cur) != "c1" {
		t.Errorf("cursor %q after failed Commit, want c1", cur)
	}
}

func TestDB_Update_PendingIndexesAndBlacklist(t *testing.T) {
	db, clk := mustOpen(t)
	ban := dec("a", "1", "spammer", "купи", moderation.Ban)
	rev := dec("a", "2", "u2", "хм", moderation.Review)
	del := dec("b", "3", "u3", "мат", moderation.Delete)
	mustCommit(t, db, "a", nil, ban, rev)
	mustCommit(t, db, "b", nil, del)

	pendingIDs := func(f func(string) ([]*moderation.Decision, error), acc string) []uint64 {
		t.Helper()
		ds, err := f(acc)
		if err != nil {
			t.Fatal(err)
		}
		return ids(ds)
	}
	checkPending := func(step string, wantActA, wantActAll, wantRev []uint64) {
		t.Helper()
		if got := pendingIDs(db.PendingActions, "a"); !slices.Equal(got, wantActA) {
			t.Errorf("%s: PendingActions(a) = %v, want %v", step, got, wantActA)
		}
		if got := pendingIDs(db.PendingActions, ""); !slices.Equal(got, wantActAll) {
			t.Errorf("%s: PendingActions() = %v, want %v", step, got, wantActAll)
		}
		if got := pendingIDs(db.PendingReviews, ""); !slices.Equal(got, wantRev) {
			t.Errorf("%s: PendingReviews() = %v, want %v", step, got, wantRev)
		}
	}
	checkPending("committed", []uint64{1}, []uint64{1, 3}, []uint64{2})

	// The delete is done, the ban still pending: still pending.
	clk.Add(time.Minute)
	mustUpdate(t, db, 1, func(d *moderation.Decision) error {
		d.Actions[0].State, d.Actions[0].At, d.Actions[0].Attempts = moderation.ActionDone, clk.Now(), 1
		return nil
	})
	checkPending("delete done", []uint64{1}, []uint64{1, 3}, []uint64{2})
	if bl, _ := db.Blacklist(""); len(bl) != 0 {
		t.Fatalf("blacklist %v before the ban is done", bl)
	}

	// The ban is done: no longer pending, author blacklisted.
	mustUpdate(t, db, 1, func(d *moderation.Decision) error {
		d.Actions[1].State = moderation.ActionDone
		return nil
	})
	checkPending("ban done", nil, []uint64{3}, []uint64{2})
	bl, err := db.Blacklist("a")
	if err != nil {
		t.Fatal(err)
	}
	want := moderation.BlacklistEntry{
		Account: "a", Network: "sim", Author: ban.Comment.Author, Until: ban.Actions[1].Until,
		Reason: "спам; ссылка", DecisionID: 1, By: moderation.ByAuto, At: clk.Now(),
	}
	if len(bl) != 1 || !equalBan(bl[0], want) {
		t.Fatalf("Blacklist(a) = %+v, want [%+v]", bl, want)
	}

	// A moderator decides the review: ban; actions pending.
	mustUpdate(t, db, 2, func(d *moderation.Decision) error {
		d.Review.Status, d.Review.Verdict, d.Review.By = moderation.ReviewDecided, moderation.Ban, "telegram:7"
		d.Actions = append(d.Actions, moderation.ActionRecord{Type: moderation.ActDelete, State: moderation.ActionPending},
			moderation.ActionRecord{Type: moderation.ActBan, State: moderation.ActionPending})
		return nil
	})
	checkPending("review decided", []uint64{2}, []uint64{2, 3}, nil)
	mustUpdate(t, db, 2, func(d *moderation.Decision) error {
		d.Actions[0].State, d.Actions[1].State = moderation.ActionDone, moderation.ActionDone
		return nil
	})
	bl, _ = db.Blacklist("a")
	if len(bl) != 2 || bl[1].Author.ID != "u2" || bl[1].By != "telegram:7" || !bl[1].Until.IsZero() {
		t.Fatalf("Blacklist(a) = %+v, want u2 banned forever by telegram:7", bl)
	}

	// Undo: an unban done removes the entry.
	mustUpdate(t, db, 1, func(d *moderation.Decision) error {
		d.Actions = append(d.Actions, moderation.ActionRecord{Type: moderation.ActUnban, State: moderation.ActionDone})
		d.UndoneBy = "telegram:7"
		return nil
	})
	bl, _ = db.Blacklist("")
	if len(bl) != 1 || bl[0].Author.ID != "u2" {
		t.Fatalf("Blacklist after unban = %+v, want only u2", bl)
	}
	// Rewriting a decision whose ban was already applied does not ban again.
	mustUpdate(t, db, 1, func(d *moderation.Decision) error { d.UndoneAt = clk.Now(); return nil })
	if bl, _ = db.Blacklist("a"); len(bl) != 1 {
		t.Fatalf("Blacklist after rewrite = %+v, want only u2", bl)
	}
	checkPending("end", nil, []uint64{3}, nil)
}

func TestDB_Commit_BanDone(t *testing.T) {
	db, _ := mustOpen(t)
	d := dec("a", "1", "u1", "x", moderation.Ban)
	for i := range d.Actions {
		d.Actions[i].State = moderation.ActionDone
	}
	mustCommit(t, db, "a", nil, d)
	if bl, _ := db.Blacklist("a"); len(bl) != 1 || bl[0].DecisionID != d.ID {
		t.Fatalf("Blacklist = %+v, want the ban of decision %d", bl, d.ID)
	}
	if ds, _ := db.PendingActions(""); len(ds) != 0 {
		t.Errorf("PendingActions = %v, want none", ids(ds))
	}
}

func TestDB_Update_Errors(t *testing.T) {
	db, _ := mustOpen(t)
	mustCommit(t, db, "a", nil, dec("a", "1", "u1", "x", moderation.Delete))
	boom := errors.New("boom")
	tests := []struct {
		name string
		id   uint64
		fn   func(d *moderation.Decision) error
		want error
	}{
		{"missing", 9, func(*moderation.Decision) error { return nil }, moderation.ErrNotFound},
		{"fn fails", 1, func(d *moderation.Decision) error { d.Actions = nil; return boom }, boom},
		{"identity", 1, func(d *moderation.Decision) error { d.Version++; return nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Update(tt.id, tt.fn)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Update error %v, want %v", err, tt.want)
			}
			// Nothing changed.
			if ds, _ := db.PendingActions("a"); len(ds) != 1 || len(ds[0].Actions) != 1 {
				t.Fatalf("decision changed by a failed Update: %+v", ds)
			}
		})
	}
}

func TestDB_Update_DecidedAtMovesTimeIndex(t *testing.T) {
	db, clk := mustOpen(t)
	mustCommit(t, db, "a", nil, dec("a", "1", "u1", "x", moderation.Allow))
	later := clk.Now().Add(time.Hour)
	mustUpdate(t, db, 1, func(d *moderation.Decision) error { d.DecidedAt = later; return nil })
	got := queryIDs(t, db, moderation.Query{Since: later})
	if !slices.Equal(got, []uint64{1}) {
		t.Fatalf("Query since the new time = %v, want [1]", got)
	}
	if got := queryIDs(t, db, moderation.Query{Until: later}); len(got) != 0 {
		t.Fatalf("Query before the new time = %v, want none", got)
	}
}

func mustUpdate(t *testing.T, db *DB, id uint64, fn func(d *moderation.Decision) error) *moderation.Decision {
	t.Helper()
	d, err := db.Update(id, fn)
	if err != nil {
		t.Fatalf("Update(%d): %v", id, err)
	}
	return d
}

func equalBan(a, b moderation.BlacklistEntry) bool {
	return a.Account == b.Account && a.Network == b.Network && a.Author == b.Author && a.Until.Equal(b.Until) &&
		a.Reason == b.Reason && a.DecisionID == b.DecisionID && a.By == b.By && a.At.Equal(b.At)
}

// A ban done after a longer one of the same author (a district ban carried
// here, a second review decided later) does not shorten it: on a network
// whose block has no end the pipeline would lift a ban for good when the
// shorter one runs out, and a local blacklist would stop removing the
// author's comments.
func TestDB_Commit_BanDoneKeepsTheLongerBan(t *testing.T) {
	forever, day, week := time.Time{}, time.Unix(1_800_000_000, 0), time.Unix(1_800_000_000, 0).Add(7*24*time.Hour)
	tests := []struct {
		name   string
		untils []time.Time // the author's bans, done in this order
		want   time.Time
		wantD  int // which decision the entry names (index in untils)
	}{
		{name: "for good, then a day", untils: []time.Time{forever, day}, want: forever, wantD: 0},
		{name: "a week, then a day", untils: []time.Time{week, day}, want: week, wantD: 0},
		{name: "a day, then a week", untils: []time.Time{day, week}, want: week, wantD: 1},
		{name: "a day, then for good", untils: []time.Time{day, forever}, want: forever, wantD: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := mustOpen(t)
			var ds []*moderation.Decision
			for i, until := range tt.untils {
				d := dec("a", strconv.Itoa(i+1), "u1", "x"+strconv.Itoa(i), moderation.Ban)
				for j := range d.Actions {
					d.Actions[j].State = moderation.ActionDone
					if d.Actions[j].Type == moderation.ActBan {
						d.Actions[j].Until = until
					}
				}
				mustCommit(t, db, "a", nil, d)
				ds = append(ds, d)
			}
			bl, err := db.Blacklist("a")
			if err != nil || len(bl) != 1 {
				t.Fatalf("Blacklist = %+v, %v", bl, err)
			}
			if !bl[0].Until.Equal(tt.want) || bl[0].DecisionID != ds[tt.wantD].ID {
				t.Errorf("entry until %v of decision %d, want until %v of decision %d", bl[0].Until, bl[0].DecisionID, tt.want, ds[tt.wantD].ID)
			}
		})
	}
}

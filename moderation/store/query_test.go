package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func queryIDs(t *testing.T, db *DB, q moderation.Query) []uint64 {
	t.Helper()
	var got []uint64
	if err := db.Query(q, func(d *moderation.Decision) error {
		got = append(got, d.ID)
		return nil
	}); err != nil {
		t.Fatalf("Query: %v", err)
	}
	return got
}

// seedQuery commits, a minute apart: 1 a/u1 allow, 2 a/u2 delete,
// 3 b/u1 ban, 4 a/u1 review, 5 b/u3 allow, 6 a/u2 allow.
func seedQuery(t *testing.T) (*DB, time.Time) {
	db, clk := mustOpen(t)
	start := clk.Now()
	for i, s := range []struct {
		acc, author string
		v           moderation.Verdict
	}{
		{"a", "u1", moderation.Allow}, {"a", "u2", moderation.Delete}, {"b", "u1", moderation.Ban},
		{"a", "u1", moderation.Review}, {"b", "u3", moderation.Allow}, {"a", "u2", moderation.Allow},
	} {
		mustCommit(t, db, s.acc, nil, dec(s.acc, string(rune('0'+i)), s.author, "t", s.v))
		clk.Add(time.Minute)
	}
	return db, start
}

func TestDB_Query_Filters(t *testing.T) {
	db, start := seedQuery(t)
	at := func(i int) time.Time { return start.Add(time.Duration(i) * time.Minute) }
	tests := []struct {
		name string
		q    moderation.Query
		want []uint64
	}{
		{"all", moderation.Query{}, []uint64{1, 2, 3, 4, 5, 6}},
		{"account", moderation.Query{Account: "a"}, []uint64{1, 2, 4, 6}},
		{"author", moderation.Query{Author: "u1"}, []uint64{1, 3, 4}},
		{"account and author", moderation.Query{Account: "a", Author: "u2"}, []uint64{2, 6}},
		{"verdicts", moderation.Query{Verdicts: []moderation.Verdict{moderation.Delete, moderation.Ban}}, []uint64{2, 3}},
		{"pending review is review", moderation.Query{Verdicts: []moderation.Verdict{moderation.Review}}, []uint64{4}},
		{"since", moderation.Query{Since: at(2)}, []uint64{3, 4, 5, 6}},
		{"until exclusive", moderation.Query{Until: at(2)}, []uint64{1, 2}},
		{"range", moderation.Query{Since: at(1), Until: at(4)}, []uint64{2, 3, 4}},
		{"limit is the newest, oldest first", moderation.Query{Limit: 2}, []uint64{5, 6}},
		{"limit with filter", moderation.Query{Account: "a", Limit: 3}, []uint64{2, 4, 6}},
		{"limit with until", moderation.Query{Until: at(3), Limit: 2}, []uint64{2, 3}},
		{"limit with range", moderation.Query{Since: at(1), Until: at(4), Limit: 10}, []uint64{2, 3, 4}},
		{"limit until after all", moderation.Query{Until: at(100), Limit: 1}, []uint64{6}},
		{"empty range", moderation.Query{Since: at(10)}, nil},
		{"no match", moderation.Query{Account: "c"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := queryIDs(t, db, tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("Query(%+v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestDB_Query_ManyChunks(t *testing.T) {
	db, _ := mustOpen(t)
	var batch []*moderation.Decision
	for i := range 3*queryChunk + 7 {
		batch = append(batch, dec("a", string(rune(0x400+i)), "u", "t", moderation.Allow))
	}
	mustCommit(t, db, "a", nil, batch...)
	got := queryIDs(t, db, moderation.Query{})
	if len(got) != len(batch) || !slices.IsSorted(got) {
		t.Fatalf("Query returned %d decisions (sorted %v), want %d", len(got), slices.IsSorted(got), len(batch))
	}
	// fn may write to the store: Query holds no transaction while calling it.
	n := 0
	err := db.Query(moderation.Query{}, func(d *moderation.Decision) error {
		if n++; n%100 == 0 {
			_, err := db.Update(d.ID, func(d *moderation.Decision) error { d.UndoneBy = "x"; return nil })
			return err
		}
		return nil
	})
	if err != nil || n != len(batch) {
		t.Fatalf("Query with writes: %d, %v", n, err)
	}
}

func TestDB_Query_StopsOnError(t *testing.T) {
	db, _ := seedQuery(t)
	stop := errors.New("stop")
	for _, q := range []moderation.Query{{}, {Limit: 3}} {
		n := 0
		err := db.Query(q, func(*moderation.Decision) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("Query(%+v): %d calls, %v; want 1, stop", q, n, err)
		}
	}
}

func TestDB_Stats(t *testing.T) {
	db, start := seedQuery(t)
	tests := []struct {
		name    string
		account string
		since   time.Time
		want    moderation.Stats
	}{
		{"all", "", time.Time{}, moderation.Stats{Comments: 6, Allowed: 3, Reviewed: 1, Deleted: 2, Banned: 1, Pending: 1,
			ByRule: map[string]int{"obscene": 1, "spam": 1, "link": 1}}},
		{"account", "b", time.Time{}, moderation.Stats{Comments: 2, Allowed: 1, Deleted: 1, Banned: 1,
			ByRule: map[string]int{"spam": 1, "link": 1}}},
		{"since", "a", start.Add(3 * time.Minute), moderation.Stats{Comments: 2, Allowed: 1, Reviewed: 1, Pending: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.Stats(tt.account, tt.since)
			if err != nil {
				t.Fatal(err)
			}
			if got.Comments != tt.want.Comments || got.Allowed != tt.want.Allowed || got.Reviewed != tt.want.Reviewed ||
				got.Deleted != tt.want.Deleted || got.Banned != tt.want.Banned || got.Pending != tt.want.Pending ||
				len(got.ByRule) != len(tt.want.ByRule) {
				t.Fatalf("Stats = %+v, want %+v", got, tt.want)
			}
			for k, v := range tt.want.ByRule {
				if got.ByRule[k] != v {
					t.Fatalf("Stats.ByRule = %v, want %v", got.ByRule, tt.want.ByRule)
				}
			}
		})
	}
}

func TestDB_Blacklist_ByHand(t *testing.T) {
	db, clk := mustOpen(t)
	for _, e := range []moderation.BlacklistEntry{
		{Account: "a", Network: "vk", Author: moderation.Author{ID: "2"}, By: moderation.ByNetwork},
		{Account: "a", Network: "vk", Author: moderation.Author{ID: "1"}, Reason: "r"},
		{Account: "ab", Network: "vk", Author: moderation.Author{ID: "1"}},
	} {
		if err := db.PutBan(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutBan(moderation.BlacklistEntry{Account: "a"}); err == nil {
		t.Error("PutBan without author succeeded")
	}
	bl, err := db.Blacklist("a")
	if err != nil || len(bl) != 2 || bl[0].Author.ID != "1" || bl[1].Author.ID != "2" || !bl[0].At.Equal(clk.Now()) {
		t.Fatalf("Blacklist(a) = %+v, %v", bl, err)
	}
	if err := db.RemoveBan("a", "1"); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveBan("a", "nobody"); err != nil {
		t.Fatalf("RemoveBan of an absent entry: %v", err)
	}
	if bl, _ := db.Blacklist(""); len(bl) != 2 || bl[0].Author.ID != "2" || bl[1].Account != "ab" {
		t.Fatalf("Blacklist() = %+v", bl)
	}
}

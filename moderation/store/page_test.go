package store

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// pageFixture commits n decisions one second apart, verdicts cycling
// allow, review, delete, ban; authors cycle a0..a2.
func pageFixture(t *testing.T, n int) (*DB, []*moderation.Decision) {
	t.Helper()
	db, clk := mustOpen(t)
	var all []*moderation.Decision
	for i := range n {
		clk.Add(time.Second)
		d := dec("page", fmt.Sprint(i), fmt.Sprintf("a%d", i%3), fmt.Sprintf("текст номер %d", i), moderation.Verdict(i%4))
		all = append(all, mustCommit(t, db, "page", nil, d)...)
	}
	return db, all
}

func TestDB_DecisionPage_NewestFirstAndContinues(t *testing.T) {
	db, all := pageFixture(t, 12)
	var got []uint64
	q := PageQuery{Query: moderation.Query{Limit: 5}}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		p, err := db.DecisionPage(q)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(p.Decisions)...)
		if p.Next.IsZero() {
			break
		}
		q.Before = p.Next
	}
	want := ids(all)
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
}

func TestDB_DecisionPage_Filters(t *testing.T) {
	db, all := pageFixture(t, 12)
	at := func(i int) time.Time { return all[i].DecidedAt }
	tests := []struct {
		name string
		q    PageQuery
		want []int // indexes into all, newest first
	}{
		{"verdict", PageQuery{Query: moderation.Query{Verdicts: []moderation.Verdict{moderation.Delete}}}, []int{10, 6, 2}},
		{"author", PageQuery{Query: moderation.Query{Author: "a1"}}, []int{10, 7, 4, 1}},
		{"range", PageQuery{Query: moderation.Query{Since: at(3), Until: at(6)}}, []int{5, 4, 3}},
		{"rule bytes then keep", PageQuery{Contains: []byte("spam"), Keep: func(d *moderation.Decision) bool {
			return slices.ContainsFunc(d.Matches, func(m moderation.Match) bool { return m.Rule == "spam" })
		}}, []int{11, 7, 3}},
		{"text", PageQuery{Keep: func(d *moderation.Decision) bool { return strings.HasSuffix(d.Comment.Text, " 1") }}, []int{1}},
		{"other account", PageQuery{Query: moderation.Query{Account: "nope"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := db.DecisionPage(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var want []uint64
			for _, i := range tt.want {
				want = append(want, all[i].ID)
			}
			if got := ids(p.Decisions); !slices.Equal(got, want) {
				t.Errorf("ids = %v, want %v", got, want)
			}
			if !p.Next.IsZero() {
				t.Errorf("Next = %+v, want zero (all fit)", p.Next)
			}
		})
	}
}

func TestDB_DecisionPage_MaxScanStops(t *testing.T) {
	db, all := pageFixture(t, 10)
	p, err := db.DecisionPage(PageQuery{MaxScan: 4, Keep: func(*moderation.Decision) bool { return false }})
	if err != nil {
		t.Fatal(err)
	}
	if p.Scanned != 4 || len(p.Decisions) != 0 {
		t.Fatalf("Scanned %d, %d decisions; want 4, 0", p.Scanned, len(p.Decisions))
	}
	if p.Next.ID != all[6].ID {
		t.Errorf("Next.ID = %d, want %d (the last read)", p.Next.ID, all[6].ID)
	}
}

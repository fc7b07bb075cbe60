package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func testPendingActions(t *testing.T, s moderation.Store) {
	a1 := decision("a", "1", "u1", moderation.Delete, 0)
	b1 := decision("b", "1", "u1", moderation.Ban, 1)
	allow := decision("a", "2", "u1", moderation.Allow, 2)
	a3 := decision("a", "3", "u2", moderation.Delete, 3)
	commit(t, s, "a", nil, a1)
	commit(t, s, "b", nil, b1)
	commit(t, s, "a", nil, allow, a3)
	check := func(account string, want ...*moderation.Decision) {
		t.Helper()
		list, err := s.PendingActions(account)
		if err != nil || !slices.Equal(ids(list), ids(want)) {
			t.Errorf("PendingActions(%q) = %v, %v; want %v, oldest first", account, ids(list), err, ids(want))
		}
	}
	check("a", a1, a3)
	check("", a1, b1, a3)
	check("c")
	if _, err := s.Update(a1.ID, func(x *moderation.Decision) error {
		x.Actions[0].State = moderation.ActionDone
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	check("a", a3)
	if _, err := s.Update(b1.ID, func(x *moderation.Decision) error { // one of two done: still pending
		x.Actions[0].State = moderation.ActionDone
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	check("", b1, a3)
	if _, err := s.Update(allow.ID, func(x *moderation.Decision) error { // an undo adds work
		x.Actions = append(x.Actions, moderation.ActionRecord{Type: moderation.ActRestore, State: moderation.ActionPending})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	check("a", allow, a3)
}

func testPendingReviews(t *testing.T, s moderation.Store) {
	r1 := decision("a", "1", "u1", moderation.Review, 0)
	rb := decision("b", "1", "u1", moderation.Review, 1)
	r2 := decision("a", "2", "u2", moderation.Review, 2)
	commit(t, s, "a", nil, r1, decision("a", "3", "u1", moderation.Delete, 1), r2)
	commit(t, s, "b", nil, rb)
	check := func(account string, want ...*moderation.Decision) {
		t.Helper()
		list, err := s.PendingReviews(account)
		if err != nil || !slices.Equal(ids(list), ids(want)) {
			t.Errorf("PendingReviews(%q) = %v, %v; want %v, oldest first", account, ids(list), err, ids(want))
		}
	}
	check("a", r1, r2)
	check("", r1, r2, rb)
	if _, err := s.Update(r1.ID, func(x *moderation.Decision) error {
		x.Review.Status, x.Review.Verdict, x.Review.By = moderation.ReviewDecided, moderation.Allow, "cli:root"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	check("a", r2)
	check("", r2, rb)
}

func testBansInStep(t *testing.T, s moderation.Store) {
	banned := decision("a", "1", "u1", moderation.Ban, 0)
	banned.Actions[0].State = moderation.ActionDone
	banned.Actions[1].State = moderation.ActionDone
	pending := decision("a", "2", "u2", moderation.Ban, 1)
	commit(t, s, "a", nil, banned, pending)
	bl, err := s.Blacklist("a")
	if err != nil || len(bl) != 1 {
		t.Fatalf("Blacklist after a done ban = %+v, %v; want u1 only (u2's ban is pending)", bl, err)
	}
	if e := bl[0]; e.Account != "a" || e.Author.ID != "u1" || e.DecisionID != banned.ID || !e.Until.Equal(banned.Actions[1].Until) || e.At.IsZero() {
		t.Errorf("entry = %+v, want u1 by decision %d until %v", e, banned.ID, banned.Actions[1].Until)
	}
	// The pending ban is carried out.
	if _, err := s.Update(pending.ID, func(x *moderation.Decision) error {
		for i := range x.Actions {
			x.Actions[i].State = moderation.ActionDone
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if bl, _ := s.Blacklist("a"); len(bl) != 2 {
		t.Errorf("Blacklist after the second ban was done = %+v", bl)
	}
	// Undone: a done unban lifts it.
	if _, err := s.Update(banned.ID, func(x *moderation.Decision) error {
		x.Actions = append(x.Actions, moderation.ActionRecord{Type: moderation.ActUnban, State: moderation.ActionDone, At: base})
		x.UndoneBy = "telegram:1"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	bl, _ = s.Blacklist("a")
	if len(bl) != 1 || bl[0].Author.ID != "u2" {
		t.Errorf("Blacklist after the unban = %+v, want u2 only", bl)
	}
}

func testBansByHand(t *testing.T, s moderation.Store) {
	for _, e := range []moderation.BlacklistEntry{
		{Account: "b", Network: "sim", Author: moderation.Author{ID: "u9"}, By: moderation.ByNetwork},
		{Account: "a", Network: "sim", Author: moderation.Author{ID: "u5", Name: "Пятый"}, Until: base.Add(time.Hour), By: "cli:root", At: base},
		{Account: "a", Network: "sim", Author: moderation.Author{ID: "u1"}, By: moderation.ByNetwork},
	} {
		if err := s.PutBan(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutBan(moderation.BlacklistEntry{Account: "a"}); err == nil {
		t.Error("PutBan without an author succeeded")
	}
	authors := func(account string) []string {
		bl, err := s.Blacklist(account)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range bl {
			out = append(out, e.Account+"/"+e.Author.ID)
			if e.At.IsZero() {
				t.Errorf("entry %s/%s has no time", e.Account, e.Author.ID)
			}
		}
		return out
	}
	if got := authors(""); !slices.Equal(got, []string{"a/u1", "a/u5", "b/u9"}) {
		t.Errorf("Blacklist(\"\") = %v, want by account then author", got)
	}
	if got := authors("a"); !slices.Equal(got, []string{"a/u1", "a/u5"}) {
		t.Errorf("Blacklist(a) = %v", got)
	}
	// Replacing keeps one entry.
	if err := s.PutBan(moderation.BlacklistEntry{Account: "a", Author: moderation.Author{ID: "u5"}, Reason: "снова"}); err != nil {
		t.Fatal(err)
	}
	if bl, _ := s.Blacklist("a"); len(bl) != 2 || bl[1].Reason != "снова" {
		t.Errorf("after a replacing PutBan: %+v", bl)
	}
	if err := s.RemoveBan("a", "u5"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveBan("a", "never-banned"); err != nil {
		t.Errorf("RemoveBan of an absent entry = %v, want nil", err)
	}
	if got := authors(""); !slices.Equal(got, []string{"a/u1", "b/u9"}) {
		t.Errorf("after RemoveBan: %v", got)
	}
}

// queryFixture commits decisions out of time order across two accounts
// and returns them by name.
func queryFixture(t *testing.T, s moderation.Store) map[string]*moderation.Decision {
	t.Helper()
	m := map[string]*moderation.Decision{
		"a-allow-10":  decision("a", "1", "u1", moderation.Allow, 10),
		"a-delete-5":  decision("a", "2", "u2", moderation.Delete, 5),
		"b-ban-7":     decision("b", "3", "u1", moderation.Ban, 7),
		"a-review-20": decision("a", "4", "u1", moderation.Review, 20),
		"a-review-1":  decision("a", "5", "u3", moderation.Review, 1),
	}
	commit(t, s, "a", nil, m["a-allow-10"], m["a-delete-5"])
	commit(t, s, "b", nil, m["b-ban-7"])
	commit(t, s, "a", nil, m["a-review-20"], m["a-review-1"])
	// A human decided the early review: its final verdict is delete.
	if _, err := s.Update(m["a-review-1"].ID, func(x *moderation.Decision) error {
		x.Review.Status, x.Review.Verdict = moderation.ReviewDecided, moderation.Delete
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

func names(m map[string]*moderation.Decision, ns ...string) []uint64 {
	out := make([]uint64, len(ns))
	for i, n := range ns {
		out[i] = m[n].ID
	}
	return out
}

func testQueryOrder(t *testing.T, s moderation.Store) {
	m := queryFixture(t, s)
	want := names(m, "a-review-1", "a-delete-5", "b-ban-7", "a-allow-10", "a-review-20")
	if got := query(t, s, moderation.Query{}); !slices.Equal(got, want) {
		t.Errorf("Query{} = %v, want %v (by decision time)", got, want)
	}
	// Same time: by ID.
	x, y := decision("c", "1", "u", moderation.Allow, 3), decision("c", "2", "u", moderation.Allow, 3)
	commit(t, s, "c", nil, x, y)
	if got := query(t, s, moderation.Query{Account: "c"}); !slices.Equal(got, ids([]*moderation.Decision{x, y})) {
		t.Errorf("same decision time: %v, want by ID", got)
	}
}

func testQueryFilters(t *testing.T, s moderation.Store) {
	m := queryFixture(t, s)
	at := func(min int) time.Time { return base.Add(time.Duration(min) * time.Minute) }
	for _, tt := range []struct {
		name string
		q    moderation.Query
		want []string
	}{
		{"since is inclusive", moderation.Query{Since: at(7)}, []string{"b-ban-7", "a-allow-10", "a-review-20"}},
		{"until is exclusive", moderation.Query{Until: at(10)}, []string{"a-review-1", "a-delete-5", "b-ban-7"}},
		{"window", moderation.Query{Since: at(5), Until: at(20)}, []string{"a-delete-5", "b-ban-7", "a-allow-10"}},
		{"account", moderation.Query{Account: "b"}, []string{"b-ban-7"}},
		{"author", moderation.Query{Author: "u1"}, []string{"b-ban-7", "a-allow-10", "a-review-20"}},
		{"author on an account", moderation.Query{Author: "u1", Account: "a"}, []string{"a-allow-10", "a-review-20"}},
		{"final verdict: a decided review counts as the human's", moderation.Query{Verdicts: []moderation.Verdict{moderation.Delete}}, []string{"a-review-1", "a-delete-5"}},
		{"final verdict: review is still pending", moderation.Query{Verdicts: []moderation.Verdict{moderation.Review}}, []string{"a-review-20"}},
		{"several verdicts", moderation.Query{Verdicts: []moderation.Verdict{moderation.Ban, moderation.Allow}}, []string{"b-ban-7", "a-allow-10"}},
		{"nothing matches", moderation.Query{Account: "a", Verdicts: []moderation.Verdict{moderation.Ban}}, nil},
	} {
		if got, want := query(t, s, tt.q), names(m, tt.want...); !slices.Equal(got, want) {
			t.Errorf("%s: Query(%+v) = %v, want %v", tt.name, tt.q, got, want)
		}
	}
}

func testQueryLimit(t *testing.T, s moderation.Store) {
	m := queryFixture(t, s)
	for _, tt := range []struct {
		q    moderation.Query
		want []string
	}{
		{moderation.Query{Limit: 2}, []string{"a-allow-10", "a-review-20"}},
		{moderation.Query{Limit: 2, Account: "a", Until: base.Add(15 * time.Minute)}, []string{"a-delete-5", "a-allow-10"}},
		{moderation.Query{Limit: 100}, []string{"a-review-1", "a-delete-5", "b-ban-7", "a-allow-10", "a-review-20"}},
	} {
		if got, want := query(t, s, tt.q), names(m, tt.want...); !slices.Equal(got, want) {
			t.Errorf("Query(%+v) = %v, want the newest %v, oldest first", tt.q, got, want)
		}
	}
}

func testQueryCallback(t *testing.T, s moderation.Store) {
	m := queryFixture(t, s)
	stop := errors.New("stop")
	n := 0
	err := s.Query(moderation.Query{}, func(d *moderation.Decision) error {
		n++
		// fn may call the store.
		if got, err := s.Get(d.ID); err != nil || got.ID != d.ID {
			t.Errorf("Get inside Query's fn = %v, %v", got, err)
		}
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("Query = %v after %d calls, want fn's error after 2", err, n)
	}
	_ = m
}

func testEpoch(t *testing.T, s moderation.Store) {
	e := s.Epoch()
	if e.IsZero() {
		t.Fatal("Epoch is zero")
	}
	commit(t, s, "a", []byte("c"), decision("a", "1", "u", moderation.Allow, 0))
	if !s.Epoch().Equal(e) {
		t.Errorf("Epoch moved from %v to %v", e, s.Epoch())
	}
}

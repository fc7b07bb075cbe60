package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

func comment(id, text string) []moderation.Update {
	return []moderation.Update{{Type: moderation.UpdateComment, Comment: moderation.Comment{
		ID: id, Ref: id, Text: text, Author: moderation.Author{ID: "u1"}, Created: time.Now()}}}
}

// district runs pages a and b of network vk and page c of network ok; a
// gets one comment. act, when set, runs once the comment is decided.
func district(t *testing.T, aDistrict bool, text string, act func(p *pipeline.Pipeline, db *store.DB)) (a, b, c *lifeConn, db *store.DB) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a, b, c = &lifeConn{deliver: comment("vk:a:1", text)}, &lifeConn{}, &lifeConn{}
	runPages(t, db, aDistrict, a, b, c, act)
	return a, b, c, db
}

// runPages runs pages a and b of network vk and c of network ok over db
// for a second of the bubble's time; act, when set, runs then and is given
// another second. Then it stops the pipeline.
func runPages(t *testing.T, db *store.DB, aDistrict bool, a, b, c moderation.Connector, act func(p *pipeline.Pipeline, db *store.DB)) {
	t.Helper()
	p, err := pipeline.New(pipeline.Options{Store: db}, keywordEngine{}, []pipeline.Account{
		{Name: "a", Network: "vk", Conn: a, Backfill: true, BanDistrict: aDistrict},
		{Name: "b", Network: "vk", Conn: b, Backfill: true},
		{Name: "c", Network: "ok", Conn: c, Backfill: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	time.Sleep(time.Second)
	if act != nil {
		act(p, db)
		time.Sleep(time.Second)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func bans(c *lifeConn) []string {
	_, _, ev := c.snapshot()
	return slices.DeleteFunc(ev, func(e string) bool { return e == "close" })
}

func TestPipeline_Run_BanScope(t *testing.T) {
	resolve := func(district bool) func(p *pipeline.Pipeline, db *store.DB) {
		return func(p *pipeline.Pipeline, db *store.DB) {
			ds, err := db.PendingReviews("a")
			if err != nil || len(ds) != 1 {
				t.Fatalf("pending reviews %d, %v", len(ds), err)
			}
			if district {
				_, err = p.ResolveDistrict(context.Background(), ds[0].ID, 7*24*time.Hour, "telegram:1", "Мария")
			} else {
				_, err = p.Resolve(context.Background(), ds[0].ID, moderation.Ban, 7*24*time.Hour, "telegram:1", "Мария")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name      string
		aDistrict bool
		text      string
		act       func(*pipeline.Pipeline, *store.DB)
		wantB     []string
	}{
		{name: "page scope: a rule's ban stays on the page", text: "BAN"},
		{name: "district scope: a rule's ban on every page of the network", aDistrict: true, text: "BAN", wantB: []string{"ban u1"}},
		{name: "page scope: a rule with ban_scope district", text: "BAN EVERYWHERE", wantB: []string{"ban u1"}},
		{name: "page scope: the moderator bans on the page", text: "REVIEW", act: resolve(false)},
		{name: "page scope: «Забанить везде»", text: "REVIEW", act: resolve(true), wantB: []string{"ban u1"}},
		{name: "district scope: the moderator's ban goes everywhere", aDistrict: true, text: "REVIEW", act: resolve(false), wantB: []string{"ban u1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				a, b, c, db := district(t, tt.aDistrict, tt.text, tt.act)
				if got := bans(a); !slices.Contains(got, "ban u1") {
					t.Errorf("page a: %q, want the author banned", got)
				}
				if got := bans(b); !slices.Equal(got, tt.wantB) {
					t.Errorf("page b (same network): %q, want %q", got, tt.wantB)
				}
				if got := bans(c); len(got) != 0 {
					t.Errorf("page c (another network): %q, want nothing", got)
				}
				list, err := db.Blacklist("b")
				if err != nil {
					t.Fatal(err)
				}
				if (len(list) == 1) != (tt.wantB != nil) {
					t.Errorf("blacklist of b: %+v", list)
				}
				if tt.act != nil {
					// The moderator's decision records whether it was carried,
					// so a restart carries it again only then (carryCutOff).
					var got *moderation.ReviewState
					if err := db.Query(moderation.Query{}, func(d *moderation.Decision) error {
						if d.Comment.Account == "a" && d.Review != nil {
							got = d.Review
						}
						return nil
					}); err != nil || got == nil {
						t.Fatalf("the moderator's decision on a: %v", err)
					}
					if got.District != (tt.wantB != nil) {
						t.Errorf("Review.District = %v, want %v", got.District, tt.wantB != nil)
					}
				}
			})
		})
	}
}

func TestMemoryHistory_DistrictViolations(t *testing.T) {
	h := pipeline.NewMemoryHistory(30 * 24 * time.Hour)
	now := time.Now()
	for _, c := range []moderation.Comment{
		{Network: "vk", Account: "a", Author: moderation.Author{ID: "u1"}, Created: now},
		{Network: "vk", Account: "b", Author: moderation.Author{ID: "u1"}, Created: now},
		{Network: "ok", Account: "c", Author: moderation.Author{ID: "u1"}, Created: now},
	} {
		h.Record(&c, moderation.Fingerprint{}, true)
	}
	since := now.Add(-time.Hour)
	if n := h.Violations("a", "u1", since); n != 1 {
		t.Errorf("page a: %d violations, want 1", n)
	}
	if n := h.DistrictViolations("vk", "u1", since); n != 2 {
		t.Errorf("district vk: %d violations, want 2 (pages a and b, not the ok page)", n)
	}
}

// TestPipeline_Run_DistrictBanCutOffByCrash: a moderator's «Забанить везде»
// is recorded on its own page first and carried to the other pages after;
// a crash in between left only the first. The next start carries it, and
// the start after that does not carry it twice.
func TestPipeline_Run_DistrictBanCutOffByCrash(t *testing.T) {
	for _, tt := range []struct {
		name               string
		aDistrict, pressed bool
		wantB              []string
	}{
		{name: "«Забанить везде» on a page-scope page", pressed: true, wantB: []string{"ban u1"}},
		{name: "a ban on a district-scope page", aDistrict: true, pressed: true, wantB: []string{"ban u1"}},
		{name: "a ban on the page alone stays there"},
		// ban_scope changed to district after the moderator's page ban:
		// the restart must not carry what the moderator kept to the page.
		{name: "a page ban, the page made district-scope later", aDistrict: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				now := time.Now()
				d := &moderation.Decision{Comment: comment("vk:a:1", "REVIEW")[0].Comment, Verdict: moderation.Review,
					DecidedBy: moderation.ByAuto, DecidedAt: now,
					Review: &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: moderation.Ban,
						By: "telegram:1", ByName: "Мария", At: now, District: tt.pressed},
					Actions: []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionDone, At: now},
						{Type: moderation.ActBan, State: moderation.ActionDone, At: now}}}
				d.Comment.Account, d.Comment.Network = "a", "vk"
				if _, err := db.Commit("a", []*moderation.Decision{d}, nil); err != nil {
					t.Fatal(err)
				}
				for run := 1; run <= 2; run++ {
					a, b, c := &lifeConn{}, &lifeConn{}, &lifeConn{}
					runPages(t, db, tt.aDistrict, a, b, c, nil)
					want := tt.wantB
					if run == 2 {
						want = nil // carried once already
					}
					if got := bans(b); !slices.Equal(got, want) {
						t.Errorf("run %d, page b: %q, want %q", run, got, want)
					}
					if got := bans(a); len(got) != 0 {
						t.Errorf("run %d, page a acted again: %q", run, got)
					}
					if got := bans(c); len(got) != 0 {
						t.Errorf("run %d, page c (another network): %q", run, got)
					}
				}
			})
		})
	}
}

// noEndConn is a network whose block has no end date (Facebook's): its
// Unban fails the first failUnbans times.
type noEndConn struct {
	lifeConn
	failUnbans int
	unbans     []string
}

func (c *noEndConn) Capabilities() moderation.Capabilities {
	return moderation.Capabilities{Delete: true, Ban: true, Unban: true, BanNoEnd: true}
}

func (c *noEndConn) Unban(_ context.Context, author string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unbans = append(c.unbans, author)
	if author == "unknown-to-the-network" {
		return fmt.Errorf("no such user: %w", moderation.ErrItem)
	}
	if c.failUnbans > 0 {
		c.failUnbans--
		return errors.New("network down")
	}
	return nil
}

// TestPipeline_Run_BanNoEndLiftedWhenItRunsOut: on a network whose block
// has no end, a timed ban is lifted by strazh when it runs out (an unban
// that fails is tried again), and a ban for good is never lifted.
func TestPipeline_Run_BanNoEndLiftedWhenItRunsOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		now := time.Now()
		for _, e := range []moderation.BlacklistEntry{
			{Account: "fb", Network: "facebook", Author: moderation.Author{ID: "ran-out"}, Until: now.Add(-time.Minute), At: now.Add(-24 * time.Hour)},
			{Account: "fb", Network: "facebook", Author: moderation.Author{ID: "forever"}, At: now},
			{Account: "fb", Network: "facebook", Author: moderation.Author{ID: "later"}, Until: now.Add(3 * time.Hour), At: now},
			{Account: "fb", Network: "facebook", Author: moderation.Author{ID: "unknown-to-the-network"}, Until: now.Add(-time.Minute), At: now.Add(-24 * time.Hour)},
		} {
			if err := db.PutBan(e); err != nil {
				t.Fatal(err)
			}
		}
		c := &noEndConn{failUnbans: 1}
		p, err := pipeline.New(pipeline.Options{Store: db}, keywordEngine{}, []pipeline.Account{{Name: "fb", Network: "facebook", Conn: c}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		synctest.Wait()
		if l, _ := db.Blacklist("fb"); len(l) != 3 {
			t.Errorf("after a failed unban the blacklist has %d entries, want 3 (kept to try again; the one the network can never lift dropped)", len(l))
		}
		time.Sleep(5 * time.Hour)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if want := []string{"ran-out", "unknown-to-the-network", "ran-out", "later"}; !slices.Equal(c.unbans, want) {
			t.Errorf("unbans %q, want %q", c.unbans, want)
		}
		if l, _ := db.Blacklist("fb"); len(l) != 1 || l[0].Author.ID != "forever" {
			t.Errorf("blacklist %+v, want the ban for good alone", l)
		}
	})
}

// TestPipeline_Run_BanNoEndKeepsABanForGood: an author banned for good,
// then for an hour by a later decision (a second review, a district ban
// carried here), stays banned when the hour runs out: strazh does not
// lift the Facebook block.
func TestPipeline_Run_BanNoEndKeepsABanForGood(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		now := time.Now()
		for i, until := range []time.Time{{}, now.Add(time.Hour)} {
			d := &moderation.Decision{Comment: moderation.Comment{Network: "facebook", Account: "fb", ID: moderation.MakeID("facebook", "fb", strconv.Itoa(i)),
				Text: "x" + strconv.Itoa(i), Author: moderation.Author{ID: "x"}, Created: now}, Verdict: moderation.Ban, DecidedBy: moderation.ByAuto, DecidedAt: now,
				Actions: []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionDone, At: now},
					{Type: moderation.ActBan, State: moderation.ActionDone, Until: until, At: now}}}
			d.Version = d.Comment.Version()
			if _, err := db.Commit("fb", []*moderation.Decision{d}, nil); err != nil {
				t.Fatal(err)
			}
		}
		c := &noEndConn{}
		p, err := pipeline.New(pipeline.Options{Store: db}, keywordEngine{}, []pipeline.Account{{Name: "fb", Network: "facebook", Conn: c}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		time.Sleep(3 * time.Hour)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if len(c.unbans) != 0 {
			t.Errorf("unbans %q, want none: the ban for good holds", c.unbans)
		}
		if l, _ := db.Blacklist("fb"); len(l) != 1 || !l[0].Until.IsZero() {
			t.Errorf("blacklist %+v, want the ban for good", l)
		}
	})
}

package ok

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// TestScenario_BanPendingAtRestart: a ban decided before a stop (its
// comment deleted, the ban not yet placed: a crash between the two, or a
// stop while the ban waited for a limit) is placed after the restart even
// before the connector read anything. Before, OK's Ban knew an author's
// comment only from the cursor the first Fetch reads, the actor's rescan
// at the start ran first, and the ban failed for good ("no comment of
// this author known"): the author stayed unbanned.
func TestScenario_BanPendingAtRestart(t *testing.T) {
	f, tok := newFake(t)
	dir := t.TempDir()
	topic := f.AddTopic(testGID)
	id := f.AddComment(topic, "5810", "реклама "+obsceneMark)
	local := topic + ":" + id
	db, err := store.Open(filepath.Join(dir, "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	d := &moderation.Decision{
		Comment: moderation.Comment{Network: Network, Account: "ok-a", Kind: moderation.KindWallComment,
			ID: moderation.MakeID(Network, "ok-a", local), Ref: local, PostID: topic,
			Author: moderation.Author{ID: "5810"}, Text: "реклама " + obsceneMark, Created: now},
		Verdict: moderation.Ban, DecidedBy: moderation.ByAuto, DecidedAt: now,
		Matches: []moderation.Match{{Rule: "test.ban", Action: moderation.Ban, Reason: "marked for a ban"}},
		Actions: []moderation.ActionRecord{
			{Type: moderation.ActDelete, State: moderation.ActionDone, At: now},
			{Type: moderation.ActBan, State: moderation.ActionPending},
		},
	}
	d.Version = d.Comment.Version()
	if _, err := db.Commit("ok-a", []*moderation.Decision{d}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// OK's topics cannot be read for now: the first Fetch does not come
	// before the actor.
	f.Fail("mediatopic.getTopics", codeService, 1<<20)
	r := startPipeline(t, dir, newConn(t, f, "ok-a", tok, nil))
	eventually(t, "the ban settled", func() bool {
		got, err := r.DB.Get(d.ID)
		return err == nil && !got.HasPendingActions()
	})
	got, _ := r.DB.Get(d.ID)
	if a := got.Actions[1]; a.State != moderation.ActionDone {
		t.Fatalf("ban %s: %s", a.State, a.Error)
	}
	if b := f.Bans(); len(b) != 1 || b[0].Author != "5810" {
		t.Fatalf("bans on OK: %+v", b)
	}
}

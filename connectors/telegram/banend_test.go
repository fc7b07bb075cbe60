package telegram

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// TestPipeline_TimedBanOfAChannelEnds: a ban for a term of an author who
// posts as a channel runs out on Telegram too. Telegram bans a sender
// chat only for good (banChatSenderChat has no until_date), and the
// connector did not say so (BanNoEnd): at the term strazh dropped its
// blacklist entry and left the channel banned in the group for ever, a
// timed ban turned permanent.
func TestPipeline_TimedBanOfAChannelEnds(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	author := strconv.FormatInt(other.ID, 10)
	until := time.Now().Add(time.Hour)
	if err := c.Ban(context.Background(), author, moderation.BanRequest{Until: until}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Bans(groupID)[other.ID]; !ok {
		t.Fatal("not banned on the fake")
	}
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	// The ban ran out while strazh was stopped.
	if err := db.PutBan(moderation.BlacklistEntry{Account: "tg", Network: Network, Author: moderation.Author{ID: author},
		Until: time.Now().Add(-time.Minute), Reason: "spam", By: moderation.ByAuto}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	r := startPipeline(t, dir, c)
	eventually(t, "the expired entry dropped", func() bool {
		l, err := r.DB.Blacklist("tg")
		return err == nil && len(l) == 0
	})
	if b, ok := f.Bans(groupID)[other.ID]; ok {
		t.Fatalf("the channel is still banned in the group: %+v", b)
	}
	// A user's ban with a term ends on Telegram by itself; lifting it at
	// the term as well is harmless (only_if_banned).
	if !c.Capabilities().BanNoEnd {
		t.Error("BanNoEnd not declared")
	}
}

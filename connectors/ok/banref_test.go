package ok

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// TestConnector_Ban_ThroughTheDecidedComment: a ban goes through the
// comment it was decided on, never through another comment of the author.
// OK blocks only while deleting a comment (block_author), and Ban used the
// author's comment remembered from the last read (the last one the read
// noted, the oldest of the cycle): an author who wrote a lawful comment
// and then one banned lost the lawful one too, deleted without a decision,
// a card or a record.
func TestConnector_Ban_ThroughTheDecidedComment(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		later bool // the lawful comment comes after the banned one
	}{
		{"lawful comment before", false},
		{"lawful comment after", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, tok := newFake(t)
			c := newConn(t, f, "ok-a", tok, nil)
			topic := f.AddTopic(testGID)
			now := time.Now()
			lawfulAt, bannedAt := now.Add(-time.Minute), now
			if tt.later {
				lawfulAt, bannedAt = now, now.Add(-time.Minute)
			}
			lawful := f.AddCommentAt(topic, "5810", "когда починят дорогу на Садовой?", lawfulAt)
			banned := f.AddCommentAt(topic, "5810", "спам спам спам", bannedAt)
			d := newDriver(t, c, nil)
			d.Fetch()
			ref := topic + ":" + banned
			if err := c.Delete(ctx, ref); err != nil { // the pipeline deletes before it bans
				t.Fatal(err)
			}
			if err := c.Ban(ctx, "5810", moderation.BanRequest{Ref: ref}); err != nil {
				t.Fatalf("Ban: %v", err)
			}
			if f.Deleted(lawful) {
				t.Fatal("the author's lawful comment was deleted to place the ban")
			}
			if b := f.Bans(); len(b) != 1 || b[0].Author != "5810" || b[0].Comment != banned {
				t.Fatalf("bans %+v, want one through %s", b, banned)
			}
		})
	}
}

// TestConnector_Ban_CarriedNamesNoComment: a ban carried from another page
// of the district names no comment here. It is refused as not placed
// (ClassItem, said why), and the author's lawful comment here stays: it was
// deleted with block_author, with no decision, card or record.
func TestConnector_Ban_CarriedNamesNoComment(t *testing.T) {
	ctx := context.Background()
	f, tok := newFake(t)
	c := newConn(t, f, "ok-b", tok, nil)
	lawful := f.AddComment(f.AddTopic(testGID), "5810", "спасибо за расчищенный двор")
	d := newDriver(t, c, nil)
	d.Fetch()
	err := c.Ban(ctx, "5810", moderation.BanRequest{})
	if moderation.Classify(err) != moderation.ClassItem || !strings.Contains(err.Error(), "by hand") {
		t.Fatalf("carried ban: %v, want a refusal for this item saying to block by hand", err)
	}
	if f.Deleted(lawful) || len(f.Bans()) != 0 {
		t.Fatalf("the lawful comment was deleted (%v) or a block placed (%+v)", f.Deleted(lawful), f.Bans())
	}
}

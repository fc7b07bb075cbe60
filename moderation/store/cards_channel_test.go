package store_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/store"
	"github.com/strazh/strazh/moderation/storetest"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("Check: %v", err)
		}
		db.Close()
	})
	return db
}

func TestDB_ReviewCards_Conformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		db := openDB(t)
		cards, err := db.ReviewCards("max")
		if err != nil {
			t.Fatal(err)
		}
		return storetest.Stores{Store: db, Cards: cards, Examples: db, Models: db}
	})
}

// Two channels never share cards, outbox or offset: a MAX card with a
// string message ID stays out of Telegram's buckets, and Telegram's
// numeric IDs keep the old message_id field.
func TestDB_ReviewCards_Separate(t *testing.T) {
	db := openDB(t)
	mx, err := db.ReviewCards("max")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tg := &cardstore.Card{Key: "TGTGTGTGTG", Kind: cardstore.KindReview, Decisions: []uint64{7}, ChatID: -100, Created: now, Open: true}
	tg.SetMsg("55")
	mc := &cardstore.Card{Key: "MXMXMXMXMX", Kind: cardstore.KindReview, Decisions: []uint64{7}, ChatID: -7080, Created: now, Open: true}
	mc.SetMsg("mid.00000000000000ab")
	if err := db.Apply(cardstore.Change{Put: []*cardstore.Card{tg}, Offset: 11,
		Enqueue: []*cardstore.Outgoing{{Op: cardstore.OpSend, Card: tg.Key, ChatID: -100}}}); err != nil {
		t.Fatal(err)
	}
	reply := &cardstore.Outgoing{Op: cardstore.OpText, ChatID: -7080, Text: "⏰"}
	reply.SetReply("mid.00000000000000ab")
	if err := mx.Apply(cardstore.Change{Put: []*cardstore.Card{mc}, Offset: 40157, Enqueue: []*cardstore.Outgoing{reply}}); err != nil {
		t.Fatal(err)
	}
	if items, _ := mx.Outbox(); len(items) != 1 || items[0].Reply() != "mid.00000000000000ab" || items[0].ReplyTo != 0 {
		t.Errorf("MAX outbox = %+v, want the reply to the mid", items)
	}
	if c, err := db.CardFor(7); err != nil || c.Key != tg.Key || c.MessageID != 55 || c.MID != "" {
		t.Errorf("Telegram CardFor(7) = %+v, %v; want its own card with message_id 55", c, err)
	}
	if c, err := mx.CardFor(7); err != nil || c.Key != mc.Key || c.Msg() != "mid.00000000000000ab" {
		t.Errorf("MAX CardFor(7) = %+v, %v; want its own card with the mid", c, err)
	}
	if _, err := mx.Card(tg.Key); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("MAX store sees Telegram's card: %v", err)
	}
	if off, _ := db.Offset(); off != 11 {
		t.Errorf("Telegram offset %d, want 11", off)
	}
	if off, _ := mx.Offset(); off != 40157 {
		t.Errorf("MAX marker %d, want 40157", off)
	}
	if items, _ := mx.Outbox(); len(items) != 1 || items[0].Card != "" {
		t.Errorf("MAX outbox holds Telegram's entry: %+v", items)
	}
	if _, err := db.ReviewCards("../x"); err == nil {
		t.Error("a bad channel name was accepted")
	}
}

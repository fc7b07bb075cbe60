package review_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/review/telegramtest"
	"github.com/strazh/strazh/moderation/store"
)

func openBolt(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestCardStore_Conformance runs the same checks on the in-memory store and
// the bbolt one.
func TestCardStore_Conformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) review.CardStore
	}{
		{"mem", func(t *testing.T) review.CardStore { return cardstore.NewMem() }},
		{"bolt", func(t *testing.T) review.CardStore {
			db := openBolt(t, filepath.Join(t.TempDir(), "strazh.db"))
			t.Cleanup(func() { db.Close() })
			return db
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.open(t)
			if _, err := s.Card("nope"); !errors.Is(err, moderation.ErrNotFound) {
				t.Fatalf("Card(missing) = %v", err)
			}
			if _, err := s.CardFor(1); !errors.Is(err, moderation.ErrNotFound) {
				t.Fatalf("CardFor(missing) = %v", err)
			}
			if off, err := s.Offset(); off != 0 || err != nil {
				t.Fatalf("Offset = %d, %v", off, err)
			}
			now := time.Now().UTC().Truncate(time.Second)
			a := &cardstore.Card{Key: "a", Kind: cardstore.KindReview, Decisions: []uint64{1}, ChatID: -1, Created: now, Open: true}
			b := &cardstore.Card{Key: "b", Kind: cardstore.KindNotice, Decisions: []uint64{2}, ChatID: -1, Created: now.Add(time.Second)}
			o1 := &cardstore.Outgoing{Prio: cardstore.PrioNotice, Op: cardstore.OpSend, Card: "b"}
			o2 := &cardstore.Outgoing{Prio: cardstore.PrioReview, Op: cardstore.OpSend, Card: "a"}
			o3 := &cardstore.Outgoing{Prio: cardstore.PrioInteractive, Op: cardstore.OpText, Text: "hi"}
			if err := s.Apply(cardstore.Change{Put: []*cardstore.Card{a, b}, Enqueue: []*cardstore.Outgoing{o1, o2, o3},
				Offset: 1001, DigestAdd: []uint64{5, 3}}); err != nil {
				t.Fatal(err)
			}
			if o1.Seq == 0 || !(o1.Seq < o2.Seq && o2.Seq < o3.Seq) {
				t.Fatalf("sequences %d %d %d", o1.Seq, o2.Seq, o3.Seq)
			}
			out, _ := s.Outbox()
			if len(out) != 3 || out[0].Seq != o3.Seq || out[1].Seq != o2.Seq || out[2].Seq != o1.Seq {
				t.Fatalf("outbox order %+v", out)
			}
			c, err := s.CardFor(1)
			if err != nil || c.Key != "a" || !c.Open || !c.Created.Equal(now) {
				t.Fatalf("CardFor(1) = %+v, %v", c, err)
			}
			open, _ := s.OpenCards()
			if len(open) != 1 || open[0].Key != "a" {
				t.Fatalf("open = %+v", open)
			}
			// Close a, record its message, drop one entry, regroup b into c.
			c.Open, c.MessageID, c.Names = false, 55, map[string]string{"telegram:1": "M"}
			d := &cardstore.Card{Key: "c", Kind: cardstore.KindDigest, Decisions: []uint64{2, 4}, Created: now}
			if err := s.Apply(cardstore.Change{Put: []*cardstore.Card{c, d}, Delete: []string{"b"}, Done: []uint64{o2.Seq},
				Offset: 1002, DigestDel: []uint64{3}}); err != nil {
				t.Fatal(err)
			}
			if open, _ := s.OpenCards(); len(open) != 0 {
				t.Fatalf("open after close = %+v", open)
			}
			if got, _ := s.Card("a"); got.MessageID != 55 || got.Names["telegram:1"] != "M" {
				t.Fatalf("card a = %+v", got)
			}
			if _, err := s.Card("b"); !errors.Is(err, moderation.ErrNotFound) {
				t.Fatalf("deleted card: %v", err)
			}
			if got, err := s.CardFor(2); err != nil || got.Key != "c" {
				t.Fatalf("CardFor(2) = %+v, %v", got, err)
			}
			if out, _ := s.Outbox(); len(out) != 2 {
				t.Fatalf("outbox = %+v", out)
			}
			if off, _ := s.Offset(); off != 1002 {
				t.Fatalf("offset = %d", off)
			}
			if ds, _ := s.Digest(); len(ds) != 1 || ds[0] != 5 {
				t.Fatalf("digest = %v", ds)
			}
			if err := s.Apply(cardstore.Change{Put: []*cardstore.Card{{}}}); err == nil {
				t.Fatal("a card without a key was accepted")
			}
		})
	}
}

// TestTelegram_Restart_Bolt restarts the reviewer on a reopened bbolt file
// with a card still queued and a tap made while it was down.
func TestTelegram_Restart_Bolt(t *testing.T) {
	e := newEnv(t, nil)
	path := filepath.Join(t.TempDir(), "strazh.db")
	db := openBolt(t, path)
	e.store = nil
	startOn := func(s review.CardStore) {
		rv, err := review.New(e.cfg, review.Deps{Moderation: e.mod, Store: s, Timing: e.tm, Location: time.UTC, Logger: testLogger(t)})
		if err != nil {
			t.Fatal(err)
		}
		e.rv = rv
		e.runRV()
	}
	startOn(db)
	e.submit(e.mod.review("первый"))
	m := e.card("#1")
	// Wait until the reviewer recorded the card as sent: an outage before
	// that would (rightly) send it again.
	if err := e.tg.Wait(e.ctx(), func() bool {
		c, err := db.CardFor(1)
		return err == nil && c.MessageID == m.ID
	}); err != nil {
		t.Fatal("card never recorded as sent")
	}
	e.tg.Down()
	e.submit(e.mod.review("второй")) // queued in bbolt while Telegram is down
	e.stop()
	db.Close()

	e.tg.Up()
	if _, err := e.tg.PressQuery(chatID, m.ID, "Оставить", oleg); err != nil {
		t.Fatal(err)
	}
	db = openBolt(t, path)
	defer db.Close()
	startOn(db)
	e.card("#2")
	e.waitMsg(m.ID, "decided after restart", func(m telegramtest.Message) bool { return len(m.Keyboard) == 0 })
	if c := e.mod.calls(); len(c) != 1 || c[0].Verdict != moderation.Allow || c[0].By != "telegram:78" {
		t.Fatalf("calls = %+v", c)
	}
	e.stop()
}

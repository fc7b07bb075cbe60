package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

func card(key string, minutes int, open bool, decisions ...uint64) *cardstore.Card {
	return &cardstore.Card{Key: key, Kind: cardstore.KindReview, Decisions: decisions, ChatID: -100,
		Created: base.Add(time.Duration(minutes) * time.Minute), Open: open}
}

func apply(t *testing.T, s CardStore, ch cardstore.Change) {
	t.Helper()
	if err := s.Apply(ch); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func keys(cs []*cardstore.Card) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Key
	}
	return out
}

func testCardsPutGet(t *testing.T, s CardStore) {
	if _, err := s.Card("nope"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Card of an unknown key = %v, want ErrNotFound", err)
	}
	if _, err := s.CardFor(1); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("CardFor of an unknown decision = %v, want ErrNotFound", err)
	}
	c := card("k1", 0, true, 1, 2)
	c.Names = map[string]string{"telegram:7": "Ольга"}
	apply(t, s, cardstore.Change{Put: []*cardstore.Card{c}})
	c.Decisions[0] = 99 // the store keeps its own copy
	got, err := s.Card("k1")
	if err != nil || got.Key != "k1" || !slices.Equal(got.Decisions, []uint64{1, 2}) || !got.Created.Equal(c.Created) ||
		got.ChatID != -100 || !got.Open || got.Names["telegram:7"] != "Ольга" {
		t.Fatalf("Card = %+v, %v", got, err)
	}
	// A later card showing decision 2 becomes its latest.
	apply(t, s, cardstore.Change{Put: []*cardstore.Card{card("k2", 1, false, 2)}})
	for id, want := range map[uint64]string{1: "k1", 2: "k2"} {
		if got, err := s.CardFor(id); err != nil || got.Key != want {
			t.Errorf("CardFor(%d) = %v, %v; want %s", id, got, err, want)
		}
	}
	// Put replaces by key.
	c2 := card("k1", 0, false, 1, 2)
	c2.MessageID = 555
	apply(t, s, cardstore.Change{Put: []*cardstore.Card{c2}})
	if got, _ := s.Card("k1"); got.MessageID != 555 || got.Open {
		t.Errorf("Card after a replacing Put = %+v", got)
	}
}

func testCardsOpen(t *testing.T, s CardStore) {
	apply(t, s, cardstore.Change{Put: []*cardstore.Card{
		card("late", 5, true, 1), card("closed", 0, false, 2), card("b-early", 1, true, 3), card("a-early", 1, true, 4),
	}})
	open, err := s.OpenCards()
	if err != nil || !slices.Equal(keys(open), []string{"a-early", "b-early", "late"}) {
		t.Errorf("OpenCards = %v, %v; want the open ones, oldest first, then by key", keys(open), err)
	}
	closed := card("late", 5, false, 1)
	apply(t, s, cardstore.Change{Put: []*cardstore.Card{closed}})
	if open, _ := s.OpenCards(); !slices.Equal(keys(open), []string{"a-early", "b-early"}) {
		t.Errorf("OpenCards after closing one = %v", keys(open))
	}
}

func testCardsDelete(t *testing.T, s CardStore) {
	apply(t, s, cardstore.Change{Put: []*cardstore.Card{card("k1", 0, true, 1), card("k2", 1, true, 2)}})
	apply(t, s, cardstore.Change{Delete: []string{"k1", "never-was"}})
	if _, err := s.Card("k1"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Card after Delete = %v, want ErrNotFound", err)
	}
	if _, err := s.CardFor(1); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("CardFor of a deleted card's decision = %v, want ErrNotFound", err)
	}
	if open, _ := s.OpenCards(); !slices.Equal(keys(open), []string{"k2"}) {
		t.Errorf("OpenCards after Delete = %v", keys(open))
	}
	// Delete and Put of the same key in one change: the put wins.
	apply(t, s, cardstore.Change{Delete: []string{"k2"}, Put: []*cardstore.Card{card("k2", 2, false, 2)}})
	if got, err := s.Card("k2"); err != nil || got.Open {
		t.Errorf("Card after delete+put = %+v, %v", got, err)
	}
}

func testCardsOutbox(t *testing.T, s CardStore) {
	msgs := []*cardstore.Outgoing{
		{Prio: cardstore.PrioNotice, Op: cardstore.OpSend, Card: "n1", ChatID: -100, Created: base},
		{Prio: cardstore.PrioReview, Op: cardstore.OpSend, Card: "r1", ChatID: -100, Created: base},
		{Prio: cardstore.PrioInteractive, Op: cardstore.OpText, Text: "<b>готово</b>", ChatID: -100, ReplyTo: 9, Created: base},
	}
	apply(t, s, cardstore.Change{Enqueue: msgs[:2]})
	apply(t, s, cardstore.Change{Enqueue: msgs[2:]})
	var seqs []uint64
	for _, m := range msgs {
		seqs = append(seqs, m.Seq)
	}
	if !increasing(seqs) || seqs[0] == 0 {
		t.Fatalf("Seq assigned %v, want increasing from 1 up", seqs)
	}
	out, err := s.Outbox()
	if err != nil || len(out) != 3 {
		t.Fatalf("Outbox = %v, %v", out, err)
	}
	if out[0].Seq != seqs[2] || out[1].Seq != seqs[1] || out[2].Seq != seqs[0] {
		t.Errorf("Outbox order %d %d %d, want by priority then sequence", out[0].Seq, out[1].Seq, out[2].Seq)
	}
	if o := out[0]; o.Text != "<b>готово</b>" || o.ReplyTo != 9 || o.Op != cardstore.OpText || !o.Created.Equal(base) {
		t.Errorf("entry = %+v", o)
	}
	apply(t, s, cardstore.Change{Done: []uint64{seqs[2], seqs[0]}})
	if out, _ := s.Outbox(); len(out) != 1 || out[0].Seq != seqs[1] {
		t.Errorf("Outbox after Done = %v", out)
	}
}

func testCardsOffsetDigest(t *testing.T, s CardStore) {
	if off, err := s.Offset(); err != nil || off != 0 {
		t.Errorf("Offset of a new store = %d, %v", off, err)
	}
	apply(t, s, cardstore.Change{Offset: 1001, DigestAdd: []uint64{7, 3, 5}})
	apply(t, s, cardstore.Change{DigestDel: []uint64{5}, Put: []*cardstore.Card{card("k", 0, false, 1)}}) // Offset 0: unchanged
	if off, _ := s.Offset(); off != 1001 {
		t.Errorf("Offset = %d, want 1001", off)
	}
	if d, err := s.Digest(); err != nil || !slices.Equal(d, []uint64{3, 7}) {
		t.Errorf("Digest = %v, %v; want [3 7] by ID", d, err)
	}
}

func testCardsAtomic(t *testing.T, s CardStore) {
	apply(t, s, cardstore.Change{Offset: 10})
	o := &cardstore.Outgoing{Prio: cardstore.PrioReview, Op: cardstore.OpSend, Card: "k", ChatID: -1, Created: base}
	err := s.Apply(cardstore.Change{
		Put:       []*cardstore.Card{card("k", 0, true, 1), {Kind: cardstore.KindReview}}, // the second has no key
		Enqueue:   []*cardstore.Outgoing{o},
		Offset:    20,
		DigestAdd: []uint64{1},
	})
	if err == nil {
		t.Fatal("Apply accepted a card without a key")
	}
	if _, err := s.Card("k"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("a failed Apply stored a card: %v", err)
	}
	if out, _ := s.Outbox(); len(out) != 0 {
		t.Errorf("a failed Apply queued %d messages", len(out))
	}
	if off, _ := s.Offset(); off != 10 {
		t.Errorf("a failed Apply moved the offset to %d", off)
	}
	if d, _ := s.Digest(); len(d) != 0 {
		t.Errorf("a failed Apply changed the digest: %v", d)
	}
	if o.Seq != 0 {
		t.Errorf("a failed Apply left Seq %d on an entry", o.Seq)
	}
}

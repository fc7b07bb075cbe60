package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/store"
)

// A closed review card outlives nothing it shows: once its decisions are
// pruned it goes too, in Telegram's buckets and in another channel's.
func TestDB_PruneReviewCards_GoWithTheirDecisions(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	db := openAt(t, now, 0)
	c := moderation.Comment{Network: "vk", Account: "a", Kind: moderation.KindWallComment, ID: "vk:a:1", Author: moderation.Author{ID: "7"},
		Text: "текст", Created: now}
	out, err := db.Commit("a", []*moderation.Decision{{Comment: c, Version: 1, Verdict: moderation.Delete, DecidedBy: moderation.ByAuto, DecidedAt: now}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kept := out[0].ID
	const gone = 999_999 // a decision already pruned
	old, cut := now.Add(-400*day), now.Add(-365*day)
	cards := func(prefix string) []*cardstore.Card {
		return []*cardstore.Card{
			{Key: prefix + "gone", Kind: cardstore.KindReview, Decisions: []uint64{gone}, MessageID: 1, Created: old},
			{Key: prefix + "kept-decision", Kind: cardstore.KindNotice, Decisions: []uint64{kept}, MessageID: 2, Created: old},
			{Key: prefix + "mixed", Kind: cardstore.KindDigest, Decisions: []uint64{gone + 4, kept}, MessageID: 3, Created: old},
			{Key: prefix + "open", Kind: cardstore.KindReview, Decisions: []uint64{gone + 1}, MessageID: 4, Created: old, Open: true},
			{Key: prefix + "queued", Kind: cardstore.KindReview, Decisions: []uint64{gone + 2}, MessageID: 5, Created: old},
			{Key: prefix + "recent", Kind: cardstore.KindReview, Decisions: []uint64{gone + 3}, MessageID: 6, Created: now.Add(-time.Hour)},
		}
	}
	mx, err := db.ReviewCards("max")
	if err != nil {
		t.Fatal(err)
	}
	stores := map[string]cardstore.Store{"tg-": db, "max-": mx}
	for prefix, st := range stores {
		ch := cardstore.Change{Put: cards(prefix), Enqueue: []*cardstore.Outgoing{{Op: cardstore.OpEdit, Card: prefix + "queued", Created: now}}}
		if err := st.Apply(ch); err != nil {
			t.Fatal(err)
		}
	}

	n, err := db.PruneReviewCards(cut)
	if err != nil || n != 2 {
		t.Fatalf("PruneReviewCards = %d, %v; want 2 (one card per channel)", n, err)
	}
	for prefix, st := range stores {
		if _, err := st.Card(prefix + "gone"); !errors.Is(err, moderation.ErrNotFound) {
			t.Errorf("%sgone after prune: %v, want ErrNotFound", prefix, err)
		}
		if _, err := st.CardFor(gone); !errors.Is(err, moderation.ErrNotFound) {
			t.Errorf("%s: CardFor(pruned decision): %v, want ErrNotFound", prefix, err)
		}
		for _, k := range []string{"kept-decision", "mixed", "open", "queued", "recent"} {
			if _, err := st.Card(prefix + k); err != nil {
				t.Errorf("%s%s pruned: %v", prefix, k, err)
			}
		}
		if c, err := st.CardFor(kept); err != nil || c.Key != prefix+"mixed" {
			t.Errorf("%s: CardFor(kept decision) = %v, %v; want its latest card", prefix, c, err)
		}
	}
	if n, err := db.PruneReviewCards(cut); err != nil || n != 0 {
		t.Errorf("second PruneReviewCards = %d, %v; want 0", n, err)
	}
}

// Maintain prunes a card in the round that prunes its decision.
func TestDB_Maintain_PrunesCardsWithTheirDecisions(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := now
	db, err := store.Open(t.TempDir()+"/s.db", &store.Options{NoSync: true, Retention: 30 * day, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := moderation.Comment{Network: "vk", Account: "a", Kind: moderation.KindWallComment, ID: "vk:a:1", Author: moderation.Author{ID: "7"},
		Text: "текст", Created: now}
	out, err := db.Commit("a", []*moderation.Decision{{Comment: c, Version: 1, Verdict: moderation.Allow, DecidedBy: moderation.ByAuto, DecidedAt: now}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	card := &cardstore.Card{Key: "k1", Kind: cardstore.KindNotice, Decisions: []uint64{out[0].ID}, MessageID: 1, Created: now}
	if err := db.Apply(cardstore.Change{Put: []*cardstore.Card{card}}); err != nil {
		t.Fatal(err)
	}
	clock = now.Add(29 * day)
	if m, err := db.Maintain(); err != nil || m.Decisions != 0 || m.ReviewCards != 0 {
		t.Fatalf("Maintain within the retention = %+v, %v; want nothing pruned", m, err)
	}
	clock = now.Add(31 * day)
	if m, err := db.Maintain(); err != nil || m.Decisions != 1 || m.ReviewCards != 1 {
		t.Fatalf("Maintain past the retention = %+v, %v; want the decision and its card", m, err)
	}
	if _, err := db.Card("k1"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("card after Maintain: %v, want ErrNotFound", err)
	}
}

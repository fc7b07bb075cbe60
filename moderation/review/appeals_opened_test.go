package review_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/store"
)

// countingCards counts the card writes.
type countingCards struct {
	cardstore.AppealCards
	puts atomic.Int32
}

func (c *countingCards) PutAppealCard(x *cardstore.AppealCard) error {
	c.puts.Add(1)
	return c.AppealCards.PutAppealCard(x)
}

// The pipeline announces every open appeal at each start: an appeal whose
// card exists is not written again (one fsync per open appeal per start),
// and its card is left as it was; a new one gets its card.
func TestAppealDesk_AppealOpened_KnownCardNotRewritten(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	cards := &countingCards{AppealCards: db}
	desk, err := review.NewAppealDesk(appealsChat, &fakeAppeals{}, cards)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a := &moderation.Appeal{DecisionID: 7}
	if err := desk.AppealOpened(ctx, a); err != nil {
		t.Fatal(err)
	}
	if n := cards.puts.Load(); n != 1 {
		t.Fatalf("a new appeal: %d card writes, want 1", n)
	}
	before, err := db.AppealCard(7)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // three restarts
		if err := desk.AppealOpened(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if n := cards.puts.Load(); n != 1 {
		t.Errorf("an appeal with its card, announced again: %d card writes, want 1", n)
	}
	after, err := db.AppealCard(7)
	if err != nil {
		t.Fatal(err)
	}
	if after.Rev != before.Rev || after.Msg != before.Msg {
		t.Errorf("card changed: %+v -> %+v", before, after)
	}
}

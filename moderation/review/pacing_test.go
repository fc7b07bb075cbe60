package review_test

import (
	"testing"
	"time"

	"github.com/strazh/strazh/moderation/review/cardstore"
)

// The chat limit is spent on messages only: outbox entries that make no
// Bot API call (an edit of a card that is gone, a card already sent) used
// to take a slot each, so after a few of them a new card waited a whole
// window for nothing.
func TestTelegram_Pacing_NoSlotWithoutACall(t *testing.T) {
	e := newEnv(t, nil)
	e.tm.PerMinute, e.tm.Window = 2, time.Hour // one message every 30 minutes after the first
	var stale []*cardstore.Outgoing
	for range 5 {
		stale = append(stale, &cardstore.Outgoing{Prio: cardstore.PrioInteractive, Op: cardstore.OpEdit,
			Card: "GONEGONEGO", ChatID: chatID, Created: time.Now()})
	}
	if err := e.store.Apply(cardstore.Change{Enqueue: stale}); err != nil {
		t.Fatal(err)
	}
	e.start()
	e.submit(e.mod.review("после пустых записей"))
	e.card("#1")
	if err := e.tg.Wait(e.ctx(), func() bool { items, _ := e.store.Outbox(); return len(items) == 0 }); err != nil {
		items, _ := e.store.Outbox()
		t.Fatalf("%d outbox entries left", len(items))
	}
}

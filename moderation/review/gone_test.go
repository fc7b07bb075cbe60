package review_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// A comment a human deleted in VK while its review was pending: Gone edits
// the card at once (the tick is an hour away) to say so, without buttons.
func TestTelegram_Gone_ClosesCard(t *testing.T) {
	tests := []struct {
		lang string
		want string
	}{
		{review.LangRU, "Удалён в ВКонтакте"},
		{review.LangEN, "Deleted on VK"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			e := newEnv(t, func(c *review.Config) { c.Language = tt.lang })
			e.tm.Tick = time.Hour // only Gone may edit the card
			e.start()
			d := e.mod.review("спорный комментарий")
			e.submit(d)
			m := e.card("#1")
			if len(m.Buttons()) == 0 {
				t.Fatalf("pending card without buttons: %q", m.Text)
			}
			e.mod.edit(d.ID, func(x *moderation.Decision) {
				x.Review.Status, x.Review.Verdict = moderation.ReviewDecided, moderation.Delete
				x.Review.By, x.Review.ByName, x.Review.At = moderation.ByNetwork, "vk:102", time.Now()
			})
			if err := e.rv.Gone(context.Background(), e.mod.get(d.ID)); err != nil {
				t.Fatal(err)
			}
			got := e.waitMsg(m.ID, "closed as deleted on VK", func(m telegramtest.Message) bool {
				return strings.Contains(m.Text, tt.want) && len(m.Buttons()) == 0
			})
			if !strings.Contains(got.Text, "vk:102") {
				t.Errorf("who deleted is not on the card: %q", got.Text)
			}
		})
	}
}

func TestTelegram_Gone_NoCard(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	d := e.mod.review("без карточки")
	if err := e.rv.Gone(context.Background(), d); err != nil {
		t.Fatalf("a decision without a card: %v", err)
	}
}

// A tap on the card of a text its author has since edited (the pipeline
// closed the review as moderation.ByEdit before the card was edited): the
// tap is refused saying why, nothing is done, and the card says the
// comment was edited, without buttons.
func TestTelegram_Tap_EditedByAuthor(t *testing.T) {
	e := newEnv(t, nil)
	e.tm.Tick = time.Hour // the card stays as sent until the tap
	e.start()
	d := e.mod.review("старый текст")
	e.submit(d)
	m := e.card("#1")
	e.mod.edit(d.ID, func(x *moderation.Decision) {
		x.Review.Status, x.Review.Verdict = moderation.ReviewDecided, moderation.Allow
		x.Review.By, x.Review.At = moderation.ByEdit, time.Now()
	})
	a := e.press(m, "Удалить", maria)
	if !strings.Contains(a.Text, "Автор изменил комментарий") {
		t.Errorf("answer %q, want it to say the author edited the comment", a.Text)
	}
	e.waitMsg(m.ID, "card closed as edited", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Изменён автором") && len(m.Buttons()) == 0
	})
	if got := e.mod.get(d.ID); len(got.Actions) != 0 || got.Review.By != moderation.ByEdit {
		t.Errorf("the edited version was acted on: %+v, %+v", got.Review, got.Actions)
	}
}

package review_test

import (
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// The citizen edits an appealed comment on VK: the «Обращение» card is
// edited to the new text (no second card), so the moderator answers what
// the comment says now.
func TestAppealDesk_CommentEdited_CardShowsNewText(t *testing.T) {
	e := newAppealEnv(t, nil)
	post := e.vk.AddPost("Ремонт дорог")
	cid := e.vk.AddComment(post, 501, "Когда заделают яму? [обращение:roads]")
	card := e.appealCard("Обращение")
	e.saved(0)
	if err := e.vk.EditComment(cid, "Когда заделают яму у дома 12 на Садовой? [обращение:roads]"); err != nil {
		t.Fatal(err)
	}
	e.waitAppealMsg(card.ID, "the new text on the card", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "у дома 12 на Садовой")
	})
	if got, _ := e.tg.Message(appealsChat, card.ID); !strings.Contains(got.Text, "Текст (изменён автором ") || strings.Contains(got.Text, "Когда заделают яму? ") {
		t.Errorf("the edited card does not say it was edited, or keeps the old text:\n%s", got.Text)
	}
	n := 0
	for _, m := range e.tg.BotMessages(appealsChat) {
		if strings.Contains(m.Text, "Обращение") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d appeal cards in the chat, want 1", n)
	}
	if b := e.waitAppealMsg(card.ID, "buttons", func(telegramtest.Message) bool { return true }).Buttons(); len(b) != 2 || b[0] != "Ответить" {
		t.Errorf("the edited card lost its buttons: %q", b)
	}
}

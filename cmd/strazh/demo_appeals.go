package main

import (
	"context"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// demoAnswer is what the demo's press secretary answers an appeal with.
const demoAnswer = "Спасибо за обращение! Передали в профильный отдел, ответим о сроках в ближайшие дни."

// answerAppealsInDemo plays the press secretary on «Обращение» cards: it
// taps «Ответить» and writes the answer in reply to the prompt, which
// strazh posts on the network as the page (where the network allows; a
// card without the button is answered by hand). Cards come once the
// appeals rule pack tags a comment.
func answerAppealsInDemo(ctx context.Context, tg *telegramtest.Server, view *demoView) {
	user := telegramtest.User{ID: demoModeratorID, FirstName: "Мария", LastName: "Пресс-секретарь"}
	tapped := map[int64]bool{}
	answered := map[int64]bool{}
	reply := view.button("Ответить") // Reply on an English card
	for ctx.Err() == nil {
		for _, m := range tg.BotMessages(demoChatID) {
			switch {
			case hasButton(m, reply) && !tapped[m.ID]:
				tapped[m.ID] = true
				time.Sleep(700 * time.Millisecond) // a human takes a moment
				if err := tg.Press(demoChatID, m.ID, reply, user); err != nil {
					view.note(view.tx.noTap, reply, err)
					continue
				}
				view.note(view.tx.pressed, reply)
			case strings.HasPrefix(m.Text, "✍️") && !answered[m.ID]:
				answered[m.ID] = true
				time.Sleep(time.Second) // typing
				tg.SendReply(demoChatID, user, m.ID, demoAnswer)
			}
		}
		wait, cancel := context.WithTimeout(ctx, time.Second)
		select {
		case <-tg.Changed():
		case <-wait.Done():
		}
		cancel()
	}
}

package review_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

func TestTelegram_Card_HugeFits(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	d := e.mod.review(strings.Repeat("длинный & текст ", 400))
	e.mod.mu.Lock()
	dd := e.mod.ds[d.ID]
	dd.Comment.Author.Name = strings.Repeat("Имя", 100)
	dd.Comment.Links = []string{strings.Repeat("https://spam.example/", 30)}
	for i := range 12 {
		dd.Matches = append(dd.Matches, moderation.Match{Rule: "rule." + strings.Repeat("x", 30) + string(rune('a'+i)),
			Reason: strings.Repeat("причина ", 40), Matched: strings.Repeat("совпадение ", 20)})
	}
	e.mod.mu.Unlock()
	e.submit(d)
	m := e.card("#1")
	if n := utf8.RuneCountInString(m.Text); n > 4096 {
		t.Fatalf("card of %d characters", n)
	}
	if !strings.Contains(m.Text, "Текст обрезан") || !strings.Contains(m.Text, strings.Repeat("длинный & текст ", 62)) {
		t.Fatalf("card does not show 1,000 characters of the text: %s", m.Text)
	}
	// Decided with failing actions, the card still fits and offers a retry.
	e.mod.fail(moderation.ActBan, strings.Repeat("network says no ", 30))
	e.press(m, "Удалить и забанить", maria)
	e.waitMsg(m.ID, "durations", func(m telegramtest.Message) bool { return len(m.Buttons()) == 5 })
	a := e.press(m, "Навсегда", maria)
	if !a.ShowAlert || !strings.Contains(a.Text, "network says no") || utf8.RuneCountInString(a.Text) > 200 {
		t.Fatalf("answer %q", a.Text)
	}
	m = e.waitMsg(m.ID, "retry offered", func(m telegramtest.Message) bool { return strings.Join(m.Buttons(), "|") == "Повторить" })
	if !strings.Contains(m.Text, "удалить и забанить навсегда") || !strings.Contains(m.Text, "бан — ошибка: network says no") {
		t.Fatalf("card %s", m.Text)
	}
	e.mod.fail(moderation.ActBan, "")
	e.press(m, "Повторить", oleg)
	e.waitMsg(m.ID, "retried", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "бан — выполнено") && len(m.Keyboard) == 0
	})
}

func TestTelegram_Card_English(t *testing.T) {
	e := newEnv(t, func(c *review.Config) { c.Language = review.LangEN })
	e.start()
	e.submit(e.mod.review("hello"))
	m := e.card("Decision needed")
	if strings.Join(m.Buttons(), "|") != "Keep|Delete|Delete and ban" || !strings.Contains(m.Text, "VK · admin-vk") {
		t.Fatalf("card %q %q", m.Text, m.Buttons())
	}
	e.press(m, "Delete and ban", maria)
	m = e.waitMsg(m.ID, "durations", func(m telegramtest.Message) bool { return len(m.Buttons()) == 5 })
	e.press(m, "1 month", maria)
	e.waitMsg(m.ID, "decided", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "delete and ban for 1 month — Мария Иванова")
	})
	if c := e.mod.calls(); c[0].BanFor != 30*24*60*60*1e9 {
		t.Fatalf("ban for %s", c[0].BanFor)
	}
}

func TestTelegram_Tap_StaleCard(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	// A message with a button whose key strazh does not know (a card from
	// a wiped state directory).
	b, err := bot.New(e.tg.Token(), bot.WithServerURL(e.tg.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chatID, Text: "old",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Удалить", CallbackData: "ZZZZZZZZZZ.0.d"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.tg.Client().CloseIdleConnections()
	msg, _ := e.tg.Message(chatID, int64(m.ID))
	if a := e.press(msg, "Удалить", maria); a.Text != "Карточка устарела" {
		t.Fatalf("answer %q", a.Text)
	}
	if len(e.mod.calls()) != 0 {
		t.Fatal("acted on an unknown card")
	}
}

// Defect 9: a tap on a strazh button in another chat (a forwarded card, a
// second group the bot is in) was never answered, so the tapper's spinner
// kept running; now it is answered and nothing else happens.
func TestTelegram_Tap_OtherChatAnswered(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	const other = -100999
	b, err := bot.New(e.tg.Token(), bot.WithServerURL(e.tg.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	e.submit(e.mod.review("в чате модерации"))
	card := e.card("#1")
	m, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: other, Text: "переслано",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Удалить",
			CallbackData: card.Keyboard[0][1].Data}}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.tg.Client().CloseIdleConnections()
	qid, err := e.tg.PressQuery(other, int64(m.ID), "Удалить", maria)
	if err != nil {
		t.Fatal(err)
	}
	if a := e.answer(qid); a.Text != "Эта кнопка работает только в чате модерации" || a.ShowAlert {
		t.Fatalf("answer %+v", a)
	}
	if len(e.mod.calls()) != 0 {
		t.Fatal("a tap from another chat acted")
	}
	if n := len(e.tg.BotMessages(other)); n != 1 {
		t.Fatalf("%d bot messages in the other chat, want only the test's own", n)
	}
}

// A «Восстановить» of a decision that deleted and banned nothing (a
// stale or forged button) is answered in words, not as a failure with
// the pipeline's English error.
func TestTelegram_Tap_NothingToRestore(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	e.submit(e.mod.review("ещё не решено"))
	card := e.card("#1")
	data := card.Keyboard[0][1].Data
	data = data[:strings.LastIndexByte(data, '.')+1] + "u"
	b, err := bot.New(e.tg.Token(), bot.WithServerURL(e.tg.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chatID, Text: "старая карточка",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Восстановить", CallbackData: data}}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.tg.Client().CloseIdleConnections()
	qid, err := e.tg.PressQuery(chatID, int64(m.ID), "Восстановить", maria)
	if err != nil {
		t.Fatal(err)
	}
	if a := e.answer(qid); a.Text != "Восстанавливать нечего: комментарий не удаляли, автора не банили" {
		t.Fatalf("answer %+v", a)
	}
}

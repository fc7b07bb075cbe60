package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// sendCard has the bot post a card with these buttons in the demo's chat.
func sendCard(t *testing.T, tg *telegramtest.Server, text string, buttons ...string) {
	t.Helper()
	row := []map[string]string{}
	for i, b := range buttons {
		row = append(row, map[string]string{"text": b, "callback_data": "x." + strconv.Itoa(i)})
	}
	kb, _ := json.Marshal(map[string]any{"inline_keyboard": [][]map[string]string{row}})
	resp, err := tg.Client().PostForm(tg.URL()+"/bot"+tg.Token()+"/sendMessage", url.Values{
		"chat_id": {strconv.FormatInt(demoChatID, 10)}, "text": {text}, "reply_markup": {string(kb)}})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sendMessage: %s", resp.Status)
	}
}

// In English the review chat's buttons are English (Keep, Delete, Reply):
// the demo's simulated moderator and press secretary press those, or
// `strazh demo -language en` leaves every review and appeal waiting.
func TestDemo_EnglishChat_ButtonsPressed(t *testing.T) {
	for _, lang := range []string{"ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			keep, del, reply := "Оставить", "Удалить", "Ответить"
			if lang == "en" {
				keep, del, reply = "Keep", "Delete", "Reply"
			}
			tg := telegramtest.New("")
			defer tg.Close()
			view := newDemoView(io.Discard, lang)
			script := []demoLine{{text: "Купите наши окна со скидкой", tap: "Удалить"}}
			sendCard(t, tg, "Комментарий: Купите наши окна со скидкой", keep, del)
			sendCard(t, tg, "Обращение #1: Когда починят свет?", reply)

			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			wg.Add(2)
			go func() { defer wg.Done(); moderateInDemo(ctx, tg, script, view, nil) }()
			go func() { defer wg.Done(); answerAppealsInDemo(ctx, tg, view) }()
			wait, stop := context.WithTimeout(ctx, 20*time.Second)
			err := tg.Wait(wait, func() bool { return tg.PendingUpdates() == 2 })
			stop()
			cancel()
			wg.Wait()
			if err != nil {
				t.Fatalf("%d of the 2 cards pressed (want %q on the review card, %q on the appeal)", tg.PendingUpdates(), del, reply)
			}
		})
	}
}

package telegramtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"go.uber.org/goleak"

	"github.com/strazh/strazh/moderation/review/telegramtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const chat = -1002000

func newBot(t *testing.T, s *telegramtest.Server) *bot.Bot {
	t.Helper()
	b, err := bot.New(s.Token(), bot.WithServerURL(s.URL()), bot.WithSkipGetMe(),
		bot.WithHTTPClient(time.Second, s.Client()), bot.WithErrorsHandler(func(error) {}))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type updatesResp struct {
	OK     bool             `json:"ok"`
	Result []*models.Update `json:"result"`
	Code   int              `json:"error_code"`
	Desc   string           `json:"description"`
}

func getUpdates(t *testing.T, s *telegramtest.Server, form url.Values) updatesResp {
	t.Helper()
	resp, err := s.Client().PostForm(s.URL()+"/bot"+s.Token()+"/getUpdates", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r updatesResp
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return r
}

func TestServer_SendPressAnswer(t *testing.T) {
	s := telegramtest.New("")
	defer s.Close()
	b := newBot(t, s)
	ctx := context.Background()
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "<b>Карточка</b> &lt;x&gt;", ParseMode: models.ParseModeHTML,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "Удалить", CallbackData: "k.0.d"}, {Text: "Удалить и забанить", CallbackData: "k.0.b"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Message(chat, int64(m.ID))
	if got.Text != "Карточка <x>" || len(got.Keyboard) != 1 {
		t.Fatalf("kept %+v", got)
	}
	user := telegramtest.User{ID: 77, FirstName: "M"}
	if err := s.Press(chat, int64(m.ID), "забанить", user); err != nil {
		t.Fatal(err)
	}
	qid, err := s.PressQuery(chat, int64(m.ID), "Удалить", user) // exact match wins
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Press(chat, int64(m.ID), "Оставить", user); err == nil {
		t.Fatal("pressed a missing button")
	}
	r := getUpdates(t, s, url.Values{"timeout": {"1"}})
	if len(r.Result) != 2 {
		t.Fatalf("updates %+v", r)
	}
	q := r.Result[1].CallbackQuery
	if q == nil || q.ID != qid || q.Data != "k.0.d" || q.From.ID != 77 || q.Message.Message == nil || q.Message.Message.Chat.ID != chat {
		t.Fatalf("callback %+v", q)
	}
	if r.Result[0].CallbackQuery.Data != "k.0.b" {
		t.Fatalf("substring press: %+v", r.Result[0].CallbackQuery)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: qid, Text: "ok"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: qid}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("second answer: %v", err)
	}
	if a := s.Answers(); len(a) != 1 || a[0].User.ID != 77 || a[0].Text != "ok" || a[0].Data != "k.0.d" {
		t.Fatalf("answers %+v", a)
	}

	// Edits: text and keyboard, then the same again.
	edit := &bot.EditMessageTextParams{ChatID: chat, MessageID: m.ID, Text: "решено", ParseMode: models.ParseModeHTML}
	if _, err := b.EditMessageText(ctx, edit); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Message(chat, int64(m.ID))
	if got.Text != "решено" || len(got.Keyboard) != 0 || got.Edits != 1 {
		t.Fatalf("edited %+v", got)
	}
	if _, err := b.EditMessageText(ctx, edit); err == nil || !strings.Contains(err.Error(), "message is not modified") {
		t.Fatalf("same edit: %v", err)
	}
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chat, MessageID: 999, Text: "x"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("edit of a missing message: %v", err)
	}
}

func TestServer_Rejects(t *testing.T) {
	s := telegramtest.New("")
	defer s.Close()
	b := newBot(t, s)
	ctx := context.Background()
	for _, text := range []string{"a < b", "a & b", "<b>open", "<script>x</script>", "<b>x</i>", strings.Repeat("я", 4097)} {
		if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: text, ParseMode: models.ParseModeHTML}); !errors.Is(err, bot.ErrorBadRequest) {
			t.Errorf("%.20q accepted: %v", text, err)
		}
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "a < b"}); err != nil {
		t.Errorf("plain text: %v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "x", ReplyMarkup: &models.InlineKeyboardMarkup{
		InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "x", CallbackData: strings.Repeat("d", 65)}}}}}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("65-byte callback_data: %v", err)
	}
	bad, _ := bot.New("1:wrong", bot.WithServerURL(s.URL()), bot.WithSkipGetMe(), bot.WithHTTPClient(time.Second, s.Client()))
	if _, err := bad.GetMe(ctx); !errors.Is(err, bot.ErrorUnauthorized) {
		t.Errorf("wrong token: %v", err)
	}
}

// TestServer_Rejects_LikeTelegram: what real Telegram refuses with a 400,
// the fake refuses too, so a card that passes the fake passes Telegram.
func TestServer_Rejects_LikeTelegram(t *testing.T) {
	emoji := "\U0001F600" // two UTF-16 units
	for _, tc := range []struct {
		name, text, mode string
		ok               bool
	}{
		{"entity cut", "a &am", "HTML", false},
		{"entity without semicolon", "a &amp b", "HTML", false},
		{"unknown entity", "&nbsp;", "HTML", false},
		{"invalid UTF-8", "a \xd0 b", "", false},
		{"invalid UTF-8 in HTML", "<b>\xff</b>", "HTML", false},
		{"only tags", "<b> </b>", "HTML", false},
		{"4096 UTF-16 units", strings.Repeat(emoji, 2048), "", true},
		{"4097 UTF-16 units", strings.Repeat(emoji, 2048) + "я", "", false},
		{"4096 units after tags", "<b>" + strings.Repeat("&amp;", 4096) + "</b>", "HTML", true},
		{"emoji over the limit in HTML", "<i>" + strings.Repeat(emoji, 2049) + "</i>", "HTML", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := telegramtest.CheckText(tc.text, tc.mode)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckText: %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "Bad Request: ") {
				t.Fatalf("description %q", err)
			}
		})
	}
}

func TestServer_FailuresAndOutage(t *testing.T) {
	s := telegramtest.New("")
	defer s.Close()
	b := newBot(t, s)
	ctx := context.Background()
	s.RateLimit("sendMessage", 1, 7)
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "x"})
	var tm *bot.TooManyRequestsError
	if !errors.As(err, &tm) || tm.RetryAfter != 7 {
		t.Fatalf("429: %v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "x"}); err != nil {
		t.Fatalf("after 429: %v", err)
	}
	s.FailNext("", 1, 403, "Forbidden: bot was kicked from the supergroup chat", 0)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "x"}); !errors.Is(err, bot.ErrorForbidden) {
		t.Fatalf("403: %v", err)
	}
	s.LimitChat(2, time.Hour)
	b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "1"})
	b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "2"})
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "3"}); !errors.As(err, &tm) {
		t.Fatalf("chat limit: %v", err)
	}
	s.LimitChat(0, 0)

	s.Down()
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "x"}); err == nil {
		t.Fatal("sent while down")
	}
	s.Up()
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "x"}); err != nil {
		t.Fatalf("after up: %v", err)
	}
	if n := s.Calls("sendMessage", http.StatusTooManyRequests); n != 2 {
		t.Fatalf("429 calls = %d", n)
	}
}

func TestServer_GetUpdates_Offset(t *testing.T) {
	s := telegramtest.New("")
	defer s.Close()
	u := telegramtest.User{ID: 5, FirstName: "A"}
	s.SendCommand(chat, u, "/pending")
	s.SendCommand(chat, u, "/stats")
	r := getUpdates(t, s, url.Values{"timeout": {"1"}, "limit": {"1"}})
	if len(r.Result) != 1 || r.Result[0].Message.Text != "/pending" {
		t.Fatalf("limit 1: %+v", r)
	}
	first := r.Result[0].ID
	// Not confirmed yet: delivered again.
	if r := getUpdates(t, s, url.Values{"timeout": {"1"}}); len(r.Result) != 2 || r.Result[0].ID != first {
		t.Fatalf("redelivery: %+v", r)
	}
	// offset confirms the first.
	r = getUpdates(t, s, url.Values{"timeout": {"1"}, "offset": {itoa(first + 1)}})
	if len(r.Result) != 1 || r.Result[0].Message.Text != "/stats" || s.PendingUpdates() != 1 {
		t.Fatalf("after offset: %+v", r)
	}
	// Long poll: an empty answer only after the timeout; an update wakes it.
	start := time.Now()
	r = getUpdates(t, s, url.Values{"timeout": {"1"}, "offset": {itoa(r.Result[0].ID + 1)}})
	if len(r.Result) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Fatalf("empty long poll answered after %s: %+v", time.Since(start), r)
	}
	go func() {
		// Push once the poll waits, so it is the update that wakes it.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Wait(ctx, func() bool { return s.Polling() > 0 })
		s.SendCommand(chat, u, "/help")
	}()
	r = getUpdates(t, s, url.Values{"timeout": {"30"}})
	if len(r.Result) != 1 || r.Result[0].Message.Text != "/help" || r.Result[0].Message.Date == 0 {
		t.Fatalf("woken poll: %+v", r)
	}
}

func TestServer_GetUpdates_Outage(t *testing.T) {
	s := telegramtest.New("")
	defer s.Close()
	done := make(chan error, 1)
	go func() {
		_, err := s.Client().PostForm(s.URL()+"/bot"+s.Token()+"/getUpdates", url.Values{"timeout": {"30"}})
		done <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Wait(ctx, func() bool { return s.Polling() > 0 }); err != nil {
		t.Fatal("the long poll never started")
	}
	s.Down()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("long poll answered while down")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("long poll not ended by the outage")
	}
	s.Up()
}

func TestServer_JSONAndCommands(t *testing.T) {
	s := telegramtest.New("")
	defer s.Close()
	body := `{"chat_id": -1002000, "text": "hi", "reply_markup": {"inline_keyboard": [[{"text": "Восстановить", "callback_data": "a.0.u"}]]}}`
	resp, err := s.Client().Post(s.URL()+"/bot"+s.Token()+"/sendMessage", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ms := s.BotMessages(chat); len(ms) != 1 || ms[0].Buttons()[0] != "Восстановить" {
		t.Fatalf("JSON request: %+v", ms)
	}
	b := newBot(t, s)
	if _, err := b.SetMyCommands(context.Background(), &bot.SetMyCommandsParams{
		Commands: []models.BotCommand{{Command: "help", Description: "справка"}},
		Scope:    &models.BotCommandScopeChat{ChatID: chat}}); err != nil {
		t.Fatal(err)
	}
	all := s.AllCommands()
	if len(all) != 1 {
		t.Fatalf("commands %+v", all)
	}
	for scope, cmds := range all {
		if !strings.Contains(scope, "-1002000") || cmds[0].Command != "help" {
			t.Fatalf("scope %s: %+v", scope, cmds)
		}
	}
}

func TestServer_Watch(t *testing.T) {
	s := telegramtest.New("")
	defer s.Close()
	b := newBot(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan string, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Watch(ctx, chat, func(m telegramtest.Message, edited bool) {
			events <- m.Text + map[bool]string{true: " (edited)", false: ""}[edited]
		})
	}()
	m, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "a"})
	if e := <-events; e != "a" {
		t.Fatal(e)
	}
	b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: chat, MessageID: m.ID, Text: "b"})
	if e := <-events; e != "b (edited)" {
		t.Fatal(e)
	}
	cancel()
	<-done
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

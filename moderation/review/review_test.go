package review_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const chatID = -1002000

var (
	maria = telegramtest.User{ID: 77, FirstName: "Мария", LastName: "Иванова"}
	oleg  = telegramtest.User{ID: 78, FirstName: "Олег"}
	eve   = telegramtest.User{ID: 666, FirstName: "Eve"}
)

// env is a reviewer wired to the Telegram fake and a fake pipeline.
type env struct {
	t   *testing.T
	tg  *telegramtest.Server
	mod *fakeMod
	// moderation, when set, is given to the reviewer instead of mod (a
	// wrapper adding optional interfaces).
	moderation review.Moderation
	store      *cardstore.Mem
	cfg        review.Config
	tm         review.Timing
	rv         *review.Telegram
	reg        *prometheus.Registry // the reviewer's metrics

	cancel context.CancelFunc
	done   chan struct{}
}

func fastTiming() review.Timing {
	return review.Timing{PollTimeout: time.Second, Tick: 20 * time.Millisecond, PerMinute: 1000,
		MinGap: time.Millisecond, Retry: moderation.RetryPolicy{InitialInterval: 10 * time.Millisecond, MaxInterval: 100 * time.Millisecond},
		CallTimeout: 5 * time.Second, ActionTimeout: 5 * time.Second}
}

func newEnv(t *testing.T, edit func(*review.Config)) *env {
	t.Helper()
	tg := telegramtest.New("")
	t.Cleanup(tg.Close)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(tg.Token()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := review.DefaultConfig()
	cfg.APIURL = tg.URL()
	cfg.TokenEnv, cfg.TokenFile = "", tokenFile
	cfg.ChatID = chatID
	cfg.Moderators = []int64{maria.ID, oleg.ID}
	if edit != nil {
		edit(&cfg)
	}
	e := &env{t: t, tg: tg, mod: newFakeMod(), store: cardstore.NewMem(), cfg: cfg, tm: fastTiming()}
	return e
}

// start creates a reviewer on the env's store and runs it until the test ends.
func (e *env) start() {
	e.t.Helper()
	e.reg = prometheus.NewRegistry()
	var mod review.Moderation = e.mod
	if e.moderation != nil {
		mod = e.moderation
	}
	rv, err := review.New(e.cfg, review.Deps{Moderation: mod, Store: e.store, Timing: e.tm, Location: time.UTC,
		Logger: testLogger(e.t), Metrics: e.reg})
	if err != nil {
		e.t.Fatal(err)
	}
	e.rv = rv
	e.runRV()
}

// runRV runs e.rv until stop or the end of the test.
func (e *env) runRV() {
	rv := e.rv
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel, e.done = cancel, make(chan struct{})
	go func() {
		defer close(e.done)
		if err := rv.Run(ctx); err != nil {
			e.t.Errorf("Run: %v", err)
		}
	}()
	e.t.Cleanup(e.stop)
}

// stop ends Run and waits for it.
func (e *env) stop() {
	if e.cancel == nil {
		return
	}
	e.cancel()
	<-e.done
	e.cancel = nil
}

func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

// card waits for the bot message whose text contains s.
func (e *env) card(s string) telegramtest.Message {
	e.t.Helper()
	m, err := e.tg.WaitMessage(e.ctx(), chatID, func(m telegramtest.Message) bool {
		return m.From == nil && strings.Contains(m.Text, s)
	})
	if err != nil {
		e.t.Fatalf("no message containing %q; messages: %v", s, texts(e.tg.BotMessages(chatID)))
	}
	return m
}

// waitMsg waits until message id satisfies cond.
func (e *env) waitMsg(id int64, what string, cond func(telegramtest.Message) bool) telegramtest.Message {
	e.t.Helper()
	var got telegramtest.Message
	err := e.tg.Wait(e.ctx(), func() bool {
		m, ok := e.tg.Message(chatID, id)
		got = m
		return ok && cond(m)
	})
	if err != nil {
		e.t.Fatalf("message %d: %s: last state %q buttons %q", id, what, got.Text, got.Buttons())
	}
	return got
}

// answer waits for the answer to a callback query.
func (e *env) answer(qid string) telegramtest.Answer {
	e.t.Helper()
	var got telegramtest.Answer
	err := e.tg.Wait(e.ctx(), func() bool {
		for _, a := range e.tg.Answers() {
			if a.QueryID == qid {
				got = a
				return true
			}
		}
		return false
	})
	if err != nil {
		e.t.Fatalf("query %s was not answered", qid)
	}
	return got
}

func (e *env) press(m telegramtest.Message, label string, u telegramtest.User) telegramtest.Answer {
	e.t.Helper()
	qid, err := e.tg.PressQuery(chatID, m.ID, label, u)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.answer(qid)
}

func (e *env) submit(d *moderation.Decision) {
	e.t.Helper()
	if err := e.rv.Submit(context.Background(), d); err != nil {
		e.t.Fatal(err)
	}
}

func texts(ms []telegramtest.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

func TestTelegram_Submit_BanFlow(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	d := e.mod.review("Ты дурак <b>&amp; всё</b>")
	e.submit(d)

	m := e.card("#1")
	for _, s := range []string{"Нужно решение", "ВКонтакте", "admin-vk", "Иван Петров", "insult.direct", "Оскорбление", "Ты дурак <b>&amp; всё</b>"} {
		if !strings.Contains(m.Text, s) {
			t.Errorf("card lacks %q:\n%s", s, m.Text)
		}
	}
	if got := strings.Join(m.Buttons(), "|"); got != "Оставить|Удалить|Удалить и забанить" {
		t.Fatalf("buttons = %s", got)
	}
	for _, l := range []string{"https://vk.com/wall-1_2", "https://vk.com/wall-1_2?reply=3", "https://vk.com/id42"} {
		if !strings.Contains(strings.Join(m.Links, " "), l) {
			t.Errorf("card lacks link %s: %v", l, m.Links)
		}
	}

	a := e.press(m, "Удалить и забанить", maria)
	if len(e.mod.calls()) != 0 {
		t.Fatal("the first tap of «Удалить и забанить» must not act")
	}
	if a.Text == "" {
		t.Error("the first tap got an empty answer")
	}
	m = e.waitMsg(m.ID, "ban durations", func(m telegramtest.Message) bool {
		return strings.Contains(strings.Join(m.Buttons(), "|"), "1 неделя")
	})
	if got := strings.Join(m.Buttons(), "|"); got != "1 день|1 неделя|1 месяц|Навсегда|« Назад" {
		t.Fatalf("second step buttons = %s", got)
	}

	a = e.press(m, "1 неделя", maria)
	calls := e.mod.calls()
	if len(calls) != 1 || calls[0].Verdict != moderation.Ban || calls[0].BanFor != week || calls[0].By != "telegram:77" || calls[0].ByName != "Мария Иванова" {
		t.Fatalf("Resolve calls = %+v", calls)
	}
	if !strings.Contains(a.Text, "Готово") {
		t.Errorf("answer = %q", a.Text)
	}
	m = e.waitMsg(m.ID, "outcome", func(m telegramtest.Message) bool { return strings.Contains(m.Text, "Решение") })
	for _, s := range []string{"удалить и забанить на 1 неделю", "Мария Иванова", "удаление — выполнено", "бан — выполнено"} {
		if !strings.Contains(m.Text, s) {
			t.Errorf("decided card lacks %q:\n%s", s, m.Text)
		}
	}
	if len(m.Keyboard) != 0 {
		t.Errorf("decided card keeps buttons %q", m.Buttons())
	}
}

func TestTelegram_Tap_BackAndKeep(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	e.submit(e.mod.review("что-то"))
	m := e.card("#1")
	e.press(m, "Удалить и забанить", maria)
	m = e.waitMsg(m.ID, "durations", func(m telegramtest.Message) bool { return len(m.Buttons()) == 5 })
	e.press(m, "Назад", maria)
	m = e.waitMsg(m.ID, "main buttons", func(m telegramtest.Message) bool { return len(m.Buttons()) == 3 })
	e.press(m, "Оставить", oleg)
	m = e.waitMsg(m.ID, "decided", func(m telegramtest.Message) bool { return strings.Contains(m.Text, "оставить — Олег") })
	if c := e.mod.calls(); len(c) != 1 || c[0].Verdict != moderation.Allow {
		t.Fatalf("calls = %+v", c)
	}
}

func TestTelegram_Tap_Unauthorised(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	e.submit(e.mod.review("текст"))
	m := e.card("#1")
	a := e.press(m, "Удалить", eve)
	if a.Text != "нет прав" || !a.ShowAlert {
		t.Fatalf("answer = %+v", a)
	}
	if len(e.mod.calls()) != 0 {
		t.Fatal("an unauthorised tap acted")
	}
	if got, _ := e.tg.Message(chatID, m.ID); got.Edits != 0 {
		t.Fatal("an unauthorised tap changed the card")
	}
	// A command is refused the same way.
	id := e.tg.SendCommand(chatID, eve, "/pause")
	e.card("нет прав")
	if e.mod.Paused() {
		t.Fatal("a non-moderator paused")
	}
	_ = id
}

func TestTelegram_Tap_Race(t *testing.T) {
	e := newEnv(t, nil)
	e.mod.resolveCh = make(chan struct{})
	e.start()
	e.submit(e.mod.review("спорно"))
	m := e.card("#1")
	var q1, q2 string
	var wg sync.WaitGroup
	wg.Go(func() { q1, _ = e.tg.PressQuery(chatID, m.ID, "Удалить", maria) })
	wg.Go(func() { q2, _ = e.tg.PressQuery(chatID, m.ID, "Оставить", oleg) })
	wg.Wait()
	close(e.mod.resolveCh)
	a1, a2 := e.answer(q1), e.answer(q2)
	calls := e.mod.calls()
	var wins int
	for _, c := range calls {
		if c.Err == nil {
			wins++
		} else if !errors.Is(c.Err, moderation.ErrAlreadyDecided) {
			t.Errorf("unexpected error %v", c.Err)
		}
	}
	if len(calls) != 2 || wins != 1 {
		t.Fatalf("calls = %+v", calls)
	}
	already := 0
	for _, a := range []telegramtest.Answer{a1, a2} {
		if strings.HasPrefix(a.Text, "Уже решено") {
			already++
		}
	}
	if already != 1 {
		t.Fatalf("answers %q, %q: want exactly one «Уже решено»", a1.Text, a2.Text)
	}
	d := e.mod.get(1)
	e.waitMsg(m.ID, "decided", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, d.Review.ByName) && len(m.Keyboard) == 0
	})
	// A late tap on the decided card does not act either.
	if err := e.tg.Press(chatID, m.ID, "Удалить", maria); err == nil {
		t.Fatal("decided card still has buttons")
	}
}

func TestTelegram_Outage_CardsInOrder(t *testing.T) {
	e := newEnv(t, nil)
	e.tg.Down()
	e.start()
	for i := range 5 {
		e.submit(e.mod.review("comment " + string(rune('A'+i))))
	}
	if err := e.rv.Notify(context.Background(), e.mod.auto("спам", moderation.Delete)); err != nil {
		t.Fatal(err)
	}
	// Let the reviewer hit the outage a few times.
	e.tg.Wait(e.ctx(), func() bool { return e.tg.Calls("setMyCommands", 0) >= 2 })
	if n := len(e.tg.BotMessages(chatID)); n != 0 {
		t.Fatalf("%d messages while down", n)
	}
	e.tg.Up()
	e.card("#6")
	ms := e.tg.BotMessages(chatID)
	var order []string
	for _, m := range ms {
		order = append(order, strings.SplitN(m.Text, "\n", 2)[0])
	}
	want := []string{"#1", "#2", "#3", "#4", "#5", "#6"}
	if len(order) != len(want) {
		t.Fatalf("messages = %q", order)
	}
	for i, w := range want {
		if !strings.HasSuffix(order[i], w) && !strings.Contains(order[i], w+":") {
			t.Fatalf("message %d = %q, want %s (review cards first, in order)", i, order[i], w)
		}
	}
	if len(e.tg.AllCommands()) == 0 {
		t.Error("setMyCommands was not called after the outage")
	}
}

func TestTelegram_RateLimit_RetryAfter(t *testing.T) {
	e := newEnv(t, nil)
	e.tg.RateLimit("sendMessage", 1, 1)
	e.start()
	e.submit(e.mod.review("first"))
	e.submit(e.mod.review("second"))
	e.card("#2")
	var first429, firstOK time.Time
	for _, r := range e.tg.Requests() {
		if r.Method != "sendMessage" {
			continue
		}
		if r.Status == 429 && first429.IsZero() {
			first429 = r.At
		}
		if r.Status == 200 && firstOK.IsZero() {
			firstOK = r.At
		}
	}
	if first429.IsZero() || firstOK.Sub(first429) < 900*time.Millisecond {
		t.Fatalf("retry_after not honoured: 429 at %v, next send at %v", first429, firstOK)
	}
	ms := e.tg.BotMessages(chatID)
	if !strings.Contains(ms[0].Text, "#1") || !strings.Contains(ms[1].Text, "#2") {
		t.Fatalf("order after 429: %q", texts(ms))
	}
}

func TestTelegram_Pacing_UnderChatLimit(t *testing.T) {
	e := newEnv(t, func(c *review.Config) { c.NotifyAuto = review.NotifyEach })
	// The fake's window is well inside strazh's pacing window: a request
	// delayed by a loaded machine must not bunch up with the next ones
	// into a false 429 (the margin real deployments have too: 20 a minute
	// paced against Telegram's ~30).
	e.tg.LimitChat(3, 250*time.Millisecond)
	e.tm.PerMinute, e.tm.Window = 3, 500*time.Millisecond
	e.start()
	for range 7 {
		e.submit(e.mod.review("x"))
	}
	e.card("#7")
	if n := e.tg.Calls("sendMessage", 429); n != 0 {
		t.Fatalf("%d messages over the chat limit", n)
	}
}

func TestTelegram_Restart_TapWhileDown(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	e.submit(e.mod.review("первый"))
	m := e.card("#1")
	e.stop()

	// While strazh is down: a new review is submitted (stored only) and a
	// moderator taps the first card.
	e.mod.review("второй") // pending, never submitted: found at start-up
	if _, err := e.tg.PressQuery(chatID, m.ID, "Удалить", maria); err != nil {
		t.Fatal(err)
	}
	e.start()
	m = e.waitMsg(m.ID, "decided after restart", func(m telegramtest.Message) bool { return strings.Contains(m.Text, "удалить — Мария") })
	e.card("#2")
	if c := e.mod.calls(); len(c) != 1 || c[0].Verdict != moderation.Delete {
		t.Fatalf("calls = %+v", c)
	}
	// The offset was saved: another restart does not handle the tap again.
	e.stop()
	e.start()
	e.tg.SendCommand(chatID, maria, "/help")
	e.card("/pending")
	if c := e.mod.calls(); len(c) != 1 {
		t.Fatalf("tap handled again after restart: %+v", c)
	}
	if n := len(e.tg.BotMessages(chatID)); n != 3 {
		t.Fatalf("bot messages = %q", texts(e.tg.BotMessages(chatID)))
	}
}

func TestTelegram_RemindAndTimeout(t *testing.T) {
	e := newEnv(t, func(c *review.Config) {
		c.RemindAfter, c.ReviewTimeout = time.Hour, 3*time.Hour
	})
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	e.mod.now = clock
	rv := func() {
		r, err := review.New(e.cfg, review.Deps{Moderation: e.mod, Store: e.store, Timing: e.tm, Now: clock, Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		e.rv = r
	}
	rv()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.rv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	e.submit(e.mod.review("жду"))
	m := e.card("#1")
	advance(61 * time.Minute)
	r := e.card("Напоминание")
	if r.ReplyTo != m.ID {
		t.Errorf("reminder replies to %d, want the card %d", r.ReplyTo, m.ID)
	}
	advance(30 * time.Minute)
	e.submit(e.mod.review("ещё"))
	c2 := e.card("#2")
	// #2 becomes due while #1 is still pending: the tick that reminds of #2
	// has seen #1 too (and every tick before it had), so #1 is reminded
	// once if this reminder is about #2 alone. An event, not a sleep.
	advance(61 * time.Minute)
	r2 := e.card(". #2")
	if r2.ReplyTo != c2.ID {
		t.Errorf("second reminder replies to %d, want the card %d", r2.ReplyTo, c2.ID)
	}
	if n := strings.Count(strings.Join(texts(e.tg.BotMessages(chatID)), "\n"), "Напоминание"); n != 2 {
		t.Fatalf("%d reminders, want 2 (one per review): %q", n, texts(e.tg.BotMessages(chatID)))
	}
	advance(3 * time.Hour)
	e.waitMsg(m.ID, "timed out", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "по истечении срока")
	})
	var timeouts int
	for _, c := range e.mod.calls() {
		if c.By == moderation.ByTimeout && c.Verdict == moderation.Allow && c.Err == nil {
			timeouts++
		}
	}
	if timeouts != 2 {
		t.Fatalf("time-outs applied = %d, calls %+v", timeouts, e.mod.calls())
	}
}

func TestTelegram_Notify_RestoreAndRetry(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	d := e.mod.auto("купи слона http://spam", moderation.Ban)
	if err := e.rv.Notify(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	m := e.card("Автоматическое действие")
	if !strings.Contains(m.Text, "забанен на 1 неделю") || strings.Join(m.Buttons(), "|") != "Восстановить" {
		t.Fatalf("notice %q buttons %q", m.Text, m.Buttons())
	}
	e.mod.fail(moderation.ActUnban, "access denied")
	a := e.press(m, "Восстановить", maria)
	if !strings.Contains(a.Text, "access denied") {
		t.Errorf("answer = %q", a.Text)
	}
	m = e.waitMsg(m.ID, "undone with a failure", func(m telegramtest.Message) bool {
		return strings.Contains(strings.Join(m.Buttons(), "|"), "Повторить")
	})
	if !strings.Contains(m.Text, "Отменено") || !strings.Contains(m.Text, "разбан — ошибка: access denied") {
		t.Fatalf("card = %s", m.Text)
	}
	e.mod.fail(moderation.ActUnban, "")
	e.press(m, "Повторить", maria)
	m = e.waitMsg(m.ID, "retried", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "разбан — выполнено")
	})
	if len(m.Keyboard) != 0 {
		t.Errorf("buttons after a good retry: %q", m.Buttons())
	}
	if m.Text == "" || !strings.Contains(m.Text, "Мария Иванова") {
		t.Errorf("card does not say who restored: %s", m.Text)
	}
}

func TestTelegram_Notify_Digest(t *testing.T) {
	e := newEnv(t, func(c *review.Config) { c.NotifyAuto, c.DigestEvery = review.NotifyDigest, 50*time.Millisecond })
	e.start()
	for range 3 {
		if err := e.rv.Notify(context.Background(), e.mod.auto("спам", moderation.Delete)); err != nil {
			t.Fatal(err)
		}
	}
	m := e.card("Сводка")
	if !strings.Contains(m.Text, ": 3") || len(m.Buttons()) != 3 {
		t.Fatalf("digest %q buttons %q", m.Text, m.Buttons())
	}
	e.press(m, "Восстановить #2", oleg)
	m = e.waitMsg(m.ID, "one restored", func(m telegramtest.Message) bool { return len(m.Buttons()) == 2 })
	if !strings.Contains(m.Text, "Отменено: Олег") {
		t.Fatalf("digest after restore: %s", m.Text)
	}
	if d := e.mod.get(2); d.UndoneBy != "telegram:78" {
		t.Fatalf("decision 2 undone by %q", d.UndoneBy)
	}
	if n := len(e.tg.BotMessages(chatID)); n != 1 {
		t.Fatalf("%d messages, want one digest", n)
	}
}

func TestTelegram_Notify_GroupedWhenQueued(t *testing.T) {
	e := newEnv(t, nil)
	e.tg.Down()
	e.start()
	for range 4 {
		if err := e.rv.Notify(context.Background(), e.mod.auto("спам", moderation.Delete)); err != nil {
			t.Fatal(err)
		}
	}
	e.tg.Up()
	m := e.card("Сводка")
	if len(m.Buttons()) != 4 || len(e.tg.BotMessages(chatID)) != 1 {
		t.Fatalf("grouped %q; messages %q", m.Buttons(), texts(e.tg.BotMessages(chatID)))
	}
}

func TestTelegram_Notify_Off(t *testing.T) {
	e := newEnv(t, func(c *review.Config) { c.NotifyAuto = review.NotifyOff })
	e.start()
	e.rv.Notify(context.Background(), e.mod.auto("спам", moderation.Delete))
	e.submit(e.mod.review("x"))
	e.card("#2")
	if n := len(e.tg.BotMessages(chatID)); n != 1 {
		t.Fatalf("messages %q", texts(e.tg.BotMessages(chatID)))
	}
}

func TestTelegram_Card_EscapingAndCut(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	long := strings.Repeat("а<&>", 1000) // 4000 characters
	e.submit(e.mod.review("<script>alert(1)</script> & &amp; <b>"))
	e.submit(e.mod.review(long))
	m := e.card("#1")
	if !strings.Contains(m.Text, "<script>alert(1)</script> & &amp; <b>") {
		t.Fatalf("text not shown verbatim: %s", m.Text)
	}
	m = e.card("#2")
	if !strings.Contains(m.Text, "Текст обрезан: показано 1500 из 4000 символов") {
		t.Fatalf("no cut note: %s", m.Text)
	}
	if !strings.Contains(m.Text, strings.Repeat("а<&>", 250)) {
		t.Fatal("the first 1,000 characters are not all shown")
	}
}

func TestTelegram_Commands(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	e.submit(e.mod.review("первый"))
	e.submit(e.mod.review("второй"))
	e.card("#2")
	e.rv.Notify(context.Background(), e.mod.auto("спам", moderation.Ban))

	id := e.tg.SendCommand(chatID, oleg, "/pending@strazh_bot")
	r := e.card("На проверке: 2")
	if r.ReplyTo != id || strings.Index(r.Text, "#1") > strings.Index(r.Text, "#2") {
		t.Fatalf("/pending: %+v", r)
	}
	e.tg.SendCommand(chatID, oleg, "/stats")
	r = e.card("Статистика")
	if !strings.Contains(r.Text, "Сегодня: комментариев 3, удалено 1, забанено 1") || !strings.Contains(r.Text, "spam.links: 1") {
		t.Fatalf("/stats: %s", r.Text)
	}
	e.tg.SendCommand(chatID, maria, "/pause")
	e.card("остановлены")
	if !e.mod.Paused() {
		t.Fatal("not paused")
	}
	e.tg.SendCommand(chatID, maria, "/resume")
	e.card("возобновлены")
	if e.mod.Paused() {
		t.Fatal("not resumed")
	}
	e.tg.SendCommand(chatID, maria, "/unban vk 42")
	e.card("снят на аккаунтах: 1")
	if len(e.mod.unbans) != 1 || e.mod.unbans[0] != "vk/42/telegram:77" {
		t.Fatalf("unbans = %q", e.mod.unbans)
	}
	e.tg.SendCommand(chatID, maria, "/unban")
	e.card("Использование")
	// Another chat is ignored.
	e.tg.SendCommand(-100999, maria, "/pause")
	e.tg.SendCommand(chatID, maria, "/help")
	e.card("эта справка")
	if e.mod.Paused() {
		t.Fatal("a command from another chat was obeyed")
	}
	if len(e.tg.BotMessages(-100999)) != 0 {
		t.Fatal("answered in another chat")
	}
	var names []string
	for _, cmds := range e.tg.AllCommands() {
		for _, c := range cmds {
			names = append(names, c.Command)
		}
	}
	if strings.Join(names, ",") != "pending,stats,unban,author,pause,resume,help" {
		t.Fatalf("setMyCommands = %q", names)
	}
}

func TestTelegram_Submit_Idempotent(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	d := e.mod.review("x")
	e.submit(d)
	e.submit(d)
	e.card("#1")
	e.tg.SendCommand(chatID, maria, "/help")
	e.card("/pending")
	if n := len(e.tg.BotMessages(chatID)); n != 2 {
		t.Fatalf("messages %q", texts(e.tg.BotMessages(chatID)))
	}
}

func TestTelegram_DecidedElsewhere(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	e.submit(e.mod.review("x"))
	m := e.card("#1")
	// Decided from the CLI: the card is refreshed without a tap.
	if _, err := e.mod.Resolve(context.Background(), 1, moderation.Delete, 0, "cli:root", "root"); err != nil {
		t.Fatal(err)
	}
	e.waitMsg(m.ID, "refreshed", func(m telegramtest.Message) bool { return strings.Contains(m.Text, "удалить — root") })
}

func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("REVIEW_DEBUG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

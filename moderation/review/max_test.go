package review_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
)

func TestMAX_Submit_BanFlow(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.start()
	e.submit(e.mod.review("Ты дурак <b>&amp; всё</b>"))
	m := e.card("#1")
	for _, s := range []string{"Нужно решение", "ВКонтакте", "Иван Петров", "insult.direct", "Ты дурак &lt;b&gt;&amp;amp; всё&lt;/b&gt;"} {
		if !strings.Contains(m.Body.Text, s) {
			t.Errorf("card lacks %q:\n%s", s, m.Body.Text)
		}
	}
	if f := e.mx.Format(m.Body.Mid); f != "html" {
		t.Errorf("card format %q, want html", f)
	}
	if strings.Contains(m.Body.Text, "blockquote") {
		t.Errorf("card keeps a tag MAX does not document:\n%s", m.Body.Text)
	}
	if got := buttons(m); got != "Оставить|Удалить|Удалить и забанить" {
		t.Fatalf("buttons = %s", got)
	}
	a := e.press(m, "Удалить и забанить", mMaria)
	if len(e.mod.calls()) != 0 {
		t.Fatal("the first tap of «Удалить и забанить» must not act")
	}
	if a.Notification == "" {
		t.Error("the first tap got an empty answer")
	}
	m = e.waitMsg(m.Body.Mid, "ban durations", func(m maxapi.Message) bool { return strings.Contains(buttons(m), "1 неделя") })
	if got := buttons(m); got != "1 день|1 неделя|1 месяц|Навсегда|« Назад" {
		t.Fatalf("second step buttons = %s", got)
	}
	if !strings.Contains(m.Body.Text, "Иван Петров") {
		t.Errorf("the second step lost the card's text: %q", m.Body.Text)
	}
	a = e.press(m, "1 неделя", mMaria)
	calls := e.mod.calls()
	if len(calls) != 1 || calls[0].Verdict != moderation.Ban || calls[0].BanFor != week || calls[0].By != "max:501" || calls[0].ByName != "Мария Иванова" {
		t.Fatalf("Resolve calls = %+v", calls)
	}
	if !strings.Contains(a.Notification, "Готово") {
		t.Errorf("answer = %q", a.Notification)
	}
	m = e.waitMsg(m.Body.Mid, "outcome", func(m maxapi.Message) bool { return strings.Contains(m.Body.Text, "Решение") })
	for _, s := range []string{"удалить и забанить на 1 неделю", "Мария Иванова (MAX)", "удаление — выполнено"} {
		if !strings.Contains(m.Body.Text, s) {
			t.Errorf("decided card lacks %q:\n%s", s, m.Body.Text)
		}
	}
	if b := buttons(m); b != "" {
		t.Errorf("decided card keeps buttons %q", b)
	}
}

func TestMAX_Tap_BackAndKeep(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.start()
	e.submit(e.mod.review("что-то"))
	m := e.card("#1")
	e.press(m, "Удалить и забанить", mMaria)
	m = e.waitMsg(m.Body.Mid, "durations", func(m maxapi.Message) bool { return len(maxtest.Buttons(m)) == 5 })
	e.press(m, "« Назад", mMaria)
	m = e.waitMsg(m.Body.Mid, "main buttons", func(m maxapi.Message) bool { return len(maxtest.Buttons(m)) == 3 })
	e.press(m, "Оставить", mOleg)
	e.waitMsg(m.Body.Mid, "decided", func(m maxapi.Message) bool { return strings.Contains(m.Body.Text, "оставить — Олег") })
	if c := e.mod.calls(); len(c) != 1 || c[0].Verdict != moderation.Allow || c[0].By != "max:502" {
		t.Fatalf("calls = %+v", c)
	}
}

// Only max.moderators decide: anyone else is answered so and nothing
// changes; a command of theirs is refused alike.
func TestMAX_Tap_Unauthorised(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.start()
	e.submit(e.mod.review("текст"))
	m := e.card("#1")
	if a := e.press(m, "Удалить", mEve); a.Notification != "нет прав" {
		t.Fatalf("answer = %+v", a)
	}
	if len(e.mod.calls()) != 0 {
		t.Fatal("an unauthorised tap acted")
	}
	if n := e.mx.Edits(m.Body.Mid); n != 0 {
		t.Fatalf("an unauthorised tap edited the card %d times", n)
	}
	e.mx.Say(maxChat, mEve, "/pause")
	e.card("нет прав")
	if e.mod.Paused() {
		t.Fatal("a non-moderator paused")
	}
}

// A card forwarded to another chat is a card there too, with its buttons:
// a moderator's press on it is answered and decides nothing; commands from
// another chat are not obeyed nor answered.
func TestMAX_OtherChat_Ignored(t *testing.T) {
	const other int64 = -70000000000999
	e := newMAXEnv(t, nil)
	e.start()
	e.submit(e.mod.review("переслано"))
	m := e.card("#1")
	fwd, err := e.mx.Forward(m.Body.Mid, other)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := e.mx.Message(fwd)
	if a := e.press(f, "Удалить", mMaria); !strings.Contains(a.Notification, "только в чате модерации") {
		t.Errorf("answer = %q", a.Notification)
	}
	if len(e.mod.calls()) != 0 {
		t.Fatal("a press in another chat decided")
	}
	e.mx.Say(other, mMaria, "/pause")
	e.mx.Say(maxChat, mMaria, "/help")
	e.card("эта справка")
	if e.mod.Paused() {
		t.Fatal("a command from another chat was obeyed")
	}
	if n := len(e.mx.Messages(other)); n != 1 { // the forwarded card only
		t.Fatalf("answered in another chat: %q", maxTexts(e.mx.Messages(other)))
	}
}

func TestMAX_Notify_Restore(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.start()
	if err := e.rv.Notify(context.Background(), e.mod.auto("купи слона http://spam", moderation.Ban)); err != nil {
		t.Fatal(err)
	}
	m := e.card("Автоматическое действие")
	if buttons(m) != "Восстановить" {
		t.Fatalf("notice buttons %q", buttons(m))
	}
	e.mod.fail(moderation.ActUnban, "access denied")
	if a := e.press(m, "Восстановить", mMaria); !strings.Contains(a.Notification, "access denied") {
		t.Errorf("answer = %q", a.Notification)
	}
	m = e.waitMsg(m.Body.Mid, "undone with a failure", func(m maxapi.Message) bool { return buttons(m) == "Повторить" })
	e.mod.fail(moderation.ActUnban, "")
	e.press(m, "Повторить", mMaria)
	m = e.waitMsg(m.Body.Mid, "retried", func(m maxapi.Message) bool {
		return strings.Contains(m.Body.Text, "разбан — выполнено")
	})
	if b := buttons(m); b != "" || !strings.Contains(m.Body.Text, "Мария Иванова") {
		t.Errorf("card after a good retry: buttons %q\n%s", b, m.Body.Text)
	}
}

func TestMAX_Commands(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.start()
	e.submit(e.mod.review("первый"))
	e.submit(e.mod.review("второй"))
	e.card("#2")
	id := e.mx.Say(maxChat, mOleg, "/pending")
	r := e.card("На проверке: 2")
	if r.Link == nil || r.Link.Message == nil || r.Link.Message.Mid != id {
		t.Errorf("/pending does not reply to the command: %+v", r.Link)
	}
	e.mx.Say(maxChat, mOleg, "/stats")
	e.card("Статистика")
	e.mx.Say(maxChat, mMaria, "/pause")
	e.card("остановлены")
	if !e.mod.Paused() {
		t.Fatal("not paused")
	}
	e.mx.Say(maxChat, mMaria, "/resume")
	e.card("возобновлены")
	if e.mod.Paused() {
		t.Fatal("not resumed")
	}
	e.mx.Say(maxChat, mMaria, "/unban vk 42")
	e.card("снят на аккаунтах: 1")
	if len(e.mod.unbans) != 1 || e.mod.unbans[0] != "vk/42/max:501" {
		t.Fatalf("unbans = %q", e.mod.unbans)
	}
	e.mx.Say(maxChat, mMaria, "/help")
	e.card("эта справка")
}

func TestMAX_English(t *testing.T) {
	e := newMAXEnv(t, func(c *review.MAXConfig) { c.Language = review.LangEN })
	e.start()
	e.submit(e.mod.review("something"))
	m := e.card("#1")
	if got := buttons(m); got != "Keep|Delete|Delete and ban" {
		t.Fatalf("buttons = %s", got)
	}
	e.press(m, "Delete and ban", mMaria)
	m = e.waitMsg(m.Body.Mid, "durations", func(m maxapi.Message) bool { return len(maxtest.Buttons(m)) == 5 })
	if got := buttons(m); got != "1 day|1 week|1 month|Forever|« Back" {
		t.Fatalf("second step = %s", got)
	}
}

// MAX down: the cards wait in the outbox and go out in order once it is
// back, review cards before notices; the channel is reported down meanwhile.
func TestMAX_Outage_CardsInOrder(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.mx.SetDown(503)
	e.start()
	for i := range 5 {
		e.submit(e.mod.review("comment " + string(rune('A'+i))))
	}
	if err := e.rv.Notify(context.Background(), e.mod.auto("спам", moderation.Delete)); err != nil {
		t.Fatal(err)
	}
	if err := e.mx.Wait(e.ctx(), func() bool {
		return len(e.mx.Calls("/messages")) >= 2 && labelled(t, e.reg, "strazh_review_channel_up", map[string]string{"channel": "max"}) == 0
	}); err != nil {
		t.Fatalf("no failed sends with the channel down: %d calls", len(e.mx.Calls("/messages")))
	}
	if e.rv.Health() == nil {
		t.Error("Health is nil while MAX is down")
	}
	if n := len(e.mx.Messages(maxChat)); n != 0 {
		t.Fatalf("%d messages while down", n)
	}
	e.mx.SetDown(0)
	e.card("#6")
	var order []string
	for _, m := range e.mx.Messages(maxChat) {
		order = append(order, strings.SplitN(m.Body.Text, "\n", 2)[0])
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
	if err := e.mx.Wait(e.ctx(), func() bool {
		return labelled(t, e.reg, "strazh_review_channel_up", map[string]string{"channel": "max"}) == 1
	}); err != nil {
		t.Error("channel not up again after the outage")
	}
}

// A 429 is honoured: the next send waits its Retry-After, and nothing is
// lost or reordered.
func TestMAX_RateLimit_RetryAfter(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.mx.Fail("/messages", 1, 429, 1)
	e.start()
	e.submit(e.mod.review("first"))
	e.submit(e.mod.review("second"))
	e.card("#2")
	var first429, firstOK time.Time
	for _, c := range e.mx.Calls("/messages") {
		if c.Method != "POST" {
			continue
		}
		if c.Status == 429 && first429.IsZero() {
			first429 = c.At
		}
		if c.Status == 200 && firstOK.IsZero() {
			firstOK = c.At
		}
	}
	if first429.IsZero() || firstOK.Sub(first429) < 900*time.Millisecond {
		t.Fatalf("Retry-After not honoured: 429 at %v, next send at %v", first429, firstOK)
	}
	ms := e.mx.Messages(maxChat)
	if len(ms) != 2 || !strings.Contains(ms[0].Body.Text, "#1") || !strings.Contains(ms[1].Body.Text, "#2") {
		t.Fatalf("after the 429: %q", maxTexts(ms))
	}
	if v := labelled(t, e.reg, "strazh_review_send_errors_total", map[string]string{"channel": "max", "class": "rate_limit"}); v != 1 {
		t.Errorf("rate_limit errors = %v, want 1", v)
	}
}

// The default MAX pacing keeps successive messages at least 200 ms apart
// (five a second, far under MAX's 30 requests a second per token).
func TestMAX_Pacing_DefaultGap(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.tm.MinGap, e.tm.PerMinute, e.tm.Window = 0, 0, 0 // the MAX defaults
	e.start()
	for range 5 {
		e.submit(e.mod.review("x"))
	}
	e.card("#5")
	// The fake records a call once its answer is written, which may be
	// after the card shows: wait for the fifth record.
	var sends []time.Time
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = e.mx.Wait(ctx, func() bool {
		sends = sends[:0]
		for _, c := range e.mx.Calls("/messages") {
			if c.Method == "POST" && c.Status == 200 {
				sends = append(sends, c.At)
			}
		}
		return len(sends) >= 5
	})
	// Each gap is 200 ms from the limiter's point of view; a request may
	// reach the fake late (the first opens the connection, a loaded
	// machine delays one) and the next on time, so the span after the
	// first is checked with 150 ms to spare: unpaced, it is a few ms.
	if len(sends) != 5 {
		t.Fatalf("%d messages sent, want 5", len(sends))
	}
	if span := sends[4].Sub(sends[1]); span < 3*200*time.Millisecond-150*time.Millisecond {
		t.Errorf("messages 2 to 5 in %v: faster than one per 200 ms", span)
	}
	t.Logf("5 messages in %v, 2 to 5 in %v", sends[4].Sub(sends[0]), sends[4].Sub(sends[1]))
}

// A press made while strazh is stopped is handled after the restart, once:
// the marker is saved with the handling, so the next restart does not
// decide it again.
func TestMAX_Restart_ResumesMarker(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.start()
	e.submit(e.mod.review("первый"))
	m := e.card("#1")
	// A first update moves the marker into the store.
	e.mx.Say(maxChat, mMaria, "/help")
	e.card("эта справка")
	e.stop()
	if off, _ := e.store.Offset(); off == 0 {
		t.Fatal("no marker saved")
	}

	e.mod.review("второй") // pending, never submitted: found at start-up
	if _, err := e.mx.Press(m.Body.Mid, "Удалить", mMaria); err != nil {
		t.Fatal(err)
	}
	e.start()
	e.waitMsg(m.Body.Mid, "decided after restart", func(m maxapi.Message) bool { return strings.Contains(m.Body.Text, "удалить — Мария") })
	e.card("#2")
	if c := e.mod.calls(); len(c) != 1 || c[0].Verdict != moderation.Delete {
		t.Fatalf("calls = %+v", c)
	}
	e.stop()
	before := len(e.mx.Messages(maxChat))
	e.start()
	e.mx.Say(maxChat, mMaria, "/pending")
	e.card("На проверке: 1")
	if c := e.mod.calls(); len(c) != 1 {
		t.Fatalf("the press was handled again after a restart: %+v", c)
	}
	if n := len(e.mx.Messages(maxChat)); n != before+1 {
		t.Fatalf("bot messages after the second restart: %q", maxTexts(e.mx.Messages(maxChat))[before:])
	}
}

// A reminder replies to the card by its MAX message id (a string id kept
// in the outbox entry), once.
func TestMAX_Remind_RepliesToCard(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.pol.RemindAfter, e.pol.ReviewTimeout = time.Millisecond, 0
	e.start()
	e.submit(e.mod.review("давно ждёт"))
	m := e.card("#1")
	r := e.card("⏰")
	if r.Link == nil || r.Link.Type != "reply" || r.Link.Message == nil || r.Link.Message.Mid != m.Body.Mid {
		t.Fatalf("reminder link = %+v, want a reply to %s", r.Link, m.Body.Mid)
	}
	e.mx.Say(maxChat, mMaria, "/help")
	e.card("эта справка")
	n := 0
	for _, msg := range e.mx.Messages(maxChat) {
		if strings.HasPrefix(msg.Body.Text, "⏰") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d reminders, want 1", n)
	}
}

// The MAX card of a text its author has since edited: a tap is refused
// saying why, nothing is done, and the card says the comment was edited.
func TestMAX_Tap_EditedByAuthor(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.start()
	d := e.mod.review("первая редакция")
	e.submit(d)
	m := e.card("#1")
	e.mod.edit(d.ID, func(x *moderation.Decision) {
		x.Review.Status, x.Review.Verdict = moderation.ReviewDecided, moderation.Allow
		x.Review.By, x.Review.At = moderation.ByEdit, time.Now()
	})
	if a := e.press(m, "Удалить", mMaria); !strings.Contains(a.Notification, "Автор изменил комментарий") {
		t.Errorf("answer = %q", a.Notification)
	}
	e.waitMsg(m.Body.Mid, "closed as edited", func(m maxapi.Message) bool {
		return strings.Contains(m.Body.Text, "Изменён автором") && buttons(m) == ""
	})
	if got := e.mod.get(d.ID); len(got.Actions) != 0 {
		t.Errorf("the edited version was acted on: %+v", got.Actions)
	}
}

package review_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// overdueAppeal feeds an appeal on a network strazh cannot answer from,
// made 30 hours ago (past its 24h deadline), and returns its card.
func overdueAppeal(t *testing.T, edit ...func(*review.Config)) *appealEnv {
	t.Helper()
	var ed func(*review.Config)
	if len(edit) > 0 {
		ed = edit[0]
	}
	sc := &simConn{feed: make(chan moderation.Comment, 1)}
	// Backfill: a comment from before the start is still read.
	e := newAppealEnvCfg(t, func(*vktest.Server) moderation.Connector { return sc }, ed, func(a *pipeline.Account) { a.Backfill = true })
	sc.feed <- moderation.Comment{Network: "ok", ID: "ok:admin-vk:1", Ref: "1", Text: "Во дворе не вывозят мусор [обращение:rubbish]",
		Author: moderation.Author{ID: "9", Name: "Жительница"}, Created: time.Now().Add(-30 * time.Hour)}
	return e
}

func (e *appealEnv) gauges() (open, overdue float64) {
	return testutil.ToFloat64(e.run.Metrics.AppealsOpen.WithLabelValues("admin-vk")),
		testutil.ToFloat64(e.run.Metrics.AppealsOverdue.WithLabelValues("admin-vk"))
}

func (e *appealEnv) tap(card telegramtest.Message, label string, u telegramtest.User) telegramtest.Answer {
	e.t.Helper()
	q, err := e.tg.PressQuery(appealsChat, card.ID, label, u)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.answerTo(q)
}

func (e *appealEnv) statsText() string {
	e.t.Helper()
	before := len(e.tg.BotMessages(chatID))
	e.tg.SendCommand(chatID, maria, "/stats")
	var got string
	if err := e.tg.Wait(e.ctx(), func() bool {
		ms := e.tg.BotMessages(chatID)
		for _, m := range ms[min(before, len(ms)):] {
			if strings.Contains(m.Text, "Статистика") {
				got = m.Text
				return true
			}
		}
		return false
	}); err != nil {
		e.t.Fatal("no /stats answer")
	}
	return got
}

// An overdue appeal answered by hand on a network strazh cannot post on:
// a stranger's «Закрыть» is refused; a moderator's «Закрыть» → «« Назад» →
// «Закрыть» → «Не обращение» drops the open and overdue gauges at once,
// takes it out of /stats, records who and when, and the card says so.
func TestAppealDesk_CloseTap_NotAppealLeavesTheCounts(t *testing.T) {
	e := overdueAppeal(t)
	card := e.appealCard("Обращение")
	if b := card.Buttons(); len(b) != 1 || b[0] != "Закрыть" {
		t.Fatalf("buttons = %q, want «Закрыть»", b)
	}
	if open, late := e.gauges(); open != 1 || late != 1 {
		t.Fatalf("gauges open %v overdue %v, want 1 and 1", open, late)
	}
	if s := e.statsText(); !strings.Contains(s, "Обращения за 7 дней: 1, отвечено 0, в срок 0%, ждут 1 (просрочено 1)") {
		t.Fatalf("/stats before:\n%s", s)
	}
	e.saved(0)
	if a := e.tap(card, "Закрыть", eve); !a.ShowAlert || !strings.Contains(a.Text, "Нет прав") {
		t.Fatalf("a stranger's tap answered %+v", a)
	}
	if a, _ := e.run.DB.Appeal(1); !a.Open() {
		t.Fatalf("a stranger closed the appeal: %+v", a)
	}
	e.tap(card, "Закрыть", maria)
	step := func(want ...string) {
		t.Helper()
		e.waitAppealMsg(card.ID, "buttons "+strings.Join(want, ", "), func(m telegramtest.Message) bool {
			return strings.Join(m.Buttons(), "|") == strings.Join(want, "|")
		})
	}
	step("Ответили вне соцсети", "Не обращение", "« Назад")
	e.tap(card, "« Назад", maria)
	step("Закрыть")
	e.tap(card, "Закрыть", maria)
	step("Ответили вне соцсети", "Не обращение", "« Назад")
	if a := e.tap(card, "Не обращение", maria); a.ShowAlert || !strings.Contains(a.Text, "не обращение") {
		t.Fatalf("tap answered %+v", a)
	}
	if open, late := e.gauges(); open != 0 || late != 0 {
		t.Fatalf("gauges after «Не обращение»: open %v overdue %v, want 0 and 0", open, late)
	}
	a, err := e.run.DB.Appeal(1)
	if err != nil || a.Open() || !a.NotAppeal() || a.ClosedBy != "telegram:77" || a.ClosedAt.IsZero() || !a.AnsweredAt.IsZero() {
		t.Fatalf("appeal = %+v, %v", a, err)
	}
	got := e.waitAppealMsg(card.ID, "the outcome on the card", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Не обращение") && len(m.Buttons()) == 0
	})
	if !strings.Contains(got.Text, "Мария Иванова") {
		t.Errorf("card does not name who closed it:\n%s", got.Text)
	}
	if s := e.statsText(); !strings.Contains(s, "Обращения за 7 дней: 0, отвечено 0, в срок —, ждут 0 (просрочено 0)") {
		t.Fatalf("/stats counts the not-appeal:\n%s", s)
	}
}

// «Ответили вне соцсети» counts as answered then, late past the deadline;
// a tap on a card closed meanwhile (from the console) says «Уже закрыто»
// and by whom, and changes nothing.
func TestAppealDesk_CloseTap_ElsewhereAndLateTap(t *testing.T) {
	e := overdueAppeal(t)
	card := e.appealCard("Обращение")
	e.saved(0)
	e.tap(card, "Закрыть", maria)
	e.waitAppealMsg(card.ID, "the second step", func(m telegramtest.Message) bool { return len(m.Buttons()) == 3 })
	// The card's next edit fails as for a message deleted in the chat: its
	// second step stays, and a moderator taps it after the closing.
	e.tg.FailNext("editMessageText", 1, 400, "Bad Request: message to edit not found", 0)
	if _, err := e.run.Pipe.CloseAppeal(1, moderation.ClosedElsewhere, "web:anna"); err != nil {
		t.Fatal(err)
	}
	if a := e.tap(card, "Не обращение", oleg); !a.ShowAlert || !strings.Contains(a.Text, "Уже закрыто: web:anna") {
		t.Fatalf("late tap answered %+v", a)
	}
	a, err := e.run.DB.Appeal(1)
	if err != nil || a.NotAppeal() || a.Closed != moderation.ClosedElsewhere || a.AnsweredBy != "web:anna" || a.OnTime() {
		t.Fatalf("appeal = %+v, %v", a, err)
	}
	if open, late := e.gauges(); open != 0 || late != 0 {
		t.Fatalf("gauges: open %v overdue %v, want 0 and 0", open, late)
	}
	// The failed edit may have taken the outcome's revision: once the desk
	// has caught up, one more change edits the card.
	pipelinetest.Eventually(t, "the desk caught up", func() bool {
		c, err := e.run.DB.AppealCard(1)
		return err == nil && c.Shown == c.Rev
	})
	if err := e.desk.AppealChanged(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	e.waitAppealMsg(card.ID, "the outcome on the card", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Отвечено вне соцсети — web:anna") && strings.Contains(m.Text, "с опозданием") &&
			len(m.Buttons()) == 0
	})
	if s := e.statsText(); !strings.Contains(s, "Обращения за 7 дней: 1, отвечено 1, в срок 0%, ждут 0 (просрочено 0)") {
		t.Fatalf("/stats:\n%s", s)
	}
}

// The same desk on the MAX review chat: «Закрыть» → «Ответили вне
// соцсети» closes the appeal as answered by the MAX moderator, on time.
func TestMAXAppealDesk_CloseTap_AnsweredElsewhere(t *testing.T) {
	e, f, run := newMAXAppealEnv(t)
	f.AddComment(f.AddPost("Благоустройство"), 501, "Когда починят скамейки в парке? [обращение:improvement]")
	card := e.card("Обращение")
	if a := e.press(card, "Закрыть", mEve); !strings.Contains(a.Notification, "Нет прав") {
		t.Fatalf("a stranger's tap answered %+v", a)
	}
	e.press(card, "Закрыть", mMaria)
	e.waitMsg(card.Body.Mid, "the second step", func(m maxapi.Message) bool {
		return buttons(m) == "Ответили вне соцсети|Не обращение|« Назад"
	})
	if a := e.press(card, "Ответили вне соцсети", mMaria); !strings.Contains(a.Notification, "ответили вне соцсети") {
		t.Fatalf("tap answered %+v", a)
	}
	a, err := run.DB.Appeal(1)
	if err != nil || a.Open() || a.Closed != moderation.ClosedElsewhere || a.AnsweredBy != "max:501" || !a.OnTime() {
		t.Fatalf("appeal = %+v, %v", a, err)
	}
	e.waitMsg(card.Body.Mid, "the outcome", func(m maxapi.Message) bool {
		return strings.Contains(m.Body.Text, "Отвечено вне соцсети — Мария Иванова") && strings.Contains(m.Body.Text, "в срок") &&
			buttons(m) == ""
	})
	if cs := f.CreatedComments(); len(cs) != 0 {
		t.Fatalf("closing posted on VK: %+v", cs)
	}
}

// In English the card and the answers are English (review.language: en).
func TestAppealDesk_CloseTap_English(t *testing.T) {
	e := overdueAppeal(t, func(c *review.Config) { c.Language = review.LangEN })
	card := e.appealCard("Appeal")
	if b := card.Buttons(); len(b) != 1 || b[0] != "Close" {
		t.Fatalf("buttons = %q, want «Close»", b)
	}
	e.saved(0)
	if a := e.tap(card, "Close", maria); !strings.Contains(a.Text, "How to close") {
		t.Fatalf("tap answered %+v", a)
	}
	e.waitAppealMsg(card.ID, "the second step", func(m telegramtest.Message) bool {
		return strings.Join(m.Buttons(), "|") == "Answered elsewhere|Not an appeal|« Back"
	})
	if a := e.tap(card, "Answered elsewhere", maria); a.Text != "Closed: answered elsewhere" {
		t.Fatalf("tap answered %+v", a)
	}
	e.waitAppealMsg(card.ID, "the outcome", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Answered elsewhere — Мария Иванова") && strings.Contains(m.Text, "late")
	})
}

// An appeal the store's maintenance closes as expired (never answered by
// the history horizon) is shown so on its card, with no buttons left,
// without anything poking the desk.
func TestAppealDesk_StoreExpiry_EditsTheCard(t *testing.T) {
	e := overdueAppeal(t)
	card := e.appealCard("Обращение")
	e.saved(0)
	h, err := e.run.DB.PruneHistory(time.Now().Add(time.Hour)) // the appeal is older than this horizon
	if err != nil || h.ExpiredAppeals != 1 {
		t.Fatalf("PruneHistory = %+v, %v; want the appeal expired", h, err)
	}
	e.waitAppealMsg(card.ID, "the expiry on the card", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Осталось без ответа — закрыто автоматически") && len(m.Buttons()) == 0
	})
	if a, err := e.run.DB.Appeal(1); err != nil || !a.Expired() || a.Closer() != moderation.ExpiredBy {
		t.Fatalf("appeal = %+v, %v", a, err)
	}
}

// In English every button of the appeal card is English: «Ответить» is
// Reply there, with the same callback as the Russian card's, so a card
// sent before the language changed is still answered.
func TestAppealDesk_ReplyButton_English(t *testing.T) {
	e := newAppealEnvCfg(t, nil, func(c *review.Config) { c.Language = review.LangEN })
	e.vk.AddComment(e.vk.AddPost("Roads"), 501, "Когда заделают яму на Садовой? [обращение:roads]")
	card := e.appealCard("Appeal")
	if b := card.Buttons(); strings.Join(b, "|") != "Reply|Close" {
		t.Fatalf("buttons = %q, want Reply|Close", b)
	}
	if d := card.Keyboard[0][0].Data + " " + card.Keyboard[0][1].Data; d != "ap.1.r ap.1.c" {
		t.Fatalf("callbacks %q, want the Russian card's ap.1.r ap.1.c", d)
	}
	e.saved(0)
	if err := e.tg.Press(appealsChat, card.ID, "Reply", maria); err != nil {
		t.Fatal(err)
	}
	if p := e.appealCard("✍️"); !strings.Contains(p.Text, "Answer to appeal #1") || p.ReplyTo != card.ID {
		t.Fatalf("prompt %q replies to %d", p.Text, p.ReplyTo)
	}
}

package review_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// edit changes a stored decision of the fake pipeline.
func (f *fakeMod) edit(id uint64, fn func(d *moderation.Decision)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.ds[id])
}

// checkCard fails unless m is a message Telegram accepts and shows whole.
func checkCard(t *testing.T, m telegramtest.Message) {
	t.Helper()
	if _, err := telegramtest.CheckText(m.HTML, m.ParseMode); err != nil {
		t.Fatalf("card Telegram would refuse: %v\n%s", err, m.HTML)
	}
	if n := telegramtest.UTF16Len(m.Text); n > telegramtest.MaxText {
		t.Fatalf("card of %d UTF-16 units", n)
	}
}

// Defect 2: the links line was cut after HTML escaping, inside "&amp;";
// Telegram refused the card and it was dropped.
func TestTelegram_Card_LinksCutOutsideEntities(t *testing.T) {
	e := newEnv(t, nil)
	d := e.mod.review("ссылка")
	// Escaped, the link is "x" + "&amp;"×200: rune 300 falls inside an entity.
	e.mod.edit(d.ID, func(d *moderation.Decision) { d.Comment.Links = []string{"x" + strings.Repeat("&", 200)} })
	// Started after the edit: Run's reconcile queues every pending review,
	// and on a loaded machine it ran between review and edit, rendering
	// the card without its links.
	e.start()
	e.submit(d)
	m := e.card("#1")
	checkCard(t, m)
	if m.ParseMode != "HTML" || !strings.Contains(m.Text, "📎 x&&&") {
		t.Fatalf("links not shown in the full card: %q", m.Text)
	}
}

// Defect 2: lengths were counted in runes, Telegram counts UTF-16 units
// (an emoji is two): an emoji-heavy card was too long, refused, dropped.
func TestTelegram_Card_EmojiFitsUTF16(t *testing.T) {
	e := newEnv(t, nil)
	emoji := "\U0001F92C"
	d := e.mod.review(strings.Repeat(emoji, 3000))
	e.mod.edit(d.ID, func(d *moderation.Decision) {
		for range 6 {
			d.Matches = append(d.Matches, moderation.Match{Rule: "obscene.emoji", Reason: strings.Repeat(emoji, 200),
				Matched: strings.Repeat(emoji, 100)})
		}
	})
	e.start() // after the edit, as in TestTelegram_Card_LinksCutOutsideEntities
	e.submit(d)
	m := e.card("#1")
	checkCard(t, m)
	if m.ParseMode != "HTML" || !strings.Contains(m.Text, "Текст обрезан") {
		t.Fatalf("not the full card with a cut note: %q", m.Text)
	}
}

// Defect 2: a card Telegram refused for its content (400) left the outbox
// unsent. Now it is sent again in the plain form, buttons kept, and a
// refused edit of it is redone the same way.
func TestTelegram_Card_RefusedSentPlain(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	e.tg.FailNext("sendMessage", 1, 400, "Bad Request: can't parse entities: unsupported start tag \"x\"", 0)
	e.submit(e.mod.review("дурак <b>"))
	m := e.card("#1")
	checkCard(t, m)
	if m.ParseMode != "" || !strings.Contains(m.Text, "Упрощённый вид") || !strings.Contains(m.Text, "дурак <b>") {
		t.Fatalf("plain card %q (mode %q)", m.Text, m.ParseMode)
	}
	if got := strings.Join(m.Buttons(), "|"); got != "Оставить|Удалить|Удалить и забанить" {
		t.Fatalf("plain card buttons %q", got)
	}
	e.tg.FailNext("editMessageText", 1, 400, "Bad Request: message is too long", 0)
	e.press(m, "Удалить", maria)
	m = e.waitMsg(m.ID, "decided, plain", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "удалить — Мария Иванова") && len(m.Keyboard) == 0
	})
	checkCard(t, m)
	if !strings.Contains(m.Text, "Упрощённый вид") {
		t.Fatalf("edit not redone in the plain form: %q", m.Text)
	}
	// The next card is the full one again.
	e.submit(e.mod.review("второй"))
	if m := e.card("#2"); m.ParseMode != "HTML" {
		t.Fatalf("second card in mode %q", m.ParseMode)
	}
}

// metric is the value of a metric without labels in reg (-1: absent).
func metric(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		if c := m.GetCounter(); c != nil {
			return c.GetValue()
		}
		return m.GetGauge().GetValue()
	}
	return -1
}

// A card Telegram refuses in the plain form too is counted (and alerted
// on, deploy/alerts.yml) and does not hold up the cards behind it.
func TestTelegram_Card_UnsendableCounted(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	if v := metric(t, e.reg, "strazh_review_cards_unsent_total"); v != 0 {
		t.Fatalf("unsent before anything = %v", v)
	}
	e.tg.FailNext("sendMessage", 2, 400, "Bad Request: BUTTON_DATA_INVALID", 0)
	e.submit(e.mod.review("первый"))
	e.submit(e.mod.review("второй"))
	e.card("#2")
	if v := metric(t, e.reg, "strazh_review_cards_unsent_total"); v != 1 {
		t.Fatalf("unsent = %v, want 1", v)
	}
	if n := e.tg.Calls("sendMessage", 400); n != 2 {
		t.Fatalf("%d refused sends, want the full and the plain form of #1", n)
	}
}

// The cards waiting unsent (Telegram down) are a gauge with the age of the
// oldest, read from the outbox at scrape time.
func TestTelegram_Metrics_CardsWaiting(t *testing.T) {
	e := newEnv(t, nil)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	reg := prometheus.NewRegistry()
	rv, err := review.New(e.cfg, review.Deps{Moderation: e.mod, Store: e.store, Timing: e.tm, Now: clock, Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	e.rv = rv
	e.tg.Down()
	e.runRV()
	e.submit(e.mod.review("первый"))
	mu.Lock()
	now = now.Add(10 * time.Minute)
	mu.Unlock()
	e.submit(e.mod.review("второй"))
	if v := metric(t, reg, "strazh_review_cards_waiting"); v != 2 {
		t.Fatalf("waiting = %v, want 2", v)
	}
	if v := metric(t, reg, "strazh_review_cards_oldest_waiting_seconds"); v != 600 {
		t.Fatalf("oldest waiting = %vs, want 600", v)
	}
	e.tg.Up()
	e.card("#2")
	if err := e.tg.Wait(e.ctx(), func() bool { return metric(t, reg, "strazh_review_cards_waiting") == 0 }); err != nil {
		t.Fatalf("waiting after delivery = %v", metric(t, reg, "strazh_review_cards_waiting"))
	}
	if v := metric(t, reg, "strazh_review_cards_oldest_waiting_seconds"); v != 0 {
		t.Fatalf("oldest waiting after delivery = %v", v)
	}
}

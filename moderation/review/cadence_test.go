package review_test

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/strazh/strazh/moderation/review"
)

type weeks map[string]int

func (w weeks) Weeks(time.Time) (map[string]int, error) { return w, nil }

func TestTelegram_Command_StatsPosts(t *testing.T) {
	e := newEnv(t, nil)
	e.reg = prometheus.NewRegistry()
	rv, err := review.New(e.cfg, review.Deps{Moderation: e.mod, Store: e.store, Timing: e.tm, Location: time.UTC, Metrics: e.reg})
	if err != nil {
		t.Fatal(err)
	}
	rv.SetPostCounter(weeks{"glava-vk": 3, "admin-vk": 9}, 7)
	e.rv = rv
	e.runRV()
	e.tg.SendCommand(chatID, maria, "/stats")
	r := e.card("Статистика")
	want := "<b>Публикаций страниц за 7 дней (нужно не меньше 7):</b>\n• admin-vk: 9\n• glava-vk: 3 ⚠️ мало"
	if !strings.Contains(r.Text, strings.ReplaceAll(strings.ReplaceAll(want, "<b>", ""), "</b>", "")) && !strings.Contains(r.Text, want) {
		t.Errorf("/stats lacks the posts block %q:\n%s", want, r.Text)
	}
}

// counted is a counter whose pages are counted since the given times
// (absent: from their history).
type counted struct {
	weeks
	since map[string]time.Time
}

func (c counted) CountedSince(account string) (time.Time, bool) {
	s, ok := c.since[account]
	return s, ok
}

// A page counted for less than 7 days (a Telegram channel's first week) is
// said partial, with since when, instead of «мало»; one counted longer is
// judged as any.
func TestTelegram_Command_StatsPostsPartial(t *testing.T) {
	e := newEnv(t, nil)
	e.reg = prometheus.NewRegistry()
	rv, err := review.New(e.cfg, review.Deps{Moderation: e.mod, Store: e.store, Timing: e.tm, Location: time.UTC, Metrics: e.reg})
	if err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-50 * time.Hour).UTC()
	rv.SetPostCounter(counted{weeks{"tg-channel": 2, "old-tg": 3, "admin-vk": 9},
		map[string]time.Time{"tg-channel": since, "old-tg": time.Now().Add(-8 * 24 * time.Hour)}}, 7)
	e.rv = rv
	e.runRV()
	e.tg.SendCommand(chatID, maria, "/stats")
	r := e.card("Статистика")
	for _, want := range []string{
		"• tg-channel: 2 (неполная неделя: сеть не отдаёт прошлые публикации, считаем с " + since.Format("02.01.2006 15:04") + ")\n",
		"• old-tg: 3 ⚠️ мало",
		"• admin-vk: 9\n",
	} {
		if !strings.Contains(r.Text+"\n", want) {
			t.Errorf("/stats lacks %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, "tg-channel: 2 ⚠️") {
		t.Errorf("the partial week is judged low:\n%s", r.Text)
	}
}

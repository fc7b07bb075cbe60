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

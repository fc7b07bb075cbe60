package review_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

func hasButton(m telegramtest.Message, label string) bool {
	return slices.Contains(m.Buttons(), label)
}

// districtMod adds review.DistrictModeration to the fake: pages of vk.
type districtMod struct {
	*fakeMod
	pages []string
	mu    sync.Mutex
	calls []resolveCall // ResolveDistrict calls
}

var _ review.DistrictModeration = (*districtMod)(nil)

func (m *districtMod) District(network string) []string {
	if network != "vk" {
		return nil
	}
	return m.pages
}

func (m *districtMod) ResolveDistrict(ctx context.Context, id uint64, banFor time.Duration, by, byName string) (*moderation.Decision, error) {
	m.mu.Lock()
	m.calls = append(m.calls, resolveCall{ID: id, Verdict: moderation.Ban, BanFor: banFor, By: by, ByName: byName})
	m.mu.Unlock()
	return m.fakeMod.Resolve(ctx, id, moderation.Ban, banFor, by, byName)
}

func (m *districtMod) DistrictStats(time.Time) (map[string]moderation.Stats, moderation.Stats, error) {
	per := map[string]moderation.Stats{"admin-vk": {Comments: 5, Deleted: 2}, "glava-vk": {Comments: 3, Banned: 1, Deleted: 1}}
	return per, moderation.Stats{Comments: 8, Deleted: 3, Banned: 1}, nil
}

func (m *districtMod) AuthorDecisions(network, author string, limit int) ([]*moderation.Decision, error) {
	if network != "vk" || author != "42" {
		return nil, nil
	}
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	return []*moderation.Decision{
		{ID: 3, Comment: moderation.Comment{Network: "vk", Account: "admin-vk", Text: "первый <b>", Author: moderation.Author{ID: "42", Name: "Иван Петров"}},
			Verdict: moderation.Delete, DecidedBy: moderation.ByAuto, DecidedAt: at, Matches: []moderation.Match{{Rule: "obscene.mat"}}},
		{ID: 9, Comment: moderation.Comment{Network: "vk", Account: "glava-vk", Text: "второй", Author: moderation.Author{ID: "42", Name: "Иван Петров"}},
			Verdict: moderation.Review, DecidedAt: at.Add(time.Hour), Matches: []moderation.Match{{Rule: "insult.direct"}},
			Review: &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: moderation.Ban, BanFor: 7 * 24 * time.Hour, ByName: "Мария"}},
	}, nil
}

func newDistrictEnv(t *testing.T, pages ...string) (*env, *districtMod) {
	e := newEnv(t, nil)
	m := &districtMod{fakeMod: e.mod, pages: pages}
	e.moderation = m
	e.start()
	return e, m
}

func TestTelegram_Tap_BanEverywhere(t *testing.T) {
	e, m := newDistrictEnv(t, "admin-vk", "glava-vk")
	e.submit(e.mod.review("дурак"))
	card := e.card("#1")
	e.press(card, "Забанить везде", maria)
	menu := e.waitMsg(card.ID, "the lengths", func(m telegramtest.Message) bool { return hasButton(m, "1 неделя") })
	e.press(menu, "1 неделя", maria)
	e.waitMsg(card.ID, "the decided card", func(m telegramtest.Message) bool { return strings.Contains(m.Text, "Решение") })
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.calls) != 1 || m.calls[0].BanFor != 7*24*time.Hour || m.calls[0].By != "telegram:77" {
		t.Fatalf("ResolveDistrict calls %+v, want one week-long ban by Мария", m.calls)
	}
}

func TestTelegram_Card_BanEverywhereOnlyForADistrict(t *testing.T) {
	tests := []struct {
		name  string
		pages []string
		want  bool
	}{
		{"two pages of the network", []string{"admin-vk", "glava-vk"}, true},
		{"one page", []string{"admin-vk"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newDistrictEnv(t, tt.pages...)
			e.submit(e.mod.review("дурак"))
			if got := hasButton(e.card("#1"), "Забанить везде"); got != tt.want {
				t.Errorf("«Забанить везде» shown: %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTelegram_Command_StatsPerPage(t *testing.T) {
	e, _ := newDistrictEnv(t, "admin-vk", "glava-vk")
	e.tg.SendCommand(chatID, maria, "/stats")
	r := e.card("Статистика")
	for _, w := range []string{"Сегодня — по страницам", "admin-vk: комментариев 5, удалено 2", "glava-vk: комментариев 3, удалено 1, забанено 1"} {
		if !strings.Contains(r.Text, w) {
			t.Errorf("/stats lacks %q:\n%s", w, r.Text)
		}
	}
}

func TestTelegram_Command_Author(t *testing.T) {
	tests := []struct {
		cmd  string
		want []string
	}{
		{"/author vk 42", []string{"Автор Иван Петров (42, ВКонтакте)", "#3", "admin-vk", "obscene.mat", "автоматически", "«первый <b>»",
			"#9", "glava-vk", "удалить и забанить на 1 неделю", "insult.direct", "Мария"}},
		{"/author vk 7", []string{"Об авторе 7 в сети ВКонтакте решений нет"}},
		{"/author vk", []string{"Использование: /author"}},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			e, _ := newDistrictEnv(t, "admin-vk", "glava-vk")
			e.tg.SendCommand(chatID, maria, tt.cmd)
			r := e.card(tt.want[0])
			for _, w := range tt.want {
				if !strings.Contains(r.Text, w) {
					t.Errorf("%s lacks %q:\n%s", tt.cmd, w, r.Text)
				}
			}
		})
	}
}

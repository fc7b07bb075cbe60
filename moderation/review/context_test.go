package review_test

import (
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

func TestTelegram_Card_Context(t *testing.T) {
	emoji := "\U0001F92C"
	tests := []struct {
		name      string
		x         *moderation.Context
		text      string
		want      []string // in the card's visible text
		wantFull  bool     // the full (HTML) card, not the plain fallback
		forbidden []string
	}{
		{name: "post, parent and page, escaped",
			x:    &moderation.Context{Page: "Администрация <района>", Post: "Ремонт дорог & тротуаров", Parent: "Когда <b>починят</b>?"},
			text: "Ответ", wantFull: true,
			want: []string{"admin-vk (Администрация <района>)", "Пост:\nРемонт дорог & тротуаров", "В ответ на:\nКогда <b>починят</b>?", "Текст:\nОтвет"}},
		{name: "no context: no empty sections", text: "Обычный комментарий", wantFull: true,
			forbidden: []string{"Пост:", "В ответ на:"}},
		{name: "emoji-heavy context and text still fit", wantFull: true,
			x:    &moderation.Context{Post: strings.Repeat(emoji, moderation.MaxContextText), Parent: strings.Repeat(emoji, moderation.MaxContextText)},
			text: strings.Repeat(emoji, 3000), want: []string{"Пост:", "В ответ на:", "Текст обрезан"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			d := e.mod.review(tt.text)
			e.mod.edit(d.ID, func(d *moderation.Decision) { d.Comment.Context = tt.x })
			e.start() // after the edit: Run's reconcile would render the card without it
			e.submit(d)
			m := e.card("#1")
			checkCard(t, m)
			if tt.wantFull && m.ParseMode != "HTML" {
				t.Fatalf("sent in the plain form: %q", m.Text)
			}
			for _, w := range tt.want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("card lacks %q:\n%s", w, m.Text)
				}
			}
			for _, w := range tt.forbidden {
				if strings.Contains(m.Text, w) {
					t.Errorf("card has %q:\n%s", w, m.Text)
				}
			}
		})
	}
}

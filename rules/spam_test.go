package rules

import (
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// The spam pack alone (the learned model off): advertising evidence
// deletes, a lure or an offer without a way to write goes to review, and
// addressing, complaints and money words stay allowed. Texts written for
// this test.
func TestEngine_Evaluate_SpamEvidence(t *testing.T) {
	e, err := Load(Config{Builtin: "ru", Disable: []string{"model"}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	tests := []verdictCase{
		// a lure to write, a mention or both are addressing
		{"Пишите в лс", moderation.Allow},
		{"Кто видел, как сбили знак на Садовой? Напишите в личку", moderation.Allow},
		{"@petrov77 напишите в приёмную, они отвечают", moderation.Allow},
		{"Ребята, давайте в тг обсудим, тут неудобно", moderation.Allow},
		// money words of a resident
		{"Плачу 3100 за отопление, пишите, куда жаловаться", moderation.Allow},
		{"Зарплата от 20 тысяч, а цены растут каждый месяц", moderation.Allow},
		{"Бабки у подъезда говорят, что остановку перенесут", moderation.Allow},
		{"Библиотека ждёт в гости ребят на каникулах", moderation.Allow},
		{"Где получить справку о составе семьи?", moderation.Allow},
		{"Курсы для взрослых в ДК начнутся в марте", moderation.Allow},
		// a lure without a contact: review; with one: delete
		{"Лёгкие деньги без вложений, всё честно", moderation.Review},
		{"Лёгкие деньги без вложений, пиши в лс", moderation.Delete},
		{"Есть темка, поднять кэш за вечер. Пиши", moderation.Delete},
		// "дорогие" is no road, and a citizen's word does not switch off full evidence
		{"Дорогие соседи, подработка 2500 за смену, пишите в личку", moderation.Delete},
		{"Родители школьников, лёгкие деньги без вложений, пишите в лс", moderation.Delete},
		// vacancies and job-board lines with pay
		{"Требуются крепкие ребята на разгрузку, 3000руб за смену", moderation.Review},
		{"Монтажник на объект - 150 000 р/мес", moderation.Review},
		{"Покрасить забор на даче - 12.000", moderation.Review},
		{"Нужен напарник на пару дней, 6к-7к в сутки", moderation.Review},
		// documents, debts, intimate services
		{"Помогу с получением водительского удостоверения", moderation.Review},
		{"Помогу с получением водительского удостоверения, пишите в лс", moderation.Delete},
		{"Помогу тебе рассчитаться с долгами за неделю", moderation.Review},
		{"Скучаю одна, приеду к тебе в гости", moderation.Review},
		{"Скучаю одна, приеду к тебе в гости, пиши", moderation.Delete},
		{"Загляни в мой профиль, там сюрприз", moderation.Review},
		{"Looking for easy income? Send me a message", moderation.Review},
	}
	checkVerdicts(t, e, tests)
}

// verdictCase is a comment and the verdict the packs should give it.
type verdictCase struct {
	text string
	want moderation.Verdict
}

// checkVerdicts evaluates each case and also checks that no reason ends in
// an empty match (the defect «возможная реклама (один признак): »).
func checkVerdicts(t *testing.T, e *Engine, tests []verdictCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res := eval(e, tt.text)
			if res.Verdict != tt.want {
				t.Errorf("verdict %v, want %v: %+v", res.Verdict, tt.want, res.Matches)
			}
			for _, m := range res.Matches {
				if strings.HasSuffix(strings.TrimSpace(m.Reason), ":") {
					t.Errorf("%s: reason ends in an empty match: %q", m.Rule, m.Reason)
				}
			}
		})
	}
}

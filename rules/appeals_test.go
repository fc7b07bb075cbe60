package rules

import (
	"slices"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// Issue 15: the appeals pack only tags. An appeal with мат is deleted for
// the мат and still recorded as an appeal with its topic; a sharp,
// critical appeal is allowed and tagged; what is not an appeal is not
// tagged.
func TestEngine_Evaluate_Appeals(t *testing.T) {
	e := builtin(t)
	tests := []struct {
		name    string
		text    string
		verdict moderation.Verdict
		topic   string // "": not an appeal
		label   string // the verdict's label, first in Labels
	}{
		{name: "мат in an appeal: deleted for the мат, still an appeal", text: "Когда, блядь, починят дорогу на Заречной? Третий месяц ямы",
			verdict: moderation.Delete, topic: "roads", label: "obscenity"},
		{name: "masked мат in an appeal", text: "Отопления нет, пошли вы нах*й. Когда дадите тепло в дом 5?",
			verdict: moderation.Delete, topic: "heating", label: "obscenity"},
		{name: "a critical appeal stays allowed", text: "Администрация, вам не стыдно? Третью неделю не вывозят мусор на Полевой, когда это кончится?!",
			verdict: moderation.Allow, topic: "rubbish"},
		{name: "caps and anger stay allowed", text: "ГДЕ ВОДА??? ТРЕТИЙ ДЕНЬ НЕТ ВОДЫ НА УЛИЦЕ МИРА!!!", verdict: moderation.Allow, topic: "water"},
		{name: "a question with no topic", text: "Подскажите, где получить справку о составе семьи?", verdict: moderation.Allow, topic: "other"},
		{name: "opinion is no appeal", text: "Власть у нас ничего не делает, только отчитывается", verdict: moderation.Allow},
		{name: "thanks are no appeal", text: "Спасибо, что быстро починили фонари на Садовой!", verdict: moderation.Allow},
		{name: "a question to residents is no appeal", text: "Соседи, кто пойдёт в субботу на субботник?", verdict: moderation.Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := eval(e, tt.text)
			if res.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s (%+v)", res.Verdict, tt.verdict, res.Matches)
			}
			topic := ""
			for _, m := range res.Matches {
				if m.Label == moderation.LabelAppeal {
					if m.Action != moderation.Allow {
						t.Errorf("appeal match %s asks for %s", m.Rule, m.Action)
					}
					if topic == "" {
						topic = strings.TrimPrefix(m.Rule, "appeals.")
					}
				}
			}
			if topic != tt.topic || slices.Contains(res.Labels, moderation.LabelAppeal) != (tt.topic != "") {
				t.Errorf("topic %q labels %v, want topic %q", topic, res.Labels, tt.topic)
			}
			if tt.label != "" && (len(res.Labels) == 0 || res.Labels[0] != tt.label) {
				t.Errorf("labels %v, want %s first", res.Labels, tt.label)
			}
		})
	}
}

// Without the appeals pack every verdict is the same: the pack decides
// nothing (the corpus-wide check is in the report; this is its unit).
func TestEngine_Evaluate_AppealsChangeNoVerdict(t *testing.T) {
	with := builtin(t)
	without, err := Load(Config{Builtin: "ru", Disable: []string{"appeals"}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"Когда, блядь, починят дорогу на Заречной? Третий месяц ямы",
		"Мэр — вор, когда уже дорогу сделают?",
		"Почему не вывозят мусор? Пишите в лс, заработок от 5000 в день",
		"Убью того, кто опять сломал фонарь у подъезда, когда почините?",
		"Уже неделю нет воды на Заречной",
	} {
		a, b := eval(with, text), eval(without, text)
		if a.Verdict != b.Verdict || a.Urgent != b.Urgent {
			t.Errorf("%q: %s urgent=%v with the pack, %s urgent=%v without", text, a.Verdict, a.Urgent, b.Verdict, b.Urgent)
		}
	}
}

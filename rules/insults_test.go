package rules

import (
	"slices"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// The insults pack's wider lexicons (issue 9's error review of rules +
// model out of fold): names for a person, political slurs, rude words and
// rude address go to review — never deleted on a lexicon match alone —
// while the clean words that share a stem, and sharp but legitimate
// criticism of the administration, stay allowed.
func TestEngine_Evaluate_InsultsWidened(t *testing.T) {
	e := builtin(t)
	tests := []struct {
		text string
		rule string // the rule that must fire; "" for allow
	}{
		{"Ты с кем споришь, шизик? Иди лечись", "insults.personal"},
		{"Опять эта параша вместо нормального концерта", "insults.personal"},
		{"Сосед — старый казел, всю ночь сверлит", "insults.personal"},
		{"Ну ты и обормот, сам же мусор у подъезда бросил", "insults.personal"},
		{"Какие мерзотные рожи на плакатах", "insults.personal"},
		{"Ты трепло, обещал и не сделал", "insults.personal"},
		{"Такого недоразвитого ещё поискать", "insults.personal"},
		{"Коммуняки и нацики опять спорят в комментариях", "insults.slur"},
		{"Пошёл вон отсюда со своими советами", "insults.rude"},
		{"Закрой рот и не вякай, когда взрослые говорят", "insults.rude"},
		{"Отвали от меня, я сам разберусь", "insults.rude"},
		{"Чего ты тявкаешь тут каждый день?", "insults.rude"},
		{"Что за блевотная музыка всю ночь из кафе", "insults.rude"},
		{"Гори в аду со своей управляющей компанией", "threats.idiom"},

		// clean words sharing a stem
		{"На празднике выступят парашютисты", ""},
		{"Кошка мурлычет у батареи", ""},
		{"Открылся салон: педикюр и маникюр", ""},
		{"В столовой жиденький суп и холодный чай", ""},
		{"В обсерватории день открытых дверей", ""},
		{"В подъезде отвалилась штукатурка", ""},
		{"Соседская собака тявкает и гавкает всю ночь", ""},
		{"Вонючий мусоропровод, когда почистят?", ""},
		{"Я же не дурак, сам проверил счётчик", ""},
		{"Лечение шизофрении бесплатно по полису", ""},
		{"Яблоки-падалица под окнами гниют", ""},
		{"После обеда в школьной столовой дети блевали, проверьте поставщика", ""},
		// sharp criticism of the administration: a citizen's right
		{"Администрация опять ничего не сделала, позор такой работе", ""},
		{"Мэр должен уйти в отставку, дороги разбиты третий год", ""},
		{"Чиновники врут про ремонт, деньги освоили, а ям только больше", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res := eval(e, tt.text)
			var rules []string
			for _, m := range res.Matches {
				if m.Rule != "model.score" {
					rules = append(rules, m.Rule)
				}
			}
			if tt.rule == "" {
				// the learned model may still ask a human (its own
				// measure); the word lists must not
				for _, r := range rules {
					if strings.HasPrefix(r, "insults.") || strings.HasPrefix(r, "obscenity.") {
						t.Fatalf("%s fired (verdict %s), want no insult or obscenity rule", r, res.Verdict)
					}
				}
				if res.Verdict > moderation.Review {
					t.Fatalf("verdict %s by %v, want at most review", res.Verdict, rules)
				}
				return
			}
			if !slices.Contains(rules, tt.rule) {
				t.Fatalf("rules %v, want %s", rules, tt.rule)
			}
			if res.Verdict != moderation.Review {
				t.Errorf("verdict %s by %v, want review: a lexicon match alone never deletes", res.Verdict, rules)
			}
		})
	}
}

// Threats the threats pack missed (written for the error review): the
// object before the verb, a property as the target, arson foretold, and
// idioms of mob violence; and what must stay clean beside them.
func TestEngine_Evaluate_ThreatsWidened(t *testing.T) {
	e := builtin(t)
	tests := []struct {
		text   string
		rule   string // "" for no threats rule
		urgent bool
	}{
		{"Мы вас всех вычислим, готовьтесь", "threats.personal", true},
		{"Приеду с битой и разнесу ваш офис", "threats.future", true},
		{"Готовьтесь, скоро вашу управу подожгут", "threats.future", true},
		{"Чтоб вы все сдохли, кровопийцы", "threats.call", true},
		{"Голову бы ему открутить за такие дороги", "threats.idiom", false},
		{"Выкинуть бы их всех из окна администрации", "threats.idiom", false},
		{"Дождётесь, выйдем к мэрии с вилами", "threats.idiom", false},

		{"Старые гаражи снесут, а ваш дом расселят в следующем году", "", false},
		{"Выкинуть старый диван с балкона нельзя, вызовите вывоз", "", false},
		{"Выйдем на субботник с граблями в субботу", "", false},
		{"Мы вас ждём на приёме в среду", "", false},
		{"Если вас не устраивает ответ, вы можете обжаловать его в суде", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res := eval(e, tt.text)
			var threats []string
			for _, m := range res.Matches {
				if strings.HasPrefix(m.Rule, "threats.") {
					threats = append(threats, m.Rule)
				}
			}
			if tt.rule == "" {
				if len(threats) > 0 {
					t.Fatalf("%v fired, want no threat", threats)
				}
				return
			}
			if !slices.Contains(threats, tt.rule) {
				t.Fatalf("threat rules %v, want %s", threats, tt.rule)
			}
			if res.Verdict != moderation.Review || res.Urgent != tt.urgent {
				t.Errorf("verdict %s urgent %v, want review urgent %v", res.Verdict, res.Urgent, tt.urgent)
			}
		})
	}
}

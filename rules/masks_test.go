package rules

import (
	"slices"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// Мат with a run of dots or a sign for the hidden letters: each was
// allowed before the masks of the second reading (normalize.Text.T).
func TestEngine_Evaluate_MaskedSignsAndDots(t *testing.T) {
	e := builtin(t)
	tests := []string{
		"да пошёл ты на х...й",
		"х..й вам, а не ремонт",
		"п...ц какой-то с дорогами",
		"полный п..ц",
		"б...ть, опять яма", // б...ть: three dots for two letters
		"х…й",               // the typographic ellipsis (phones put it for three dots)
		"п!здец у нас во дворе",
		"пи$дец, а не дорога",
		"х°й вам",
		"я оху3ть как рад",
		"п!здец!!!",
		"его бы вые..ли", // ли ends the word, not a particle after dots
		"долбоё...бы",
	}
	for _, text := range tests {
		t.Run(text, func(t *testing.T) {
			res := eval(e, text)
			if res.Verdict < moderation.Delete || !slices.Contains(res.Labels, "obscenity") {
				t.Errorf("%q: got %s %v %v", text, res.Verdict, res.Labels, res.Matches)
			}
		})
	}
}

// Ellipses, abbreviations, prices, degrees, addresses and emoticons are
// punctuation, not masks.
func TestEngine_Evaluate_MaskTraps(t *testing.T) {
	e := builtin(t)
	traps := []string{
		"ну... ладно, подождём",
		"так...и знал, что не починят",
		"по...и так всё понятно",
		"да...ну и дела",
		"ждали-ждали...пока не дождались",
		"т.е. никто не придёт",
		"дороги, дворы и т.д.",
		"ул. Ленина, д. 5",
		"проезд стоит 5$ в пересчёте",
		"на улице 20°, тепло",
		"вода 20°С в бассейне",
		"пишите на ivan.petrov@mail.ru",
		"спасибо :-)",
		"ура!Наконец-то починили",
		"Привет!Как дела у мэрии?",
		"код подъезда 12б3",
		"в2раза дороже",
		"Пыхов... Хабаров... кто следующий",
		"х.. знает",
		"ну...а что делать",
		"за...а потом",
		"Ждём ремонта уже год, а за...а ладно",
	}
	for _, text := range traps {
		t.Run(text, func(t *testing.T) {
			res := eval(e, text)
			if slices.Contains(res.Labels, "obscenity") || res.Verdict >= moderation.Delete {
				t.Errorf("%q: got %s %v %v", text, res.Verdict, res.Labels, res.Matches)
			}
		})
	}
}

func TestRunMatch_Forms(t *testing.T) {
	tests := []struct {
		w, form string
		want    bool
	}{
		{"х+й", "хуй", true},
		{"х+й", "хуйня", false}, // two shown for three hidden
		{"х+ня", "хуйня", true},
		{"п+ц", "пиздец", true}, // first and last shown in six
		{"п+ц", "пизда", false},
		{"б+ть", "блять", true},
		{"б+ь", "блядь", false},    // two shown for three hidden in five
		{"б+ть", "бть", false},     // a run hides at least one letter
		{"в+я", "выебался", false}, // two shown for six hidden
		{"до+в", "долбоебов", false},
		{"х++й", "хуй", false},
		{"п+з+ц", "пиздец", true},
		{"оху*ть", "охуеть", true},
		{"оху+ть", "охуеть", true},
		{"так+и", "хуи", false},
		{"х+й", "хй", false},
	}
	for _, tt := range tests {
		t.Run(tt.w+"/"+tt.form, func(t *testing.T) {
			w := encode(tt.w)
			f := maskForm{form: encode(tt.form), anchorStart: true, anchorEnd: true}
			vis := 0
			for _, c := range w {
				if c != '*' && c != '+' {
					vis++
				}
			}
			if got := runMatch(w, f, vis); got != tt.want {
				t.Errorf("runMatch(%q, %q) = %v, want %v", tt.w, tt.form, got, tt.want)
			}
		})
	}
}

// encode writes а..я as normalised bytes, other runes (+ *) as themselves.
func encode(s string) []byte {
	var b []byte
	for _, r := range s {
		if r >= 'а' && r <= 'я' {
			b = append(b, byte(r-'а')+0xE0)
		} else {
			b = append(b, byte(r))
		}
	}
	return b
}

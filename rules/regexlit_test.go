package rules

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// litExprs are regexes of the kinds the packs use, and edge cases of the
// literal-set analysis.
var litExprs = []string{
	`[😂🤣😆😄😁😅]`,
	`\)\)\)`,
	`\?`,
	`(?i)(пиш|напиш|став|кида|кин|отправ)\p{L}*\s+[«"']?(\+|плюс)`,
	`([Кк]огда|КОГДА|[Пп]очему|ПОЧЕМУ|[Кк]ак так)\s*[^\s.!?][^.!?\n]*\?`,
	`\d\s?[кkКK]?\s?[-–]\s?\d+\s?(к|k|К|K|тыс|т\.р)`,
	`赚钱|项目|日结|元/张|U/个`,
	`(?i)k`,                  // folds to the Kelvin sign
	`(?i)ss|ß`,               // multi-rune folds
	`ab+c|ab`,                // leftmost-first between a longer and a shorter branch
	`(a|ab)(c|bcd)`,          // the preferred branch is not the longest
	`x*y`,                    // may start with x or y: no literal set (x* can be empty)
	`\bкот`,                  // looks behind: not accelerated
	`(?m)^кот`,               // likewise
	`кот$`,                   // an end anchor is fine
	`(привет|пока)\s+\p{Lu}`, //
	`[а-я]{3}`,               // a class too large
	`(ab|cd){2,3}e`,          // a repeat's literals
	"\uFFFD",                 // matches bytes that are not UTF-8
	`[\x{FFFD}a]b`,
	`оченьдлинноеслово|короткое`, // literals longer than maxLitLen
	// anchored alternations (altSplit)
	`^(?:ab|a)`,
	`^(a|ab)(c|bcd)`,
	`^(?:\s*\p{Lu}\p{Ll}+\s\d+$|\s*(Пиши|Звоните)[^\n]{0,5}\d$)`,
	`^(?:(?i)кот\d|пёс|\p{Lu}+)`,
	`^(?:x*|y)`,
	// a first word that must hold a literal (firstWordNeed), and shapes
	// that must not get one
	`^(?:\s*(\p{Lu}\p{Ll}+(ть|ти)|Помощь|Кот)\s[^\n]{3,20}?\d+$|\s*(Пиши|Звоните)[^\n]{0,5}\d$)`,
	`^(?:(кот|пёс)\s\d|\s*x?(ab|cd)\s|\s+(ab)+)`,
	`^(?:\s*(a|b c)d|\s*.+кот|\s*(?i)(пиш|звон)\S*\s)`,
	`^(?:\s*(\p{Lu}\p{Ll}+(ть|ти|ться)|Ремонт|Работ[аы])\s[^\n]{3,30}?\d{3,6}\s*$)`,
}

func litTexts(tb testing.TB) []string {
	texts := []string{
		"", "?", ")))", "a)))", "ХА-ха 😂", "😅", "\xf0\x9f\x98", "Когда сделают дорогу?", "кОгДа же? нет.",
		"пишите + в лс", "ПИШИ плюс", "Напишите «+»", "Стучите +", "3к-5к в день", "5 - 10 тыс", "项目 U/个",
		"K", "k", "\u212a", "ss", "SS", "ß", "ẞ", "abbbc", "ab", "abc", "abcd", "xxy", "y", "котик", "скот", "кот",
		"мой кот", "кот\nкот", "привет   Вася", "пока вася", "абв", "ababe", "cdcdcde", "abe", "\xff b", "\xffb",
		"ab\xffb", "оченьдлинноеслово", "оченьдлинноеслов", "короткое", "так короткое",
		"Покрасить забор 5000", "  Покрасить забор 5000", "\tПомощь\tс 12", "\nПиши 5", "Кот\nпёс 12", "ab ", " cd ", "xab ",
		"  abab", "b cd", " пёс 3", "Звоните 1", "Прочти 123 раз 45", "ПИШИТЕ 5", "Покраситься тут 5000",
		"Работа у дома 4000", "Работы нет 4000", "Работай тут 4000", "Ремонт\tкрыши 12000", "Ремонтик 5000", "\n Почти все 5000 ",
	}
	// random mixes of the pieces above
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"а", "Когда", "Пиши", "Звоните", "Кот", "пёс", "КОТ", "Покрасить забор", " - ", "12.000", "4000 ₽", "руб", "₽", "ПОЧЕМУ", "?", ")", "😂", "\xff", "\xf0\x9f", "пиш", "ите", " ", "+", "плюс", "k", "K",
		"ss", "ß", "a", "b", "c", "d", "e", "x", "y", "кот", "\n", "5", "к", "-", "тыс", "项目", "\uFFFD"}
	for range 3000 {
		var b strings.Builder
		for range r.IntN(14) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	// and a sample of the corpus (all of it takes minutes under -race)
	for i, c := range corpusTexts(tb) {
		if i%40 == 0 {
			texts = append(texts, c)
		}
	}
	return texts
}

func TestLitStart_Find_AgreesWithRegexp(t *testing.T) {
	exprs := slices.Clone(litExprs)
	e, err := Load(DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.all {
		var walk func(c *cond)
		walk = func(c *cond) {
			if c == nil {
				return
			}
			if c.kind == cRegex && !c.norm {
				exprs = append(exprs, c.re.String())
			}
			for _, k := range c.kids {
				walk(k)
			}
		}
		walk(r.cond)
	}
	slices.Sort(exprs)
	exprs = slices.Compact(exprs)
	texts := litTexts(t)
	accel := 0
	for _, x := range exprs {
		if a := newAltSplit(x); a != nil {
			accel++
			re := regexp.MustCompile(x)
			for _, s := range texts {
				want := re.FindStringIndex(s)
				got, ok := a.find(s, true)
				if !slices.Equal(want, got) || ok != (want != nil) {
					t.Fatalf("%s on %q: split find %v, regexp %v", x, s, got, want)
				}
				if _, m := a.find(s, false); m != (want != nil) {
					t.Fatalf("%s on %q: split match %v, regexp %v", x, s, m, want != nil)
				}
			}
		}
		l := newLitStart(x)
		if l == nil {
			continue
		}
		accel++
		re := regexp.MustCompile(x)
		for _, s := range texts {
			want, got := re.FindStringIndex(s), l.find(s)
			if !slices.Equal(want, got) {
				t.Fatalf("%s on %q: find %v, regexp %v (literals %q)", x, s, got, want, l.lits)
			}
			if m := l.match(s); m != (want != nil) {
				t.Fatalf("%s on %q: match %v, regexp %v", x, s, m, want != nil)
			}
		}
	}
	if accel < 8 {
		t.Errorf("only %d of %d regexes accelerated", accel, len(exprs))
	}
}

func TestNewLitStart_Literals(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string // nil: not accelerated
	}{
		{`\)\)\)`, []string{")))"}},
		{`[😂😅]`, []string{"😂", "😅"}},
		{`(?i)k`, []string{"K", "k", "\u212a"}},
		{`ab+c|ab`, []string{"ab"}},
		{`x*y`, nil},
		{`\bкот`, nil},
		{`(?m)^кот`, nil},
		{`^кот`, nil},
		{`[а-я]{3}`, nil},
		{"\uFFFD", nil},
		{`оченьдлинноеслово`, []string{"очен"}},
		{`(ab|cd){2,3}e`, []string{"abab", "abcd", "cdab", "cdcd"}},
		{`(привет|пока)\s+\p{Lu}`, []string{"пока", "прив"}}, // cut to maxLitLen bytes
	} {
		l := newLitStart(tc.expr)
		var got []string
		if l != nil {
			got = l.lits
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: literals %q, want %q", tc.expr, got, tc.want)
		}
	}
}

func TestNewAltSplit_Branches(t *testing.T) {
	for _, tc := range []struct {
		expr  string
		needs [][]string // per branch; nil: not split
	}{
		{`^(?:ab|cd)`, [][]string{{"ab"}, {"cd"}}},
		{`^(?:\s*\p{Lu}+\d|\s*\p{Lu}+ (Пиши|Звоните))`, [][]string{{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, {"Звон", "Пиши"}}},
		{`^(?:x*|y)`, [][]string{nil, {"y"}}},
		{`ab|cd`, nil},    // not anchored
		{`^ab(c|d)`, nil}, // no alternation at the top
	} {
		a := newAltSplit(tc.expr)
		var got [][]string
		if a != nil {
			for _, n := range a.needs {
				if n == nil {
					got = append(got, nil)
				} else {
					got = append(got, n.lits)
				}
			}
		}
		if !slices.EqualFunc(got, tc.needs, slices.Equal[[]string]) || (a == nil) != (tc.needs == nil) {
			t.Errorf("%s: needs %q, want %q", tc.expr, got, tc.needs)
		}
	}
}

// TestNewAltSplit_FirstWord: which branches get the literals their first
// word must hold (firstWordNeed): only a part after an optional \s* that
// matches at least one rune and never a \s.
func TestNewAltSplit_FirstWord(t *testing.T) {
	for _, tc := range []struct {
		expr  string
		words [][]string // per branch
		ends  [][]string // per branch: the endings of the whole first word
	}{
		{`^(?:\s*(\p{Lu}\p{Ll}+(ть|ти)|Помощь|Работ[аы])\s\d|кот\d)`, [][]string{{"Помо", "Рабо", "ти", "ть"}, {"кот"}},
			[][]string{{"ти", "ть", "Помощь", "Работа", "Работы"}, nil}}, // кот\d: not followed by a space
		{`^(?:\s*(ab|cd)x?\s|\s+(ab)+)`, [][]string{{"ab", "cd"}, nil}, [][]string{nil, nil}}, // \s+ is not \s*; x? is the next part
		{`^(?:\s*(a|b c)d|\s*.+кот)`, [][]string{nil, nil}, [][]string{nil, nil}},             // a space inside; any rune
		{`^(?:\s*(ab)?\s|\s*x?(ab|cd)\s)`, [][]string{nil, nil}, [][]string{nil, nil}},        // the part after \s* may be empty
		{`^(?:\s*\w+\s|\s*(?i:к)о\s)`, [][]string{nil, {"К", "к"}}, [][]string{nil, nil}},     // a wide class; one part only, not followed by a space
	} {
		a := newAltSplit(tc.expr)
		if a == nil {
			t.Fatalf("%s: not split", tc.expr)
		}
		var got [][]string
		for _, w := range a.words {
			if w == nil {
				got = append(got, nil)
			} else {
				got = append(got, w.lits)
			}
		}
		if !slices.EqualFunc(got, tc.words, slices.Equal[[]string]) {
			t.Errorf("%s: first-word literals %q, want %q", tc.expr, got, tc.words)
		}
		if !slices.EqualFunc(a.ends, tc.ends, slices.Equal[[]string]) {
			t.Errorf("%s: first-word endings %q, want %q", tc.expr, a.ends, tc.ends)
		}
	}
}

func TestNewAltSplit_ShippedSpamTask(t *testing.T) {
	e, err := Load(DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.all {
		if r.id == "spam.task" {
			found := false
			var walk func(c *cond)
			walk = func(c *cond) {
				if c.kind == cRegex && c.alt != nil && len(c.alt.branches) == 2 && c.alt.needs[1] != nil {
					found = true
				}
				for _, k := range c.kids {
					walk(k)
				}
			}
			walk(r.cond)
			if !found {
				t.Error("spam.task's regex is not split (its second branch alone needs a word)")
			}
			return
		}
	}
	t.Skip("no spam.task in the shipped packs")
}

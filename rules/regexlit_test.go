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
}

func litTexts(tb testing.TB) []string {
	texts := []string{
		"", "?", ")))", "a)))", "ХА-ха 😂", "😅", "\xf0\x9f\x98", "Когда сделают дорогу?", "кОгДа же? нет.",
		"пишите + в лс", "ПИШИ плюс", "Напишите «+»", "Стучите +", "3к-5к в день", "5 - 10 тыс", "项目 U/个",
		"K", "k", "\u212a", "ss", "SS", "ß", "ẞ", "abbbc", "ab", "abc", "abcd", "xxy", "y", "котик", "скот", "кот",
		"мой кот", "кот\nкот", "привет   Вася", "пока вася", "абв", "ababe", "cdcdcde", "abe", "\xff b", "\xffb",
		"ab\xffb", "оченьдлинноеслово", "оченьдлинноеслов", "короткое", "так короткое",
	}
	// random mixes of the pieces above
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"а", "Когда", "ПОЧЕМУ", "?", ")", "😂", "\xff", "\xf0\x9f", "пиш", "ите", " ", "+", "плюс", "k", "K",
		"ss", "ß", "a", "b", "c", "d", "e", "x", "y", "кот", "\n", "5", "к", "-", "тыс", "项目", "\uFFFD"}
	for range 3000 {
		var b strings.Builder
		for range r.IntN(12) {
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

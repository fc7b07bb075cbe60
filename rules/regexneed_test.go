package rules

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestRegexNeeds_NeverRejectsAMatch: a text the expression matches has a
// byte of every set regexNeeds asks for, for the shipped packs' expressions
// over the corpus and for made-up ones; and the sets are there to be used.
func TestRegexNeeds_NeverRejectsAMatch(t *testing.T) {
	exprs := []string{
		`\d+/\d+`, `(?i)kelvin`, `(ab|cd)+x`, `a|`, `(a|b)?c`, `[^\n]{2,5}/`, `x{0,3}y{1,2}`, `(?i)(пиш|на)\s*@\w+`,
		`^\s*\p{Lu}[^\n]{2,90}\s[-–—]\s*(от\s)?\d{2,3}[ .]?000\s*(р\.?|руб\.?|₽)\s*/\s*(мес|месяц)\.?\s*$`,
	}
	e := builtin(t)
	var walk func(c *cond)
	walk = func(c *cond) {
		// once each: a pack repeats an expression in many rules (appeals)
		if c.kind == cRegex && !c.norm && !slices.Contains(exprs, c.re.String()) {
			exprs = append(exprs, c.re.String())
		}
		for _, k := range c.kids {
			walk(k)
		}
	}
	for _, r := range e.all {
		walk(r.cond)
	}
	var texts []string
	for i, text := range corpusTexts(t) {
		if i%4 == 0 && len(text) <= 600 { // a sample keeps it quick under -race
			texts = append(texts, text)
		}
	}
	texts = append(texts, "12/34", "KELVIN", "Kelvin", "abcdx", "c", "y", "yy", "пиши @abc",
		"Кладовщик на склад - 90 000 р/мес", "xx/", "")
	for _, expr := range exprs {
		re := regexp.MustCompile(expr)
		needs := regexNeeds(expr)
		for _, text := range texts {
			if !re.MatchString(text) {
				continue
			}
			have := asciiBytes(text)
			for _, n := range needs {
				if !n.meets(have) {
					t.Fatalf("%s matches %q, but regexNeeds rejects it (%v)", expr, text, n)
				}
			}
		}
	}
	slash := false
	for _, n := range regexNeeds(exprs[8]) {
		var b byteSet
		b.add('/')
		slash = slash || n == b
	}
	if !slash {
		t.Error("the monthly-pay expression needs no '/'")
	}
	if regexNeeds(`(?i)kelvin`) != nil || regexNeeds(`a|`) != nil {
		t.Error("a need for an expression a text without the bytes can match")
	}
}

// TestAsciiBytes_AgreesWithByteLoop holds the eight-byte steps of
// asciiBytes to the set taken one byte at a time, on random mixes of
// Cyrillic, spaces and ASCII at every alignment.
func TestAsciiBytes_AgreesWithByteLoop(t *testing.T) {
	pieces := []string{"я", "ё", " ", "  ", ",", "a", "/", "\x00", "\x7f", "\n", "—", "😀", "Ж"}
	r := rand.New(rand.NewPCG(3, 8))
	for range 5000 {
		var sb strings.Builder
		for range r.IntN(40) {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := sb.String()
		var want byteSet
		for i := 0; i < len(s); i++ {
			if s[i] < 0x80 {
				want.add(rune(s[i]))
			}
		}
		if got := asciiBytes(s); got != want {
			t.Fatalf("asciiBytes(%q) = %x, want %x", s, got, want)
		}
	}
}

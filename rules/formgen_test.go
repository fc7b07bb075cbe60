package rules

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// refForms is what parsePatternWith made of src before eachForm: every
// string refExpand makes of it through formOf, the first of equal forms
// kept.
func refForms(src string) ([]form, error) {
	s := strings.TrimSpace(src)
	if strings.HasPrefix(s, "!") {
		s = strings.TrimSpace(s[1:])
	}
	if strings.Trim(s, "* ") == "" {
		return nil, fmt.Errorf("empty entry")
	}
	if !utf8.ValidString(s) {
		s = string([]rune(s))
	}
	alts, err := refExpand([]rune(s))
	if err != nil {
		return nil, fmt.Errorf("entry %q: %w", src, err)
	}
	pn := new(pieceNorm)
	var out []form
	seen := map[string]bool{}
	for _, a := range alts {
		b, f, err := pn.formOf(a)
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", src, err)
		}
		if k := fmt.Sprint(f.anchorStart, f.anchorEnd, string(b)); !seen[k] {
			seen[k] = true
			f.b = bytes.Clone(b)
			out = append(out, f)
		}
	}
	return out, nil
}

func checkForms(t *testing.T, pn *pieceNorm, src string) bool {
	t.Helper()
	want, werr := refForms(src)
	p, gerr := parsePatternWith(src, pn)
	if (werr != nil) != (gerr != nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("entry %q: error %v, want %v", src, gerr, werr)
	}
	if werr != nil {
		return false
	}
	if len(p.forms) != len(want) {
		t.Fatalf("entry %q: %d forms, want %d", src, len(p.forms), len(want))
	}
	for i, g := range p.forms {
		w := want[i]
		if g.anchorStart != w.anchorStart || g.anchorEnd != w.anchorEnd || !bytes.Equal(g.b, w.b) {
			t.Fatalf("entry %q: form %d is %q %v %v, want %q %v %v", src, i, g.b, g.anchorStart, g.anchorEnd, w.b, w.anchorStart, w.anchorEnd)
		}
	}
	return true
}

// TestEachForm_AgreesWithFormOf holds the step-by-step forms of expanded
// entries (eachForm, with the pattern's set of forms) to formOf on every
// expanded string with the first of equal forms kept: the same forms in
// the same order and the same errors, on every entry of the shipped packs
// and on random entries with stars, spaces, groups, sets, ? and letters
// plainLower leaves to Normalize (сс at a word's start, ё, upper case,
// Latin, digits, one-letter words).
func TestEachForm_AgreesWithFormOf(t *testing.T) {
	e, err := Load(DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	pn := new(pieceNorm)
	n := 0
	for _, l := range e.lexicons {
		for _, p := range l.patterns {
			checkForms(t, pn, p.src)
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d shipped entries", n)
	}
	letters := []string{"а", "б", "с", "е", "й", "я", "п", "р", "о", "оо", "а", "б", "с", "е", "й", "я", "п", "р", "о", "оо", "ё",
		"сс", "Ё", "С", "x", "0"} // the last five rarer: plainLower leaves them to Normalize
	r := rand.New(rand.NewPCG(5, 8))
	var gen func(depth int) string
	gen = func(depth int) string {
		var sb strings.Builder
		for k := 1 + r.IntN(4); k > 0; k-- {
			switch x := r.IntN(14); {
			case x < 7:
				for m := 1 + r.IntN(3); m > 0; m-- {
					l := letters[r.IntN(len(letters)-5)]
					if r.IntN(12) == 0 {
						l = letters[r.IntN(len(letters))]
					}
					sb.WriteString(l)
				}
				if r.IntN(5) == 0 {
					sb.WriteByte('?') // the last letter optional
				}
				if r.IntN(40) == 0 { // stray syntax, wider runes, a broken byte
					sb.WriteString([]string{")", "|", "]", "(", "[", "?", "[]", "€", "😀", "\xff", "\xd1"}[r.IntN(11)])
				}
			case x < 9:
				sb.WriteByte(' ')
			case x < 10:
				sb.WriteByte('*')
			case x < 11:
				sb.WriteString("[" + letters[r.IntN(3)] + letters[r.IntN(len(letters))] + "]")
			default:
				if depth > 1 {
					sb.WriteString(letters[r.IntN(len(letters))])
					continue
				}
				sb.WriteByte('(')
				for a := 1 + r.IntN(3); a > 0; a-- {
					sb.WriteString(gen(depth + 1))
					if a > 1 {
						sb.WriteByte('|')
					}
				}
				sb.WriteByte(')')
				if r.IntN(3) == 0 {
					sb.WriteByte('?')
				}
			}
		}
		return sb.String()
	}
	ok := 0
	for range 20000 {
		if checkForms(t, pn, gen(0)) {
			ok++
		}
	}
	if ok < 5000 {
		t.Fatalf("only %d of 20,000 random entries valid: the test proves little", ok)
	}
}

// TestExpand_PlainRunIsItself holds the short cut for a group's plain
// alternatives (letters, spaces and stars, no other syntax): the steps
// of such a run multiply out to the run itself, once.
func TestExpand_PlainRunIsItself(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	parts := []string{"а", "б", "с", " ", "*", "**", "x", "0", "ё"}
	for range 2000 {
		var sb strings.Builder
		for k := r.IntN(6); k > 0; k-- {
			sb.WriteString(parts[r.IntN(len(parts))])
		}
		if !plainRun(sb.String()) {
			t.Fatalf("%q is a plain run", sb.String())
		}
		steps, n, err := expandSteps(sb.String())
		if err != nil {
			t.Fatal(err)
		}
		if got := product(steps, n); len(got) != 1 || got[0] != sb.String() {
			t.Fatalf("%q expands to %q", sb.String(), got)
		}
	}
	for _, s := range []string{"а?", "(а)", "[аб]", "а|б"} {
		if plainRun(s) {
			t.Errorf("%q is no plain run", s)
		}
	}
}

// refExpand is expand as it was, on runes (the reference): turns the mini-syntax into literal strings: the alternatives of
// each step (a letter run, a set, a group), multiplied out in order.
func refExpand(rs []rune) ([]string, error) {
	var steps [][]string
	n := 1
	for i := 0; i < len(rs); {
		var alts []string
		switch rs[i] {
		case '[':
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) || j == i+1 {
				return nil, errors.New("unclosed or empty [")
			}
			for _, r := range rs[i+1 : j] {
				alts = append(alts, string(r))
			}
			i = j + 1
		case '(':
			depth, j := 0, i
			for ; j < len(rs); j++ {
				if rs[j] == '(' {
					depth++
				} else if rs[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j >= len(rs) {
				return nil, errors.New("unclosed (")
			}
			// split the inside at top-level |
			inner := rs[i+1 : j]
			d, start := 0, 0
			for k := 0; k <= len(inner); k++ {
				if k == len(inner) || (inner[k] == '|' && d == 0) {
					sub, err := refExpand(inner[start:k])
					if err != nil {
						return nil, err
					}
					alts = append(alts, sub...)
					start = k + 1
					continue
				}
				switch inner[k] {
				case '(':
					d++
				case ')':
					d--
				}
			}
			i = j + 1
		case '*':
			alts = []string{"*"}
			i++
		case ']', ')', '|':
			return nil, fmt.Errorf("unexpected %q", rs[i])
		case '?':
			return nil, errors.New("? must follow a letter, [set] or (group)")
		default:
			// a run of plain letters is one step (the last one stays
			// apart when a ? follows it)
			j := i + 1
			for j < len(rs) && !strings.ContainsRune("[]()|*?", rs[j]) {
				j++
			}
			if j < len(rs) && rs[j] == '?' && j-1 > i {
				j--
			}
			alts = []string{string(rs[i:j])}
			i = j
		}
		if i < len(rs) && rs[i] == '?' {
			alts = append(alts, "")
			i++
		}
		if n*len(alts) > maxForms {
			return nil, fmt.Errorf("expands to more than %d forms", maxForms)
		}
		n *= len(alts)
		steps = append(steps, alts)
	}
	return product(steps, n), nil
}

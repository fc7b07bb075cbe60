package rules

import (
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// litStart runs a regex that may match anywhere only where a match can
// start. Go's matcher skips ahead only to a literal prefix; a regex that
// starts with a class or an alternation ([😂🤣], (когда|почему)…, (?i)пиш)
// it tries at every rune, which on a comment costs ten or more
// microseconds. When every match starts with one of a few literal strings,
// the occurrences of those strings are the only places a match can start,
// and the regex anchored there (^(?:expr) on the rest of the text) finds
// the same match: the leftmost start is the first occurrence where it
// matches, and from a given start the anchored regex prefers what the
// unanchored one does. That holds when nothing in the regex looks before
// its start (^, \A, \b, \B), which newLitStart checks.
type litStart struct {
	lits []string // sorted; a match starts with one of them
	anch *regexp.Regexp
	// one: bytes that are a literal of one byte; two: the first two bytes
	// of the longer literals (a 65536-bit set).
	one [4]uint64
	two []uint64
	// first is the first byte of every literal when they share it (the
	// scan jumps with IndexByte), else -1.
	first int
}

// Bounds of the literal set: more strings would make the scan slower than
// the matcher.
const (
	maxLits    = 128
	maxLitLen  = 8 // bytes kept of each literal: a prefix of a prefix is a prefix
	maxClassRn = 16
)

// newLitStart returns the accelerator of expr, or nil when it has none.
func newLitStart(expr string) *litStart {
	t, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	t = t.Simplify()
	if looksBehind(t) {
		return nil
	}
	lits, _, ok := prefixes(t)
	if !ok || len(lits) == 0 {
		return nil
	}
	anch, err := regexp.Compile(`^(?:` + expr + `)`)
	if err != nil {
		return nil
	}
	sort.Strings(lits)
	lits = dedupe(lits)
	l := &litStart{lits: lits, anch: anch, two: make([]uint64, 1<<16/64), first: int(lits[0][0])}
	for _, s := range lits {
		if len(s) == 0 {
			return nil
		}
		if int(s[0]) != l.first {
			l.first = -1
		}
		if len(s) == 1 {
			l.one[s[0]>>6] |= 1 << (s[0] & 63)
		} else {
			k := int(s[0])<<8 | int(s[1])
			l.two[k>>6] |= 1 << (k & 63)
		}
	}
	return l
}

// looksBehind reports an assertion about the text before a position.
func looksBehind(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, s := range t.Sub {
		if looksBehind(s) {
			return true
		}
	}
	return false
}

// prefixes returns strings one of which every match of t starts with, and
// whether t matches exactly these strings (so a concatenation may extend
// them); ok is false when no small set is known.
func prefixes(t *syntax.Regexp) (lits []string, exact, ok bool) {
	switch t.Op {
	case syntax.OpLiteral:
		out, exact := []string{""}, true
		for _, r := range t.Rune {
			alts := []rune{r}
			if t.Flags&syntax.FoldCase != 0 {
				alts = foldOrbit(r)
			}
			rs := runeStrings(alts)
			if rs == nil {
				return nil, false, false
			}
			p, cut := litProduct(out, rs)
			if p == nil {
				exact = false
				break
			}
			out, exact = p, !cut
			if cut {
				break
			}
		}
		if len(out) == 1 && out[0] == "" {
			return nil, false, false
		}
		return out, exact, true
	case syntax.OpCharClass:
		var rs []rune
		for i := 0; i+1 < len(t.Rune); i += 2 {
			if t.Rune[i+1]-t.Rune[i] >= maxClassRn || len(rs) > maxClassRn {
				return nil, false, false
			}
			for r := t.Rune[i]; r <= t.Rune[i+1]; r++ {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 || len(rs) > maxClassRn {
			return nil, false, false
		}
		out := runeStrings(rs)
		return out, true, out != nil
	case syntax.OpCapture:
		return prefixes(t.Sub[0])
	case syntax.OpPlus:
		lits, _, ok := prefixes(t.Sub[0])
		return lits, false, ok
	case syntax.OpRepeat:
		if t.Min < 1 {
			return nil, false, false
		}
		lits, _, ok := prefixes(t.Sub[0])
		return lits, false, ok
	case syntax.OpAlternate:
		exact = true
		for _, s := range t.Sub {
			l, e, ok := prefixes(s)
			if !ok {
				return nil, false, false
			}
			lits = append(lits, l...)
			exact = exact && e
			if len(lits) > maxLits {
				return nil, false, false
			}
		}
		return lits, exact, true
	case syntax.OpConcat:
		lits, exact = []string{""}, true
		for _, s := range t.Sub {
			l, e, ok := prefixes(s)
			if !ok {
				exact = false
				break
			}
			p, cut := litProduct(lits, l)
			if p == nil {
				exact = false
				break
			}
			lits, exact = p, e && !cut
			if !exact {
				break
			}
		}
		if len(lits) == 1 && lits[0] == "" {
			return nil, false, false
		}
		return lits, exact, true
	}
	return nil, false, false
}

// litProduct is every a+b, cut to maxLitLen bytes (whole runes; cut says
// whether one was), or nil when there would be more than maxLits.
func litProduct(as, bs []string) (out []string, cut bool) {
	if len(as)*len(bs) > maxLits {
		return nil, false
	}
	out = make([]string, 0, len(as)*len(bs))
	for _, a := range as {
		for _, b := range bs {
			ab := cutRunes(a+b, maxLitLen)
			cut = cut || len(ab) < len(a)+len(b)
			out = append(out, ab)
		}
	}
	return dedupe(out), cut
}

// cutRunes cuts s to at most n bytes without splitting a rune.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// runeStrings is each rune as a string; nil for U+FFFD, which the matcher
// also finds in bytes that are not UTF-8 (a literal search would not).
func runeStrings(rs []rune) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		if r == utf8.RuneError {
			return nil
		}
		out[i] = string(r)
	}
	return out
}

// foldOrbit is r and every rune case folding makes equal to it.
func foldOrbit(r rune) []rune {
	out := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		out = append(out, f)
	}
	return out
}

// next returns the first i >= from where a literal starts, or -1.
func (l *litStart) next(s string, from int) int {
	for i := from; i < len(s); i++ {
		if l.first >= 0 {
			k := strings.IndexByte(s[i:], byte(l.first))
			if k < 0 {
				return -1
			}
			i += k
		}
		c := s[i]
		if l.one[c>>6]&(1<<(c&63)) != 0 {
			return i
		}
		if i+1 >= len(s) {
			return -1
		}
		k := int(c)<<8 | int(s[i+1])
		if l.two[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		// the literals with these two bytes are together in the sorted list
		rest := s[i:]
		j := sort.SearchStrings(l.lits, rest[:2])
		for ; j < len(l.lits) && l.lits[j][0] == c && l.lits[j][1] == s[i+1]; j++ {
			if strings.HasPrefix(rest, l.lits[j]) {
				return i
			}
		}
	}
	return -1
}

// match reports whether the regex matches s.
func (l *litStart) match(s string) bool {
	for i := l.next(s, 0); i >= 0; i = l.next(s, i+1) {
		if l.anch.MatchString(s[i:]) {
			return true
		}
	}
	return false
}

// find is regexp.FindStringIndex of the regex.
func (l *litStart) find(s string) []int {
	for i := l.next(s, 0); i >= 0; i = l.next(s, i+1) {
		if loc := l.anch.FindStringIndex(s[i:]); loc != nil {
			loc[0] += i
			loc[1] += i
			return loc
		}
	}
	return nil
}

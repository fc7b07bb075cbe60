package rules

import (
	"regexp"
	"regexp/syntax"
	"slices"
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
	litSet // a match starts with one of these
	anch   *regexp.Regexp
}

// litSet finds the occurrences of a few literal strings.
type litSet struct {
	lits []string // sorted
	// one: bytes that are a literal of one byte; two: the first two bytes
	// of the longer literals (a 65536-bit set).
	one [4]uint64
	two []uint64
	// first is the first byte of every literal when they share it (the
	// scan jumps with IndexByte), else -1.
	first int
	// rare, for a few literals, is the offset in each of its rarest byte
	// (byteRank): IndexByte on it skips most of a text, where a lead
	// byte of Cyrillic (every other byte) would not.
	rare []int
}

// Bounds of the literal set: more strings would make the scan slower than
// the matcher.
const (
	maxLits    = 128
	maxLitLen  = 8 // bytes kept of each literal: a prefix of a prefix is a prefix
	maxClassRn = 16
	fewLits    = 16 // up to this many, next searches each by its rarest byte
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
	if !ok || len(lits) == 0 || lits[0] == "" && len(lits) == 1 {
		return nil
	}
	anch, err := regexp.Compile(`^(?:` + expr + `)`)
	if err != nil {
		return nil
	}
	set := newLitSet(lits)
	if set == nil {
		return nil
	}
	return &litStart{litSet: *set, anch: anch}
}

// newLitSet returns the scanner of lits, or nil when one is empty.
func newLitSet(lits []string) *litSet {
	lits = dedupe(lits)
	if len(lits) == 0 {
		return nil
	}
	l := &litSet{lits: lits, two: make([]uint64, 1<<16/64), first: int(lits[0][0])}
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
	if len(lits) <= fewLits {
		for _, w := range lits {
			best := 0
			for i := 1; i < len(w); i++ {
				if byteRank(w[i]) < byteRank(w[best]) {
					best = i
				}
			}
			l.rare = append(l.rare, best)
		}
	}
	return l
}

// byteRank says how common a byte is in Russian comments, roughly: the
// lead bytes of Cyrillic, then the second bytes of lower-case letters,
// then spaces and lower-case Latin, then capitals and digits, then the
// rest (capital Cyrillic letters' second bytes, emoji, signs).
func byteRank(b byte) int {
	switch {
	case b == 0xD0 || b == 0xD1:
		return 4
	case b >= 0x80 && b <= 0x8F || b >= 0xB0 && b <= 0xBF:
		return 3
	case b == ' ' || b >= 'a' && b <= 'z' || b == ',' || b == '.':
		return 2
	case b >= 'A' && b <= 'Z' || b >= '0' && b <= '9':
		return 1
	}
	return 0
}

// cursor is litSet.next's memory of one text: per literal, 1 + where it
// occurs next (0: not searched yet, -1: nowhere further), so that calls
// with a growing from stay linear in the text all together.
type cursor [fewLits]int

// nextRare is next for a few literals: each found by its rarest byte.
func (l *litSet) nextRare(s string, from int, cur *cursor) int {
	at := -1
	for i := range l.lits {
		if cur[i] < 0 {
			continue // no further occurrence
		}
		if cur[i] == 0 || cur[i]-1 < from {
			if cur[i] = l.find(s, from, i) + 1; cur[i] == 0 {
				cur[i] = -1
				continue
			}
		}
		if p := cur[i] - 1; at < 0 || p < at {
			at = p
		}
	}
	return at
}

// find returns the first start >= from of literal i, or -1.
func (l *litSet) find(s string, from, i int) int {
	w, off := l.lits[i], l.rare[i]
	for p := from + off; p < len(s); p++ {
		k := strings.IndexByte(s[p:], w[off])
		if k < 0 {
			return -1
		}
		p += k
		if strings.HasPrefix(s[p-off:], w) {
			return p - off
		}
	}
	return -1
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
	s = slices.Clone(s)
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
// A search starts with a zero cursor and passes it to every call.
func (l *litSet) next(s string, from int, cur *cursor) int {
	if l.rare != nil {
		return l.nextRare(s, from, cur)
	}
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
	var cur cursor
	for i := l.next(s, 0, &cur); i >= 0; i = l.next(s, i+1, &cur) {
		if l.anch.MatchString(s[i:]) {
			return true
		}
	}
	return false
}

// find is regexp.FindStringIndex of the regex.
func (l *litStart) find(s string) []int {
	var cur cursor
	for i := l.next(s, 0, &cur); i >= 0; i = l.next(s, i+1, &cur) {
		if loc := l.anch.FindStringIndex(s[i:]); loc != nil {
			loc[0] += i
			loc[1] += i
			return loc
		}
	}
	return nil
}

// altSplit runs a regex anchored at the text's start whose body is an
// alternation, \A(?:A|B), one branch at a time, each only when the text
// has a literal the branch cannot match without. The shipped spam.task
// is one: whole, its program is too large for Go's backtracker and runs
// on the slower NFA (2.1 µs a comment); apart, its first branch fits the
// backtracker and its second needs a word («Пишите», «Звоните», …) that
// few texts have. Both branches start at the text's start, so the first
// that matches gives the match the whole regex prefers.
type altSplit struct {
	branches []*regexp.Regexp
	needs    []*litSet // per branch: the text has one of these, or nil
	// words, per branch: its first word (after leading \s) has one of
	// these, or nil (firstWordNeed)
	words []*litSet
	ends  [][]string // per branch: its first word ends with one of these, or nil
}

// newAltSplit returns the split form of expr, or nil when it is not of
// that shape.
func newAltSplit(expr string) *altSplit {
	t, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	t = t.Simplify()
	if t.Op != syntax.OpConcat || len(t.Sub) != 2 || t.Sub[0].Op != syntax.OpBeginText || t.Sub[1].Op != syntax.OpAlternate {
		return nil
	}
	// the branches' own source: syntax.Regexp.String would do, but it
	// computes flags over every rune of a class like \p{Lu} (0.8 s of
	// start-up for spam.task)
	alts := t.Sub[1].Sub
	src, ok := topBranches(expr)
	if !ok || len(src) != len(alts) {
		return nil
	}
	a := &altSplit{}
	for i, b := range alts {
		bt, err := syntax.Parse(src[i], syntax.Perl)
		if err != nil || !uncapture(bt.Simplify()).Equal(uncapture(b)) {
			return nil // not the branch the whole regex has
		}
		re, err := regexp.Compile(`\A(?:` + src[i] + `)`)
		if err != nil {
			return nil
		}
		var need *litSet
		if lits := required(b); lits != nil {
			need = newLitSet(lits)
		}
		a.branches = append(a.branches, re)
		a.needs = append(a.needs, need)
		words, ends := firstWordNeed(b)
		a.words = append(a.words, words)
		a.ends = append(a.ends, ends)
	}
	return a
}

// uncapture numbers no group of t (a branch alone numbers its groups from
// 1; only the match's bounds are used, not its groups).
func uncapture(t *syntax.Regexp) *syntax.Regexp {
	t.Cap, t.Name = 0, ""
	for _, s := range t.Sub {
		uncapture(s)
	}
	return t
}

// topBranches splits ^(?:A|B|…) into the sources of A, B, …; false when
// expr is not written so.
func topBranches(expr string) ([]string, bool) {
	if !strings.HasPrefix(expr, "^(?:") || !strings.HasSuffix(expr, ")") {
		return nil, false
	}
	body := expr[len("^(?:") : len(expr)-1]
	var out []string
	depth, start, inClass := 0, 0, false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
			if i+1 < len(body) && body[i+1] == '^' {
				i++
			}
			if i+1 < len(body) && body[i+1] == ']' {
				i++ // a ] first in a class is itself
			}
		case c == '(':
			depth++
		case c == ')':
			if depth--; depth < 0 {
				return nil, false // the group closed before the end
			}
		case c == '|' && depth == 0:
			out = append(out, body[start:i])
			start = i + 1
		}
	}
	if depth != 0 || inClass {
		return nil, false
	}
	return append(out, body[start:]), true
}

// required returns strings one of which is in every text t matches (nil:
// none known): the literal starts of t itself or of one of its parts.
func required(t *syntax.Regexp) []string {
	if l, _, ok := prefixes(t); ok && !(len(l) == 1 && l[0] == "") {
		return l
	}
	switch t.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return required(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return required(t.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		for _, s := range t.Sub {
			if l := required(s); l != nil && (best == nil || minLen(l) > minLen(best) || minLen(l) == minLen(best) && len(l) < len(best)) {
				best = l
			}
		}
		return best
	case syntax.OpAlternate:
		var out []string
		for _, s := range t.Sub {
			l := required(s)
			if l == nil || len(out)+len(l) > maxLits {
				return nil
			}
			out = append(out, l...)
		}
		return out
	}
	return nil
}

func minLen(l []string) int {
	m := len(l[0])
	for _, s := range l[1:] {
		m = min(m, len(s))
	}
	return m
}

func hasSuffixOf(w string, ends []string) bool {
	for _, e := range ends {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// find is regexp.FindStringIndex of the regex; with loc false it only
// reports whether it matches (allocating nothing).
func (a *altSplit) find(s string, loc bool) ([]int, bool) {
	w := firstWord(s)
	for i, re := range a.branches {
		if a.ends[i] != nil && !hasSuffixOf(w, a.ends[i]) {
			continue
		}
		if a.words[i] != nil && a.words[i].next(w, 0, new(cursor)) < 0 {
			continue
		}
		if a.needs[i] != nil && a.needs[i].next(s, 0, new(cursor)) < 0 {
			continue
		}
		if !loc {
			if re.MatchString(s) {
				return nil, true
			}
			continue
		}
		if l := re.FindStringIndex(s); l != nil {
			return l, true
		}
	}
	return nil, false
}

package rules

import (
	"regexp/syntax"
)

// byteSet is a set of ASCII bytes.
type byteSet [2]uint64

func (b *byteSet) add(c rune)             { b[c>>6] |= 1 << (c & 63) }
func (b byteSet) count() int              { return popcount(b[0]) + popcount(b[1]) }
func (b byteSet) meets(o byteSet) bool    { return b[0]&o[0] != 0 || b[1]&o[1] != 0 }
func (b byteSet) union(o byteSet) byteSet { return byteSet{b[0] | o[0], b[1] | o[1]} }
func (b byteSet) empty() bool             { return b[0]|b[1] == 0 }

// regexNeeds returns byte sets of which a text must contain one byte each
// for the expression to match anywhere in it ("/мес" needs a '/'): a text
// missing one is not matched at all, which is cheaper to see than the
// matcher's no. Only exact ASCII requirements are kept (a literal letter
// without case folding, a class of ASCII bytes); nil when none is known.
func regexNeeds(expr string) []byteSet {
	t, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	return needsOf(t.Simplify())
}

// needsOf lists what t needs: all of the sets.
func needsOf(t *syntax.Regexp) []byteSet {
	switch t.Op {
	case syntax.OpLiteral:
		if t.Flags&syntax.FoldCase != 0 {
			return nil // (?i)k also matches the Kelvin sign: not ASCII
		}
		var out []byteSet
		for _, r := range t.Rune {
			if r < 0x80 {
				var b byteSet
				b.add(r)
				out = append(out, b)
			}
		}
		return out
	case syntax.OpCharClass:
		var b byteSet
		for i := 0; i+1 < len(t.Rune); i += 2 {
			lo, hi := t.Rune[i], t.Rune[i+1]
			if hi >= 0x80 {
				return nil // a non-ASCII rune would do
			}
			for r := lo; r <= hi; r++ {
				b.add(r)
			}
		}
		if b.empty() {
			return nil
		}
		return []byteSet{b}
	case syntax.OpCapture, syntax.OpPlus:
		return needsOf(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return needsOf(t.Sub[0])
		}
	case syntax.OpConcat:
		var out []byteSet
		for _, s := range t.Sub {
			out = append(out, needsOf(s)...)
		}
		return out
	case syntax.OpAlternate:
		// one byte of any branch's narrowest set
		var u byteSet
		for _, s := range t.Sub {
			ns := needsOf(s)
			if len(ns) == 0 {
				return nil
			}
			best := ns[0]
			for _, n := range ns[1:] {
				if n.count() < best.count() {
					best = n
				}
			}
			u = u.union(best)
		}
		return []byteSet{u}
	}
	return nil
}

// asciiBytes is the set of ASCII bytes in s. Eight bytes that are all
// Cyrillic (≥ 0x80) or spaces are taken at once, as one word test.
func asciiBytes(s string) byteSet {
	const hi, lo, sp = 0x8080808080808080, 0x7F7F7F7F7F7F7F7F, 0x2020202020202020
	var b byteSet
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		v := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		x := v ^ sp
		space := ^((x&lo + lo) | x) & hi // the high bit of each byte that is a space
		if ascii := ^v & hi; ascii&^space == 0 {
			if space != 0 {
				b[0] |= 1 << ' '
			}
			continue
		}
		for _, c := range []byte(w) {
			if c < 0x80 {
				b[c>>6] |= 1 << (c & 63)
			}
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x80 {
			b[c>>6] |= 1 << (c & 63)
		}
	}
	return b
}

package store

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// foldNeedle is a search text for a case-insensitive scan of raw records:
// the needle and the encodings of its first rune in every case, to find
// candidate positions with bytes.Index before comparing rune by rune.
type foldNeedle struct {
	text  []byte
	first [][]byte
}

func newFoldNeedle(s string) foldNeedle {
	n := foldNeedle{text: []byte(s)}
	r, _ := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return n
	}
	seen := map[rune]bool{}
	for f := r; !seen[f]; f = unicode.SimpleFold(f) {
		seen[f] = true
		n.first = append(n.first, utf8.AppendRune(nil, f))
	}
	return n
}

// in reports whether raw contains the needle, ignoring case (Unicode
// simple folding, as strings.EqualFold).
func (n foldNeedle) in(raw []byte) bool {
	if len(n.text) == 0 {
		return true
	}
	if len(n.first) == 0 {
		return bytes.Contains(raw, n.text)
	}
	for _, f := range n.first {
		for off := 0; off < len(raw); {
			i := bytes.Index(raw[off:], f)
			if i < 0 {
				break
			}
			if hasPrefixFold(raw[off+i:], n.text) {
				return true
			}
			off += i + len(f)
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix []byte) bool {
	for len(prefix) > 0 {
		if len(s) == 0 {
			return false
		}
		a, na := utf8.DecodeRune(s)
		b, nb := utf8.DecodeRune(prefix)
		if a != b && !equalFoldRune(a, b) {
			return false
		}
		s, prefix = s[na:], prefix[nb:]
	}
	return true
}

func equalFoldRune(a, b rune) bool {
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

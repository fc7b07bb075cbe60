package store

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// The case-insensitive search of raw records (PageQuery.Fold): the record
// is lowered rune by rune as strings.ToLower does (fast paths for ASCII
// and Russian letters) into a reused buffer, then searched with
// bytes.Index. A text the decoded check finds is always found here; the
// record's framing bytes may add false hits, which the check drops.

// folder lowers records for a set of lower-case needles.
type folder struct {
	needles [][]byte
	buf     []byte
}

func newFolder(needles []string) *folder {
	if len(needles) == 0 {
		return nil
	}
	f := &folder{}
	for _, n := range needles {
		f.needles = append(f.needles, lowerInto(nil, []byte(n)))
	}
	return f
}

// all reports whether raw contains every needle, ignoring case.
func (f *folder) all(raw []byte) bool {
	if f == nil {
		return true
	}
	f.buf = lowerInto(f.buf[:0], raw)
	for _, n := range f.needles {
		if !bytes.Contains(f.buf, n) {
			return false
		}
	}
	return true
}

// lowerInto appends s lowered to dst. Bytes that are not valid UTF-8 are
// copied as they are.
func lowerInto(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		case c == 0xD0 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0xBF:
			// U+0400–U+043F: Ѐ–Џ → ѐ–џ, А–П → а–п, Р–Я → р–я, а–п stay.
			d := s[i+1]
			switch {
			case d <= 0x8F:
				dst = append(dst, 0xD1, d+0x10)
			case d <= 0x9F:
				dst = append(dst, 0xD0, d+0x20)
			case d <= 0xAF:
				dst = append(dst, 0xD1, d-0x20)
			default:
				dst = append(dst, 0xD0, d)
			}
			i += 2
			continue
		case c == 0xD1 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F:
			// U+0440–U+045F: р–я, ѐ–џ are lower already.
			dst = append(dst, c, s[i+1])
			i += 2
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, c)
			i++
			continue
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += n
	}
	return dst
}

package rules

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/strazh/strazh/rules/normalize"
)

// A lexicon entry is written as
//
//	хуй        the whole word
//	бля*       a word starting with бля
//	*бляд*     a word containing бляд
//	*ёб        a word ending with ёб
//	пиши в лс  a phrase (words in order)
//	!*страху*  an exception: hits of this lexicon that overlap it are dropped
//
// with [абв] for one letter of a set, (на|по|ни) for alternatives and ? after
// a letter, set or group to make it optional. Entries are normalised like
// comments (ё is е, doubled letters are one), so they match every disguise.
type pattern struct {
	src       string
	exception bool
	forms     []form // normalised literal expansions
}

// form is one literal expansion of an entry. Star bytes inside stand for
// the rest of a word (пассивн* доход*).
type form struct {
	b                      []byte
	anchorStart, anchorEnd bool
}

// Star is the byte that stands for "any letters up to the end of the word"
// inside a form.
const Star byte = 0x01

const maxForms = 4096

func parsePattern(src string) (*pattern, error) {
	return parsePatternWith(src, new(pieceNorm))
}

// parsePatternWith is parsePattern normalising with pn (reused across the
// entries of a load).
func parsePatternWith(src string, pn *pieceNorm) (*pattern, error) {
	p := &pattern{src: src}
	s := strings.TrimSpace(src)
	if strings.HasPrefix(s, "!") {
		p.exception = true
		s = strings.TrimSpace(s[1:])
	}
	if strings.Trim(s, "* ") == "" {
		return nil, errors.New("empty entry")
	}
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // each broken byte a U+FFFD, as a rune each
	}
	steps, n, err := expandSteps(s)
	if err != nil {
		return nil, fmt.Errorf("entry %q: %w", src, err)
	}
	// the forms written one after another into one array, as large as the
	// expanded strings with two bytes each (every alternative of a step is
	// in n/len(step) of them); pn.seen finds a form already written
	size := 2 * n
	for _, st := range steps {
		l := 0
		for _, a := range st {
			l += len(a)
		}
		size += l * (n / len(st))
	}
	arena := make([]byte, 0, size)
	p.forms = make([]form, 0, n)
	pn.seen.reset(n)
	err = pn.eachForm(steps, n, func(b []byte, f form) {
		h := formHash(b, f.anchorStart, f.anchorEnd)
		slot, dup := pn.seen.find(h, b, f, p.forms)
		if dup {
			return
		}
		if len(b) > cap(arena)-len(arena) {
			arena = make([]byte, 0, max(size, len(b))) // the estimate fell short: a new array
		}
		at := len(arena)
		arena = append(arena, b...)
		pn.seen.add(slot, h, int32(len(p.forms)))
		f.b = arena[at:len(arena):len(arena)]
		p.forms = append(p.forms, f)
	})
	if err != nil {
		return nil, fmt.Errorf("entry %q: %w", src, err)
	}
	return p, nil
}

// formOf is the form of one expanded string a, written into pn.rbuf (valid
// until the next call): the reference the fast path of eachForm is held to.
func (pn *pieceNorm) formOf(a string) ([]byte, form, error) {
	f := form{anchorStart: true, anchorEnd: true}
	if strings.HasPrefix(a, "*") {
		f.anchorStart = false
	}
	if strings.HasSuffix(a, "*") {
		f.anchorEnd = false
	}
	// normalise each star-separated piece, then put the stars back
	rest := strings.Trim(a, "*")
	b := pn.rbuf[:0]
	for i := 0; ; i++ {
		pc, more, found := strings.Cut(rest, "*")
		if i > 0 {
			b = append(b, Star)
		}
		lead := strings.HasPrefix(pc, " ")
		trail := strings.HasSuffix(pc, " ")
		n := pn.normalize(pc)
		if len(n) == 0 && strings.TrimSpace(pc) != "" {
			return nil, f, fmt.Errorf("%q has no letters", pc)
		}
		if lead && i > 0 {
			b = append(b, normalize.Space)
		}
		b = append(b, n...)
		if trail && found && len(n) > 0 {
			b = append(b, normalize.Space)
		}
		if !found {
			break
		}
		rest = more
	}
	pn.rbuf = b
	if len(b) == 0 {
		return nil, f, fmt.Errorf("%q has no letters", a)
	}
	return b, f, nil
}

// pieceNorm normalises the pieces of expanded entries in one reused Text.
type pieceNorm struct {
	nt   normalize.Text
	buf  []byte
	rbuf []byte     // formOf's form
	fbuf []byte     // eachForm's forms
	st   []lowState // eachForm's states, by step
	pick []int
	seen formSet
}

// normalize returns N of pc without its outer spaces; it is valid until
// the next call.
func (pn *pieceNorm) normalize(pc string) []byte {
	if b, ok := plainLower(pc, pn.buf[:0]); ok {
		pn.buf = b
		return b
	}
	pn.nt.Normalize(pc)
	return trim(pn.nt.N)
}

// plainLower is what Normalize makes of words of lower-case а..я and ё
// between single spaces: the letters in the one-byte alphabet, a repeated
// letter once, the words apart by one space, no outer spaces. Most pieces
// of expanded entries are such phrases, and normalising them was most of
// the start-up's normalising. It reports false, for Normalize to do, on
// anything else, on a word starting with сс (Normalize may keep the
// double) and on three one-letter words in a row (Normalize joins them)
// (TestPlainLower_AgreesWithNormalize).
func plainLower(pc string, b []byte) ([]byte, bool) {
	last, singles, word := byte(normalize.Space), 0, 0
	for i := 0; i < len(pc); {
		c := pc[i]
		if c == ' ' {
			if i+1 < len(pc) && pc[i+1] == ' ' {
				return b, false
			}
			if word == 1 {
				if singles++; singles >= 3 {
					return b, false
				}
			} else if word > 1 {
				singles = 0
			}
			if word > 0 {
				b = append(b, normalize.Space)
			}
			last, word = normalize.Space, 0
			i++
			continue
		}
		if i+1 >= len(pc) {
			return b, false
		}
		var x byte
		switch d := pc[i+1]; {
		case c == 0xD0 && d >= 0xB0 && d <= 0xBF: // а..п
			x = d - 0xB0 + 0xE0
		case c == 0xD1 && d >= 0x80 && d <= 0x8F: // р..я
			x = d - 0x80 + 0xF0
		case c == 0xD1 && d == 0x91: // ё is е
			x = 0xE5
		default:
			return b, false
		}
		if x == 0xF1 && last == normalize.Space && i+3 < len(pc) && pc[i+2] == 0xD1 && pc[i+3] == 0x81 {
			return b, false // сс at a word's start
		}
		if x != last {
			b = append(b, x)
			word++
			last = x
		}
		i += 2
	}
	if word == 1 && singles >= 2 {
		return b, false
	}
	if n := len(b); n > 0 && b[n-1] == normalize.Space {
		b = b[:n-1]
	}
	return b, len(b) > 0
}

// formHash is a hash of a form's bytes (eight at a time) and anchors.
func formHash(b []byte, anchorStart, anchorEnd bool) uint64 {
	h := uint64(len(b))<<2 | uint64(b2b(anchorStart))<<1 | uint64(b2b(anchorEnd))
	for len(b) >= 8 {
		h = mix64(h, binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	var t uint64
	for i, c := range b {
		t |= uint64(c) << (8 * i)
	}
	return mix64(h, t)
}

// plainRun reports whether s has none of the syntax but stars: a run of
// letters and stars expands to itself.
func plainRun(s string) bool {
	return !strings.ContainsAny(s, "[]()|?")
}

func trim(b []byte) []byte {
	for len(b) > 0 && b[0] == normalize.Space {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == normalize.Space {
		b = b[:len(b)-1]
	}
	return b
}

// expand turns the mini-syntax into literal strings: the alternatives of
// each step (a letter run, a set, a group), multiplied out in order. s is
// valid UTF-8 (parsePatternWith makes it so).
func expand(s string) ([]string, error) {
	steps, n, err := expandSteps(s)
	if err != nil {
		return nil, err
	}
	return product(steps, n), nil
}

// expandSteps is the steps of s with their alternatives and how many
// strings they multiply out to. The syntax is ASCII, so it is read byte by
// byte; the alternatives are pieces of s.
func expandSteps(s string) ([][]string, int, error) {
	var steps [][]string
	n := 1
	for i := 0; i < len(s); {
		var alts []string
		switch s[i] {
		case '[':
			j := i + 1
			for j < len(s) && s[j] != ']' {
				j++
			}
			if j >= len(s) || j == i+1 {
				return nil, 0, errors.New("unclosed or empty [")
			}
			for k := i + 1; k < j; {
				_, size := utf8.DecodeRuneInString(s[k:j])
				alts = append(alts, s[k:k+size])
				k += size
			}
			i = j + 1
		case '(':
			depth, j := 0, i
			for ; j < len(s); j++ {
				if s[j] == '(' {
					depth++
				} else if s[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j >= len(s) {
				return nil, 0, errors.New("unclosed (")
			}
			// split the inside at top-level |
			inner := s[i+1 : j]
			d, start := 0, 0
			for k := 0; k <= len(inner); k++ {
				if k == len(inner) || (inner[k] == '|' && d == 0) {
					if plainRun(inner[start:k]) { // expands to itself
						alts = append(alts, inner[start:k])
						start = k + 1
						continue
					}
					sub, err := expand(inner[start:k])
					if err != nil {
						return nil, 0, err
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
			return nil, 0, fmt.Errorf("unexpected %q", rune(s[i]))
		case '?':
			return nil, 0, errors.New("? must follow a letter, [set] or (group)")
		default:
			// a run of plain letters is one step (the last one stays
			// apart when a ? follows it)
			_, size := utf8.DecodeRuneInString(s[i:])
			j := i + size
			for j < len(s) && strings.IndexByte("[]()|*?", s[j]) < 0 {
				j++
			}
			if j < len(s) && s[j] == '?' {
				if _, last := utf8.DecodeLastRuneInString(s[i:j]); j-last > i {
					j -= last
				}
			}
			alts = []string{s[i:j]}
			i = j
		}
		if i < len(s) && s[i] == '?' {
			alts = append(alts, "")
			i++
		}
		if n*len(alts) > maxForms {
			return nil, 0, fmt.Errorf("expands to more than %d forms", maxForms)
		}
		n *= len(alts)
		steps = append(steps, alts)
	}
	return steps, n, nil
}

// product is every concatenation of one alternative per step, the first
// step varying slowest; n is how many there are.
func product(steps [][]string, n int) []string {
	out := make([]string, 0, n)
	if n == 0 {
		return out
	}
	pick := make([]int, len(steps))
	ends := make([]int, len(steps)+1) // ends[k]: length of buf after step k-1
	var buf []byte
	from := 0 // the first step whose pick changed
	for {
		buf = buf[:ends[from]]
		for k := from; k < len(steps); k++ {
			buf = append(buf, steps[k][pick[k]]...)
			ends[k+1] = len(buf)
		}
		out = append(out, string(buf))
		k := len(steps) - 1
		for ; k >= 0; k-- {
			if pick[k]++; pick[k] < len(steps[k]) {
				break
			}
			pick[k] = 0
		}
		if k < 0 {
			return out
		}
		from = k
	}
}

package rules

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

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
	alts, err := expand([]rune(s))
	if err != nil {
		return nil, fmt.Errorf("entry %q: %w", src, err)
	}
	// the forms written one after another into one array; seen finds a
	// form already written by a hash of its bytes and anchors
	size := 0
	for _, a := range alts {
		size += len(a) + 2
	}
	arena := make([]byte, 0, size)
	var b []byte // the form being built
	p.forms = make([]form, 0, len(alts))
	seen := make(map[uint64]int32, len(alts))
	for _, a := range alts {
		f := form{anchorStart: true, anchorEnd: true}
		if strings.HasPrefix(a, "*") {
			f.anchorStart = false
		}
		if strings.HasSuffix(a, "*") {
			f.anchorEnd = false
		}
		// normalise each star-separated piece, then put the stars back
		rest := strings.Trim(a, "*")
		b = b[:0]
		for i := 0; ; i++ {
			pc, more, found := strings.Cut(rest, "*")
			if i > 0 {
				b = append(b, Star)
			}
			lead := strings.HasPrefix(pc, " ")
			trail := strings.HasSuffix(pc, " ")
			n := pn.normalize(pc)
			if len(n) == 0 && strings.TrimSpace(pc) != "" {
				return nil, fmt.Errorf("entry %q: %q has no letters", src, pc)
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
		if len(b) == 0 {
			return nil, fmt.Errorf("entry %q: %q has no letters", src, a)
		}
		h := formHash(b, f.anchorStart, f.anchorEnd)
		if i, ok := seen[h]; ok && p.hasForm(int(i), b, f) {
			continue
		}
		if len(b) > cap(arena)-len(arena) {
			arena = make([]byte, 0, max(size, len(b))) // the estimate fell short: a new array
		}
		at := len(arena)
		arena = append(arena, b...)
		seen[h] = int32(len(p.forms))
		f.b = arena[at:len(arena):len(arena)]
		p.forms = append(p.forms, f)
	}
	return p, nil
}

// pieceNorm normalises the pieces of expanded entries in one reused Text.
type pieceNorm struct {
	nt  normalize.Text
	buf []byte
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

// formHash is the FNV-1a hash of a form's bytes and anchors.
func formHash(b []byte, anchorStart, anchorEnd bool) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h = (h ^ uint64(c)) * 1099511628211
	}
	h = (h ^ uint64(b2b(anchorStart))) * 1099511628211
	return (h ^ uint64(b2b(anchorEnd))) * 1099511628211
}

// hasForm reports whether p already has the form b with f's anchors: the
// one at i (found by its hash) or, when that is another form with the same
// hash, any.
func (p *pattern) hasForm(i int, b []byte, f form) bool {
	same := func(g form) bool {
		return g.anchorStart == f.anchorStart && g.anchorEnd == f.anchorEnd && bytes.Equal(g.b, b)
	}
	if same(p.forms[i]) {
		return true
	}
	for _, g := range p.forms {
		if same(g) {
			return true
		}
	}
	return false
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
// each step (a letter run, a set, a group), multiplied out in order.
func expand(rs []rune) ([]string, error) {
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
					sub, err := expand(inner[start:k])
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

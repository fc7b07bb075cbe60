package rules

import (
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
	seen := make(map[string]bool, len(alts))
	var nt normalize.Text
	var key []byte
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
		b := make([]byte, 0, len(rest)/2+2)
		for i := 0; ; i++ {
			pc, more, found := strings.Cut(rest, "*")
			if i > 0 {
				b = append(b, Star)
			}
			lead := strings.HasPrefix(pc, " ")
			trail := strings.HasSuffix(pc, " ")
			nt.Normalize(pc)
			n := trim(nt.N)
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
		key = append(append(key[:0], b...), b2b(f.anchorStart), b2b(f.anchorEnd))
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		f.b = b
		p.forms = append(p.forms, f)
	}
	return p, nil
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

// expand turns the mini-syntax into literal strings.
func expand(rs []rune) ([]string, error) {
	out := []string{""}
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
		if len(out)*len(alts) > maxForms {
			return nil, fmt.Errorf("expands to more than %d forms", maxForms)
		}
		next := make([]string, 0, len(out)*len(alts))
		for _, o := range out {
			for _, a := range alts {
				next = append(next, o+a)
			}
		}
		out = next
	}
	return out, nil
}

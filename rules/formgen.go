package rules

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/strazh/strazh/rules/normalize"
)

// eachForm hands emit the form of every string the steps multiply out to,
// in product order (the first step varying slowest). The strings of an
// expanded entry share their first steps, so the form is made step by
// step as plainLower would make its pieces, each step's state kept for the
// strings that share it: a string is only fed from the first step whose
// alternative changed. Where that path is not sure to agree with formOf
// (a piece plainLower leaves to Normalize, an empty piece) the string is
// put together and given to formOf (TestEachForm_AgreesWithFormOf).
func (pn *pieceNorm) eachForm(steps [][]string, n int, emit func([]byte, form)) error {
	if n == 0 {
		return nil
	}
	pick := slicesGrowInts(pn.pick, len(steps))
	st := pn.st[:0]
	for range len(steps) + 1 {
		st = append(st, lowState{})
	}
	pn.st, pn.pick = st, pick
	st[0] = lowState{last: normalize.Space}
	buf := pn.fbuf[:0]
	from := 0
	for {
		buf = buf[:st[from].out]
		for k := from; k < len(steps); k++ {
			s := st[k]
			buf = s.feed(steps[k][pick[k]], buf)
			st[k+1] = s
		}
		pn.fbuf = buf
		b, f, ok := st[len(steps)].finish(buf)
		if !ok {
			var sb strings.Builder
			for k, p := range pick {
				sb.WriteString(steps[k][p])
			}
			var err error
			if b, f, err = pn.formOf(sb.String()); err != nil {
				return err
			}
		}
		emit(b, f)
		k := len(steps) - 1
		for ; k >= 0; k-- {
			if pick[k]++; pick[k] < len(steps[k]) {
				break
			}
			pick[k] = 0
		}
		if k < 0 {
			return nil
		}
		from = k
	}
}

// slicesGrowInts is s with n zeros.
func slicesGrowInts(s []int, n int) []int {
	s = s[:0]
	for range n {
		s = append(s, 0)
	}
	return s
}

// lowState is where the form of an expanded string stands after some of
// its steps: the star-separated piece being read (plainLower's state) and
// the stars around it.
type lowState struct {
	out      int  // bytes of the form written
	pieceAt  int  // where the piece's letters start
	word     int  // letters of the word being read
	singles  int  // one-letter words in a row before it
	last     byte // the last letter written, or Space
	started  bool // past the leading stars
	leadStar bool // the string starts with a star
	stars    int  // stars since the last piece ended (0: in a piece)
	trail    bool // the piece before the stars ended with a space
	prevSp   bool // the last byte read was a space
	cc       bool // the last letter read was с starting a word
	bad      bool // not for this path: formOf decides
}

// feed reads str (whole runes) into the form in buf and returns buf.
func (s *lowState) feed(str string, buf []byte) []byte {
	if s.bad {
		return buf
	}
	for i := 0; i < len(str); {
		c := str[i]
		if c >= 0xD0 && s.started && s.stars == 0 {
			// letters, the most of it: plainLower's letter step in locals
			last, word, cc := s.last, s.word, s.cc
			for i+1 < len(str) {
				x := (uint(str[i])<<8 | uint(str[i+1])) - 0xD000
				if x >= uint(len(lowerLetter)) {
					break
				}
				v := lowerLetter[x]
				if v == 0 || cc && v == 0xF1 {
					s.bad = true // not а..я or ё; or сс at a word's start: Normalize may keep it
					return buf
				}
				cc = v == 0xF1 && last == normalize.Space
				if v != last {
					buf = append(buf, v)
					word++
					last = v
				}
				i += 2
			}
			s.last, s.word, s.cc, s.prevSp = last, word, cc, false
			if i < len(str) && str[i] >= 0xD0 {
				s.bad = true // another script, or half a rune
				return buf
			}
			continue
		}
		switch {
		case !s.started:
			if c == '*' {
				s.leadStar = true // Trim drops it
				i++
				continue
			}
			s.started = true
			s.pieceAt = len(buf)
		case s.stars > 0:
			if c == '*' {
				s.stars++ // trailing stars are dropped; inner ones leave an empty piece
				i++
				continue
			}
			if s.stars > 1 {
				s.bad = true
				return buf
			}
			// the piece before the star was not the last: its trailing
			// space, the Star, and the new piece's leading space
			if s.trail {
				buf = append(buf, normalize.Space)
			}
			buf = append(buf, Star)
			if c == ' ' {
				buf = append(buf, normalize.Space)
			}
			s.stars, s.word, s.singles, s.last, s.prevSp, s.cc = 0, 0, 0, normalize.Space, false, false
			s.pieceAt = len(buf)
		}
		switch c {
		case '*':
			var ok bool
			if buf, ok = s.endPiece(buf); !ok {
				s.bad = true
				return buf
			}
			s.trail, s.stars = s.prevSp, 1
		case ' ':
			if s.prevSp {
				s.bad = true // two spaces
				return buf
			}
			if s.word == 1 {
				if s.singles++; s.singles >= 3 {
					s.bad = true // Normalize joins three one-letter words
					return buf
				}
			} else if s.word > 1 {
				s.singles = 0
			}
			if s.word > 0 {
				buf = append(buf, normalize.Space)
			}
			s.last, s.word, s.prevSp, s.cc = normalize.Space, 0, true, false
		default:
			if c >= 0xD0 {
				continue // a letter starting a piece: the loop above
			}
			s.bad = true
			return buf
		}
		i++
	}
	s.out = len(buf)
	return buf
}

// lowerLetter maps the two bytes of а..я and ё less 0xD000 (the first
// 0xD0 or 0xD1) to the letter's byte in N, as plainLower does; 0 is any
// other pair.
var lowerLetter = func() (t [512]byte) {
	for r := 'а'; r <= 'я'; r++ {
		var b [2]byte
		utf8.EncodeRune(b[:], r)
		t[int(b[0]-0xD0)<<8|int(b[1])] = byte(r-'а') + 0xE0
	}
	t[1<<8|0x91] = 0xE5 // ё is е
	return t
}()

// endPiece is plainLower's end of a piece: the trailing space dropped, and
// not sure when the piece is empty or ends in three one-letter words.
func (s *lowState) endPiece(buf []byte) ([]byte, bool) {
	if s.word == 1 && s.singles >= 2 {
		return buf, false
	}
	if len(buf) > s.pieceAt && buf[len(buf)-1] == normalize.Space {
		buf = buf[:len(buf)-1]
	}
	return buf, len(buf) > s.pieceAt
}

// finish is the form once every step is read; false: formOf decides.
func (s lowState) finish(buf []byte) ([]byte, form, bool) {
	if s.bad || !s.started {
		return nil, form{}, false
	}
	f := form{anchorStart: !s.leadStar, anchorEnd: s.stars == 0}
	if s.stars == 0 {
		var ok bool
		if buf, ok = s.endPiece(buf); !ok {
			return nil, form{}, false
		}
	}
	return buf, f, true
}

// formSet finds the forms of a pattern already written: open addressing
// over their indexes, by formHash.
type formSet struct {
	slots []int32 // form index + 1; 0: empty
	hash  []uint64
}

// reset empties the set for up to n forms.
func (fs *formSet) reset(n int) {
	size := 16
	for size < 2*n {
		size *= 2
	}
	if cap(fs.slots) < size {
		fs.slots, fs.hash = make([]int32, size), make([]uint64, size)
		return
	}
	fs.slots, fs.hash = fs.slots[:size], fs.hash[:size]
	clear(fs.slots)
}

// find reports whether forms has b with f's anchors, and else the empty
// slot where it goes.
func (fs *formSet) find(h uint64, b []byte, f form, forms []form) (int, bool) {
	mask := len(fs.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		id := fs.slots[i]
		if id == 0 {
			return i, false
		}
		if fs.hash[i] == h {
			g := &forms[id-1]
			if g.anchorStart == f.anchorStart && g.anchorEnd == f.anchorEnd && bytes.Equal(g.b, b) {
				return i, true
			}
		}
	}
}

// add puts form id with hash h into the slot find returned.
func (fs *formSet) add(slot int, h uint64, id int32) {
	fs.slots[slot], fs.hash[slot] = id+1, h
}

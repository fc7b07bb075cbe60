// Package normalize turns a Russian comment into the form the rule engine
// matches on: one byte per letter, lower case, ё folded to е, look-alike
// letters of other scripts and digits put back into Cyrillic words, noise
// and separators inside disguised words removed, stretched letters
// collapsed, HTML tags and invisible characters dropped. The original text
// is kept by the caller; every normalised byte records the offset of the
// rune it came from so matches can be shown as written.
//
// Normalize allocates nothing once a Text has grown to the size of the
// comments it sees; reuse Texts (for example through a sync.Pool).
package normalize

import (
	"unicode"
	"unicode/utf8"
)

// Number is the byte a run of digits is reduced to in N (numbers are
// matched as a class: "от 0 руб" matches any amount).
const Number byte = '0'

// Currency is the byte a currency sign becomes in N ($, €, ₽, …).
const Currency byte = '$'

// Stats are counts gathered while normalising.
type Stats struct {
	Runes   int // visible runes
	Letters int // letters of any script
	Upper   int // upper-case letters
	Cyr     int // Cyrillic letters (after folding)
	Latin   int // Latin letters outside Cyrillic words
	Other   int // letters of other scripts (CJK, Arabic, Georgian, …): they end words and are not in N
	Words   int // words in N
	Mixed   int // Cyrillic words disguised with Latin, Greek, digit or other look-alikes
	Emoji   int // pictographs
	Masked  int // words containing a masking character (х*й)
	Digits  int // ASCII digits
	// Hints counts what a link, an e-mail address or a mention needs: @, [,
	// <, &, "://" and a dot before a letter. With no hints and fewer than
	// ten digits a text has no link, e-mail, mention or phone number.
	Hints int
}

// Text is one normalised comment. The zero value is ready; reuse it.
type Text struct {
	// N is " word word … " with a leading and trailing space; letters are
	// single bytes (Cyrillic а..я as 0xE0..0xFF, Latin a..z), digit runs
	// are Number, currency signs Currency and masking characters Mask.
	N []byte
	// NPos[i] is the byte offset in the original text of the rune N[i]
	// came from (spaces point at the following word).
	NPos []int32
	// T holds the transliteration and the visual reading of words written
	// wholly in Latin letters (hui → хуи, cyka → сука), in the same
	// format as N; it is empty when the text has no such word.
	T    []byte
	TPos []int32
	Stats

	chars    []char
	word     []char
	leet     []char // scratch for leetWord
	singles  int    // consecutive one-letter words in N so far
	join     bool   // three one-letter words in a row: joinSingles has work
	dotDigit bool   // a digit follows a dot somewhere (3.14, 2.72)
	alt      bool   // reading a span's alternative for T (altReading)
	altSeen  bool   // the span has an alternative reading (}{уй, ш1шки)
	altLo    int    // the first and last offsets with an alternative reading
	altHi    int
	ratio    bool // a word's reading depended on the share of Cyrillic letters in the whole text
}

type char struct {
	r     rune
	off   int32
	cls   uint8
	flags uint8
}

// Reset empties t, keeping its memory.
func (t *Text) Reset() {
	t.N, t.NPos, t.T, t.TPos = t.N[:0], t.NPos[:0], t.T[:0], t.TPos[:0]
	t.chars = t.chars[:0]
	t.Stats = Stats{}
	t.singles, t.join, t.dotDigit, t.ratio = 0, false, false, false
	t.alt, t.altSeen = false, false
}

// markAlt notes an alternative reading at s[off].
func (t *Text) markAlt(off int) {
	if !t.altSeen {
		t.altSeen, t.altLo, t.altHi = true, off, off
		return
	}
	t.altLo, t.altHi = min(t.altLo, off), max(t.altHi, off)
}

// String normalises s and returns N without its outer spaces, decoded to
// UTF-8. It allocates; use it for rule files and tests, not per comment.
func String(s string) string {
	var t Text
	t.Normalize(s)
	return Decode(trimSpace(t.N))
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && b[0] == Space {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == Space {
		b = b[:len(b)-1]
	}
	return b
}

// Normalize resets t and fills it from s.
//
// It makes one pass over s: a token of plain Cyrillic letters (with dots or
// hyphens around it) is written to N at once, and any other stretch up to
// the next white space is classified rune by rune and split into words. A
// word whose reading depends on the share of Cyrillic letters in the whole
// text (OXYEHHO: Cyrillic in a Russian comment, Latin in an English one)
// makes Normalize start over in two passes: classify all, then emit.
func (t *Text) Normalize(s string) {
	t.Reset()
	t.N = append(t.N, Space)
	t.NPos = append(t.NPos, 0)
	t.fused(s)
	if t.ratio {
		t.Reset()
		t.scan(s)
		t.fixNumberWords()
		t.N = append(t.N, Space)
		t.NPos = append(t.NPos, 0)
		t.emitTokens(t.chars)
	}
	if n := len(t.NPos); n > 0 {
		t.NPos[n-1] = int32(len(s))
	}
	if t.join {
		t.joinSingles()
	}
	if t.altSeen {
		t.altReadings(s)
	}
	if len(t.T) > 0 {
		t.T = append(t.T, Space)
		t.TPos = append(t.TPos, int32(len(s)))
	}
}

// asciiClass sorts the bytes of the fused pass.
const (
	fOther uint8 = iota
	fSpace       // white space: ends every token
	fBreak       // , ! ? ; ( ) " [ ] { } >: ends the token before it
	fPunct       // . and -: dropped around a word
	fLead        // 0xD0, 0xD1: a Cyrillic letter may follow
	fColon       // ':' is a break unless "://" follows
)

var fusedClass = func() (t [256]uint8) {
	for _, c := range []byte(" \t\n\r\v\f") {
		t[c] = fSpace
	}
	for _, c := range []byte(",!?;()\"]{}>") { // '[' may open a VK mention: scanOne counts it
		t[c] = fBreak
	}
	t['.'], t['-'], t[':'] = fPunct, fPunct, fColon
	t[0xD0], t[0xD1] = fLead, fLead
	return t
}()

// fused is the one-pass normaliser.
func (t *Text) fused(s string) {
	for i := 0; i < len(s); {
		if i = t.plainRun(s, i); i >= len(s) {
			break
		}
		switch fusedClass[s[i]] {
		case fSpace, fBreak:
			if c := s[i]; c != '}' && c != ')' || !xPair(s, i) { // the check inline: this loop is hot
				t.Runes++
				i++
				continue
			}
		case fColon:
			if !(i+2 < len(s) && s[i+1] == '/' && s[i+2] == '/') {
				t.Runes++
				i++
				continue
			}
		}
		if end, ok := t.plainToken(s, i); ok {
			i = end
			continue
		}
		i = t.slowSpan(s, i)
	}
}

// plainRun does what fused, plainToken and endWord do for separators and
// plain Cyrillic tokens, for as many of them as follow s[i:], with all its
// state in locals (written back once); it returns where it stopped: the end
// of s or the start of a token it leaves to plainToken or slowSpan (digits,
// a kept double с, anything not plain).
func (t *Text) plainRun(s string, i int) int {
	n, pos := t.N, t.NPos
	// a token writes at most one byte per byte it spans, plus a space
	if need := len(n) + len(s) - i + 2; cap(n) < need || cap(pos) < need {
		n = append(make([]byte, 0, need+need/2+16), n...)
		pos = append(make([]int32, 0, need+need/2+16), pos...)
	}
	k := len(n)
	nb, pb := n[:cap(n)], pos[:cap(pos)]
	pb = pb[:len(nb)]
	// every byte passed is an ASCII rune or half of a letter: the runes
	// are counted once at the end
	i0 := i
	letters, upper, words, hints, singles := 0, 0, 0, 0, t.singles
	join := t.join
	for i < len(s) {
		cls := fusedClass[s[i]]
		switch cls {
		case fSpace, fBreak:
			if c := s[i]; c != '}' && c != ')' || !xPair(s, i) { // the check inline: this loop is hot
				i++
				continue
			}
		case fColon:
			if !(i+2 < len(s) && s[i+1] == '/' && s[i+2] == '/') {
				i++
				continue
			}
		}
		j := i
		if cls != fLead { // mostly a letter starts the token
			for j < len(s) && fusedClass[s[j]] == fPunct {
				j++
			}
			if j < len(s) && s[j] >= '0' && s[j] <= '9' {
				break
			}
		}
		a, start := j, k
		var up int
		var ok bool
		j, k, up, ok = plainLetters(s, j, nb, pb, k)
		b := j
		// mostly white space or the end follows: separated at once
		if j < len(s) && fusedClass[s[j]] != fSpace {
			if s[j] == '!' && j+2 < len(s) && s[j+1]&0xFE == 0xD0 && fewShown((b-a)/2, s, j+1) {
				t.markAlt(j) // п!здец: see maskSign
			}
			for j < len(s) && fusedClass[s[j]] == fPunct {
				j++
			}
			if !ok || !t.separated(s, j) {
				k = start
				break
			}
		} else if !ok {
			k = start
			break
		} else if j < len(s) && s[j] == ' ' {
			j++ // the space after the word: counted as a rune below, as the loop would
		}
		// b >= a: a shift, not a signed division; с is D1 81 and С D0 A1, so
		// one compare of the second byte rules out most words
		l := (b - a) >> 1
		if l >= 2 && s[a+1]|0x20 == 0xA1 && isS(s, a) && isS(s, a+2) && !isS(s, a+4) {
			k = start // ссора: plainToken keeps the double с
			break
		}
		if a > i && s[a-1] == '.' && l > 0 {
			hints++
		}
		letters += l
		upper += up
		if k > start {
			if k == start+1 && IsLetter(nb[start]) {
				singles++
				if singles >= 3 {
					join = true
				}
			} else {
				singles = 0
			}
			words++
			nb[k] = Space
			pb[k] = int32(b - 1)
			k++
		}
		i = j
	}
	t.N, t.NPos = nb[:k], pb[:k]
	t.Runes += i - i0 - letters
	t.Letters += letters
	t.Cyr += letters
	t.Upper += upper
	t.Words += words
	t.Hints += hints
	t.singles, t.join = singles, join
	return i
}

// plainLetters writes the plain Cyrillic letters (а..я, А..Я, ё, Ё) at
// s[j:] to nb and pb from k on, a repeated letter once; it returns where
// they end, the new k, how many were upper-case, and false when it stopped
// at a two-byte Cyrillic pair that is not plain. Apart from plainRun so that
// its few variables live in registers: this is the hottest loop of the
// normaliser.
func plainLetters(s string, j int, nb []byte, pb []int32, k int) (int, int, int, bool) {
	last, up := nb[k-1], uint(0)
	pb = pb[:len(nb)] // one bounds check for both
	u := max(j, 0)
	for ; u < len(s)-1; u += 2 {
		// the pair less 0xD000 is plainLetter's index when the first byte
		// is 0xD0 or 0xD1, and 512 or more otherwise
		x := (uint(s[u])<<8 | uint(s[u+1])) - 0xD000
		if x >= uint(len(plainLetter)) {
			break
		}
		v := uint(plainLetter[x])
		if v == 0 {
			return u, k, int(up), false
		}
		up += v >> 8
		if x := byte(v); x != last {
			nb[k] = x
			pb[k] = int32(u)
			k++
			last = x
		}
	}
	return u, k, int(up), true
}

// plainToken writes the token at s[i:] when it is Cyrillic letters with
// only dots and hyphens before or after them and a separator (or the end)
// after it; it reports false, having written nothing, otherwise.
func (t *Text) plainToken(s string, i int) (int, bool) {
	j := i
	for j < len(s) && fusedClass[s[j]] == fPunct {
		j++
	}
	if j < len(s) && s[j] >= '0' && s[j] <= '9' {
		return t.plainNumber(s, i, j)
	}
	a := j
	// write the letters while checking them; take them back if the token
	// turns out not to be plain
	n, pos := t.N, t.NPos
	start, last := len(n), n[len(n)-1]
	// at most one byte per two-byte letter, and room for keepDouble and
	// endWord: write by index into the capacity, in locals
	if need := start + (len(s)-j)/2 + 2; cap(n) < need || cap(pos) < need {
		n = append(make([]byte, 0, need+need/2+16), n...)
		pos = append(make([]int32, 0, need+need/2+16), pos...)
		t.N, t.NPos = n, pos
	}
	nb, pb := n[:cap(n)], pos[:cap(pos)]
	pb = pb[:len(nb)]
	k, upper := uint(start), uint(0)
	u := uint(j)
	for u+1 < uint(len(s)) {
		x := (uint(s[u])<<8 | uint(s[u+1])) - 0xD000 // as in plainLetters
		if x >= uint(len(plainLetter)) {
			break
		}
		v := uint(plainLetter[x])
		if v == 0 {
			return 0, false // nothing of t.N[:start] was touched
		}
		upper += v >> 8
		if x := byte(v); x != last {
			if k < uint(len(nb)) && k < uint(len(pb)) {
				nb[k] = x
				pb[k] = int32(u)
			}
			k++
			last = x
		}
		u += 2
	}
	j = int(u)
	n, pos = nb[:k], pb[:k]
	b := j
	if j+2 < len(s) && s[j] == '!' && s[j+1]&0xFE == 0xD0 && fewShown((b-a)/2, s, j+1) {
		t.markAlt(j) // п!здец: see maskSign
	}
	for j < len(s) && fusedClass[s[j]] == fPunct {
		j++
	}
	if !t.separated(s, j) {
		return 0, false
	}
	letters := (b - a) >> 1
	if a > i && s[a-1] == '.' && letters > 0 {
		t.Hints++ // a dot before a letter, as scanOne counts it
	}
	t.Runes += j - i - letters // ASCII bytes, and one rune per two-byte letter
	t.Letters += letters
	t.Cyr += letters
	t.Upper += int(upper)
	t.N, t.NPos = n, pos
	if letters >= 2 && isS(s, a) && isS(s, a+2) && !isS(s, a+4) {
		t.keepDouble(start, int32(a+2)) // ссора: see leadDouble
	}
	if letters > 0 {
		t.endWord(start, int32(b-1))
	}
	return j, true
}

// plainLetter maps the two bytes of а..я, А..Я, ё and Ё (the first 0xD0 or
// 0xD1, as its low bit, then the second) to the letter's byte in N, plus
// 0x100 for an upper-case letter; 0 is any other pair.
var plainLetter = func() (t [512]uint16) {
	for r := 'а'; r <= 'я'; r++ {
		var b [2]byte
		utf8.EncodeRune(b[:], r)
		t[int(b[0]&1)<<8|int(b[1])] = uint16(cyrByte(r))
		utf8.EncodeRune(b[:], r-'а'+'А')
		t[int(b[0]&1)<<8|int(b[1])] = uint16(cyrByte(r)) | 0x100
	}
	t[1<<8|0x91] = uint16(cyrByte('е'))         // ё
	t[0<<8|0x81] = uint16(cyrByte('е')) | 0x100 // Ё
	return t
}()

// isS reports с or С at s[i:].
func isS(s string, i int) bool {
	return i+1 < len(s) && (s[i] == 0xD1 && s[i+1] == 0x81 || s[i] == 0xD0 && s[i+1] == 0xA1)
}

// plainNumber writes the token at s[i:] when it is digits with only dots
// and hyphens around them (j is the first digit) and a separator follows.
func (t *Text) plainNumber(s string, i, j int) (int, bool) {
	a := j
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	b := j
	for j < len(s) && fusedClass[s[j]] == fPunct {
		j++
	}
	if !t.separated(s, j) {
		return 0, false
	}
	t.Runes += j - i
	t.Digits += b - a
	n := len(t.N)
	if n >= 3 && t.N[n-1] == Space && t.N[n-2] == Number && t.N[n-3] == Space {
		return j, true // 12 000: one number
	}
	start := len(t.N)
	if t.N[n-1] != Number {
		t.N = append(t.N, Number)
		t.NPos = append(t.NPos, int32(a))
	}
	t.endWord(start, int32(b))
	return j, true
}

// separated reports whether a token may end before s[j].
func (t *Text) separated(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	switch fusedClass[s[j]] {
	case fSpace, fBreak:
		return s[j] != '}' && s[j] != ')' || !xPair(s, j)
	case fColon:
		return !(j+2 < len(s) && s[j+1] == '/' && s[j+2] == '/')
	}
	return false
}

// xPair reports whether s[i:] starts with }{ or )( that may stand for х:
// before a Cyrillic letter, «}{» anywhere (на}{уй), «)(» at a word start.
func xPair(s string, i int) bool {
	c := s[i]
	if c != '}' && c != ')' || i+2 >= len(s) || s[i+2]&0xFE != 0xD0 {
		return false
	}
	if c == '}' {
		return s[i+1] == '{'
	}
	return s[i+1] == '(' && (i == 0 || fusedClass[s[i-1]] == fSpace || fusedClass[s[i-1]] == fBreak)
}

// endWord closes a word written to N from start on; end is the offset
// just after its last rune's first byte.
func (t *Text) endWord(start int, end int32) {
	if len(t.N) <= start {
		return
	}
	if len(t.N) == start+1 && IsLetter(t.N[start]) {
		t.singles++
		if t.singles >= 3 {
			t.join = true
		}
	} else {
		t.singles = 0
	}
	t.Words++
	t.N = append(t.N, Space)
	t.NPos = append(t.NPos, end)
}

// slowSpan classifies s[i:] rune by rune up to the next white space and
// splits it into words.
func (t *Text) slowSpan(s string, i int) int {
	t.chars = t.chars[:0]
	t.dotDigit = false
	for i < len(s) && fusedClass[s[i]] != fSpace {
		i = t.scanOne(s, i)
	}
	t.fixNumberWords()
	t.emitTokens(t.chars)
	return i
}

// altReadings writes a second reading of the tokens (up to white space)
// that have one to T: }{ and )( as х, a 1 between letters as и (на}{уй,
// ш1шки). N keeps the plain reading, so what is built on N (the learned
// model's features) is unchanged; the rules match T as well. The counts
// stay those of the plain reading.
func (t *Text) altReadings(s string) {
	t.altSeen = false
	st, singles, join, dot := t.Stats, t.singles, t.join, t.dotDigit
	n, nt := len(t.N), len(t.T)
	t.alt = true
	a := min(t.altLo, len(s))
	for a > 0 && fusedClass[s[a-1]] != fSpace {
		a-- // the start of the token with the first
	}
	for a < len(s) && a <= t.altHi {
		for a < len(s) && fusedClass[s[a]] == fSpace {
			a++
		}
		b, alt := a, false
		for b < len(s) && fusedClass[s[b]] != fSpace {
			alt = alt || s[b] == '1' || s[b] == '}' || s[b] == ')'
			b++
		}
		alt = alt || maskMarked(s[a:b])
		if alt {
			t.chars = t.chars[:0]
			t.dotDigit = false
			for i := a; i < b; {
				i = t.scanOne(s, i)
			}
			t.pushSpace(b)
			t.fixNumberWords()
			t.emitTokens(t.chars)
		}
		a = b
	}
	t.alt = false
	t.T, t.TPos = t.T[:nt], t.TPos[:nt] // no transliteration of the second reading
	if len(t.N) > n {
		if len(t.T) == 0 {
			t.T = append(t.T, Space)
			t.TPos = append(t.TPos, t.NPos[n])
		}
		t.T = append(t.T, t.N[n:]...)
		t.TPos = append(t.TPos, t.NPos[n:]...)
	}
	t.N, t.NPos = t.N[:n], t.NPos[:n]
	t.Stats, t.singles, t.join, t.dotDigit = st, singles, join, dot
}

func (t *Text) push(r rune, off int, cls, flags uint8) {
	t.chars = append(t.chars, char{r: r, off: int32(off), cls: cls, flags: flags})
}

// pushSpace records a word break once.
func (t *Text) pushSpace(off int) {
	if n := len(t.chars); n > 0 && t.chars[n-1].cls == clSpace {
		return
	}
	t.push(' ', off, clSpace, 0)
}

// scan classifies all of s (the two-pass path).
func (t *Text) scan(s string) {
	for i := 0; i < len(s); {
		i = t.scanOne(s, i)
	}
	t.pushSpace(len(s))
}

// scanOne classifies the rune at s[i] and returns the offset after it.
func (t *Text) scanOne(s string, i int) int {
	c := s[i]
	if c < utf8.RuneSelf {
		t.Runes++
		switch {
		case c >= 'a' && c <= 'z':
			t.Letters++
			t.push(rune(c), i, clLatin, 0)
		case c >= 'A' && c <= 'Z':
			t.Letters++
			t.Upper++
			t.push(rune(c+'a'-'A'), i, clLatin, flUpper)
		case c >= '0' && c <= '9':
			t.Digits++
			if i > 0 && s[i-1] == '.' {
				t.dotDigit = true
			}
			t.push(rune(c), i, clDigit, 0)
		case c == '*' || c == '#':
			t.push(rune(c), i, clMask, 0)
		case c == '@':
			t.Hints++
			t.push('@', i, clAt, 0)
		case c == '$':
			if t.maskSign(s, i, 1, clMask) {
				break
			}
			t.push('$', i, clBreak, 0)
			t.push(rune(Currency), i, clDigit, flForeign)
			t.push('$', i, clBreak, 0)
		case c == '<':
			t.Hints++
			if end, block, ok := htmlTag(s, i); ok {
				if block {
					t.pushSpace(i)
				}
				return end
			}
			t.push(rune(c), i, clBreak, 0)
		case c == '&':
			t.Hints++
			if end, space, ok := htmlEntity(s, i); ok {
				if space {
					t.pushSpace(i)
				}
				return end
			}
			t.push(rune(c), i, clPunct, 0)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			t.pushSpace(i)
		case c == ':' && i+2 < len(s) && s[i+1] == '/' && s[i+2] == '/':
			t.Hints++
			t.push(rune(c), i, clPunct, 0)
		case (c == '}' || c == ')') && xPair(s, i):
			if !t.alt {
				t.markAlt(i)
				t.push(rune(c), i, clBreak, 0)
				return i + 1
			}
			t.Letters++
			t.Cyr++
			t.push('х', i, clCyr, flForeign)
			return i + 2
		case c == ',' || c == '!' || c == '?' || c == ';' || c == ':' || c == '(' || c == ')' ||
			c == '[' || c == ']' || c == '{' || c == '}' || c == '"' || c == '>':
			if c == '[' {
				t.Hints++
			} else if c == '!' && t.maskSign(s, i, 1, clMask) {
				break
			}
			t.push(rune(c), i, clBreak, 0)
		case c < ' ' || c == 0x7F:
			t.pushSpace(i)
		default: // . - _ ' ` | / \ ~ + = ^ % &
			if c == '.' && i+1 < len(s) && (s[i+1]|0x20 >= 'a' && s[i+1]|0x20 <= 'z' || s[i+1] == 0xD0 || s[i+1] == 0xD1) {
				t.Hints++
			}
			t.push(rune(c), i, clPunct, 0)
		}
		return i + 1
	}
	var r rune
	var size int
	if (c == 0xD0 || c == 0xD1) && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		r, size = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), 2
	} else {
		r, size = utf8.DecodeRuneInString(s[i:])
	}
	switch {
	case r == utf8.RuneError && size == 1:
		t.pushSpace(i)
	case r >= 'а' && r <= 'я':
		t.Runes++
		t.Letters++
		t.Cyr++
		t.push(r, i, clCyr, 0)
	case r >= 'А' && r <= 'Я':
		t.Runes++
		t.Letters++
		t.Upper++
		t.Cyr++
		t.push(r+'а'-'А', i, clCyr, flUpper)
	case r == 'ё' || r == 'Ё':
		t.Runes++
		t.Letters++
		t.Cyr++
		fl := uint8(0)
		if r == 'Ё' {
			t.Upper++
			fl = flUpper
		}
		t.push('е', i, clCyr, fl)
	case r >= 0x300 && r <= 0x36F: // combining marks: fold into the letter before
		if n := len(t.chars); n > 0 && r == 0x306 && t.chars[n-1].r == 'и' {
			t.chars[n-1].r = 'й'
		}
	case isZeroWidth(r):
	case r == '«' || r == '»' || r == '“' || r == '”' || r == '„' || r == '—' || r == '–' || r == '…' || r == '•':
		t.Runes++
		if r == '…' && t.maskSign(s, i, size, clMaskRun) {
			break
		}
		t.push(r, i, clBreak, 0)
	case r == '€' || r == '₽' || r == '£' || r == '¥' || r == '₴' || r == '₸':
		t.Runes++
		t.push('$', i, clBreak, 0)
		t.push(rune(Currency), i, clDigit, flForeign)
		t.push('$', i, clBreak, 0)
	default:
		t.Runes++
		if r == '°' && t.maskSign(s, i, size, clMask) {
			break
		}
		if f, ok := foldTable[r]; ok {
			if f.cls == clCyr || f.cls == clLatin {
				t.Letters++
				if f.cls == clCyr {
					t.Cyr++
				}
				if f.flags&flUpper != 0 {
					t.Upper++
				}
			}
			t.push(f.r, i, f.cls, f.flags)
			break
		}
		if isEmoji(r) {
			t.Emoji++
			t.pushSpace(i)
			break
		}
		if unicode.IsLetter(r) {
			t.Letters++
			t.Other++
			if unicode.IsUpper(r) {
				t.Upper++
			}
			// A letter of another script (CJK, Arabic, …) ends the word.
			t.pushSpace(i)
			break
		}
		if unicode.IsMark(r) || unicode.Is(unicode.Cf, r) {
			break
		}
		if unicode.IsPunct(r) {
			t.push(r, i, clBreak, 0)
			break
		}
		t.pushSpace(i)
	}
	return i + size
}

// maskSign reads a sign between a letter and a Cyrillic letter as hidden
// letters (п!здец, пи$дец, х°й, х…й): in the second reading (T) it is
// pushed as cls, a mask, and maskSign reports true; in the first it only
// notes that the span has a second reading and reports false, so the
// caller classifies the sign as before (N is unchanged).
func (t *Text) maskSign(s string, i, size int, cls uint8) bool {
	n, j := len(t.chars), i+size
	if n == 0 || !isLetterCls(t.chars[n-1].cls) || j+1 >= len(s) || s[j]&0xFE != 0xD0 {
		return false
	}
	before := 0
	for k := n - 1; k >= 0 && isLetterCls(t.chars[k].cls) && before <= maxShown; k-- {
		before++
	}
	if !fewShown(before, s, j) { // привет!как: two words
		return false
	}
	if !t.alt {
		t.markAlt(i)
		return false
	}
	t.push(rune(Mask), i, cls, 0)
	return true
}

// maxShown is the most letters shown around a mask of the second reading
// (the longest masked entry, долбоебов, less one): around more, a sign or
// dots between letters are punctuation between words (молодец!главное).
const maxShown = 9

// fewShown reports whether before letters and the Cyrillic ones at s[j:]
// are at most maxShown. plainRun's check and maskSign's must agree.
func fewShown(before int, s string, j int) bool {
	for k := j; k+1 < len(s) && s[k]&0xFE == 0xD0 && before <= maxShown; k += 2 {
		before++
	}
	return before <= maxShown
}

// maskMarked reports a token that may hold a mask of the second reading: a
// sign (! $ ° …), a run of dots or a digit between two letters. It is a
// cheap superset; maskSign, token and emitWord decide.
func maskMarked(tok string) bool {
	for k := 1; k < len(tok); k++ {
		var e int
		switch c := tok[k]; {
		case c == '!' || c == '$' || c >= '0' && c <= '9':
			e = k + 1
		case c == '.' && k+1 < len(tok) && tok[k+1] == '.':
			for e = k; e < len(tok) && tok[e] == '.'; e++ {
			}
		case c == 0xC2 && k+1 < len(tok) && tok[k+1] == 0xB0: // °
			e = k + 2
		case c == 0xE2 && k+2 < len(tok) && tok[k+1] == 0x80 && tok[k+2] == 0xA6: // …
			e = k + 3
		default:
			continue
		}
		if wordByte(tok[k-1]) && e < len(tok) && wordByte(tok[e]) {
			return true
		}
	}
	return false
}

// wordByte reports an ASCII letter or a byte of a multi-byte rune.
func wordByte(b byte) bool { return b >= utf8.RuneSelf || b|0x20 >= 'a' && b|0x20 <= 'z' }

// htmlTag recognises <tag ...> and </tag>; block tags separate words.
func htmlTag(s string, i int) (end int, block, ok bool) {
	j := i + 1
	if j < len(s) && s[j] == '/' {
		j++
	}
	start := j
	for j < len(s) && j-start < 12 && (s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z' || s[j] >= '0' && s[j] <= '9' && j > start) {
		j++
	}
	if j == start {
		return 0, false, false
	}
	name := s[start:j]
	for k := j; k < len(s) && k-i < 200; k++ {
		if s[k] == '>' {
			if k > j && s[j] != ' ' && s[j] != '/' {
				return 0, false, false
			}
			switch lowerASCII(name) {
			case "b", "i", "u", "s", "em", "strong", "span", "font", "a", "sup", "sub", "small", "big", "mark", "del", "ins", "strike", "tt", "code":
				return k + 1, false, true
			}
			return k + 1, true, true
		}
		if s[k] == '<' || s[k] == '\n' {
			break
		}
	}
	return 0, false, false
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// htmlEntity recognises &name; and &#123; (up to 10 bytes).
func htmlEntity(s string, i int) (end int, space, ok bool) {
	for k := i + 1; k < len(s) && k-i <= 10; k++ {
		c := s[k]
		if c == ';' {
			if k == i+1 {
				return 0, false, false
			}
			name := s[i+1 : k]
			return k + 1, name == "nbsp" || name == "#160" || name == "#32" || name == "#10", true
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '#') {
			return 0, false, false
		}
	}
	return 0, false, false
}

// fixNumberWords rewrites 3.14 as пи and 2.72 as е when they touch a
// Cyrillic letter (п2.72здец, 3.14здец).
func (t *Text) fixNumberWords() {
	if !t.dotDigit {
		return
	}
	c := t.chars
	for i := 0; i+3 < len(c); i++ {
		if c[i].cls != clDigit || c[i+1].r != '.' || c[i+2].cls != clDigit || c[i+3].cls != clDigit {
			continue
		}
		var rep []rune
		switch {
		case c[i].r == '3' && c[i+2].r == '1' && c[i+3].r == '4':
			rep = []rune{'п', 'и'}
		case c[i].r == '2' && c[i+2].r == '7' && c[i+3].r == '2':
			rep = []rune{'е'}
		default:
			continue
		}
		// digits right after 3.14 / 2.72 are padding (2.72111блан)
		k := i + 4
		for k < len(c) && c[k].cls == clDigit {
			k++
		}
		before := i > 0 && c[i-1].cls == clCyr
		after := k < len(c) && c[k].cls == clCyr
		if !before && !after || (i > 0 && c[i-1].cls == clDigit) || (k > i+4 && !after) {
			continue
		}
		for m := i + 4; m < k; m++ {
			c[m] = char{off: c[m].off, cls: clSkip}
		}
		off := c[i].off
		for k := range 4 {
			c[i+k] = char{off: off, cls: clSkip}
		}
		for k, r := range rep {
			c[i+k] = char{r: r, off: off, cls: clCyr, flags: flForeign}
		}
		i += 3
	}
}

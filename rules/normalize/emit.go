package normalize

// emitTokens splits classified runes into tokens at spaces and breaks,
// then into words, and writes N and T.
func (t *Text) emitTokens(c []char) {
	for i := 0; i < len(c); {
		for i < len(c) && (c[i].cls == clSpace || c[i].cls == clBreak) {
			i++
		}
		if i >= len(c) {
			break
		}
		j := i
		for j < len(c) && c[j].cls != clSpace && c[j].cls != clBreak {
			j++
		}
		t.token(c[i:j])
		i = j
	}
}

// isLetterCls reports a letter of either script (look-alikes included).
func isLetterCls(cls uint8) bool { return cls == clCyr || cls == clLatin }

// isWordChar: clCyr..clAt, clSkip and clMaskRun (see the class list).
func isWordChar(cls uint8) bool { return cls-clCyr <= clAt-clCyr || cls >= clSkip }

// isEdge reports a class trimmed from the ends of a word: clMask, clSkip
// and clMaskRun.
func isEdge(cls uint8) bool { return cls == clMask || cls >= clSkip }

func isLetterClass(cls uint8) bool { return cls == clCyr || cls == clLatin || cls == clAt }

// linkish reports a token without Cyrillic that is a link, a domain, an
// e-mail address or an @mention: those are for the link conditions, not
// for the words.
func linkish(c []char) bool {
	if c[0].cls == clAt {
		return true
	}
	for i := 1; i+1 < len(c); i++ {
		switch c[i].r {
		case '/', '.', '@':
			if isWordChar(c[i-1].cls) && isWordChar(c[i+1].cls) && c[i+1].cls != clDigit {
				return true
			}
		}
	}
	return false
}

// token splits one whitespace-delimited token into words. Punctuation
// inside a word is dropped when a piece next to it is one or two letters
// long (х.у.й, бл-ть); two or more dots between letters read as a mask.
func (t *Text) token(c []char) {
	cyr := 0
	for _, ch := range c {
		if ch.cls == clCyr {
			cyr++
		}
	}
	if cyr == 0 && linkish(c) {
		return
	}
	wordStart := -1 // index in t.chars scratch of current word (we copy into word)
	_ = wordStart
	word := t.word[:0]
	prevLetters := 0 // letters in the piece before the current gap
	for i := 0; i < len(c); {
		if isWordChar(c[i].cls) {
			j := i
			letters := 0
			for j < len(c) && isWordChar(c[j].cls) {
				if isLetterClass(c[j].cls) {
					letters++
				}
				j++
			}
			word = append(word, c[i:j]...)
			prevLetters = letters
			i = j
			continue
		}
		// a gap of punctuation
		j := i
		dots := 0
		for j < len(c) && !isWordChar(c[j].cls) {
			if c[j].r == '.' {
				dots++
			}
			j++
		}
		if len(word) == 0 || j >= len(c) {
			i = j
			continue
		}
		nextLetters := 0
		for k := j; k < len(c) && isWordChar(c[k].cls); k++ {
			if isLetterClass(c[k].cls) {
				nextLetters++
			}
		}
		slash := false
		for k := i; k < j; k++ {
			if c[k].r == '/' || c[k].r == '\\' {
				slash = true
			}
		}
		if dots >= 2 && prevLetters > 0 && nextLetters > 0 && prevLetters+nextLetters <= maxShown && cyr > 0 && !slash && !particle(c[j:]) {
			// х...й, п..ц: the dots hide letters, as many as they like;
			// T reads them as one MaskRun (так...ну is read too, but only
			// a masked lexicon entry can match it)
			if t.alt {
				word = append(word, char{r: rune(MaskRun), off: c[i].off, cls: clMaskRun})
				i = j
				continue
			}
			t.markAlt(int(c[i].off))
		}
		switch {
		case slash:
			t.emitWord(word)
			word = word[:0]
		case dots >= 2 && particle(c[j:]):
			t.emitWord(word) // так...и, за...а: an ellipsis between words, in N too
			word = word[:0]
		case dots >= 2 && prevLetters > 0 && nextLetters > 0 && prevLetters <= 3 && nextLetters <= 3:
			for k := 0; k < dots; k++ {
				word = append(word, char{r: '*', off: c[i].off, cls: clMask})
			}
		case prevLetters <= 2 || nextLetters <= 2:
			// join
		default:
			t.emitWord(word)
			word = word[:0]
		}
		i = j
	}
	if len(word) > 0 {
		t.emitWord(word)
	}
	t.word = word[:0]
}

// maskDigit reports a digit that a Cyrillic word may hide any letter
// with: 3 (з in N, е as well), and 2, 5, 7, which look like no letter (1
// is и in T).
func maskDigit(r rune) bool { return r == '3' || r == '2' || r == '5' || r == '7' }

// particle reports a word at the start of c that is a conjunction or a
// particle that ends no masked entry (так...и знал, по...а потом): dots before it are an ellipsis
// between words, not letters hidden in one (по...и is not похуи).
func particle(c []char) bool {
	var w [2]rune
	n := 0
	for _, ch := range c {
		if !isWordChar(ch.cls) {
			break
		}
		if ch.cls != clCyr || n == len(w) {
			return false
		}
		w[n] = ch.r
		n++
	}
	switch string(w[:n]) {
	case "и", "а", "но", "не", "ни", "ну", "то", "ведь": // not ли, бы, да: вые..ли, долбоё..бы, п...да
		return true
	}
	return false
}

func (t *Text) emit(b byte, off int32) {
	n := len(t.N)
	if n > 0 && t.N[n-1] == b && (IsLetter(b) || b == Number) {
		return
	}
	t.N = append(t.N, b)
	t.NPos = append(t.NPos, off)
}

func (t *Text) emitT(b byte, off int32) {
	n := len(t.T)
	if n > 0 && t.T[n-1] == b && IsLetter(b) {
		return
	}
	t.T = append(t.T, b)
	t.TPos = append(t.TPos, off)
}

// emitWord writes one word (its characters, masks and joiners) to N.
func (t *Text) emitWord(w []char) {
	for len(w) > 0 && isEdge(w[0].cls) {
		w = w[1:]
	}
	for len(w) > 0 && isEdge(w[len(w)-1].cls) {
		w = w[:len(w)-1]
	}
	if len(w) == 0 {
		return
	}
	var cyr, lat, masks, ats, digits int
	lookAlike, lookDigit := true, false
	for i, ch := range w {
		switch ch.cls {
		case clAt:
			ats++
		case clDigit:
			digits++
		}
		if ch.cls == clDigit && i > 0 && i < len(w)-1 && visualDigit[ch.r-'0'] != 0 {
			lookDigit = true
		}
		switch ch.cls {
		case clCyr:
			cyr++
		case clLatin:
			lat++
		case clMask, clMaskRun:
			masks++
		}
		if ch.cls != clSkip && !lookAlikeUpper(ch.r, ch.flags&flUpper != 0, ch.cls) {
			lookAlike = false
		}
	}
	if cyr == 0 && lat > 0 && lookAlike && len(w) >= 3 && !lookDigit {
		t.ratio = true // the reading below depends on the whole text
	}
	start := len(t.N)
	switch {
	case cyr > 0 || (lat > 0 && lookAlike && len(w) >= 3 && (lookDigit || t.Cyr*2 > t.Letters)):
		mixed := false
		for i, ch := range w {
			switch ch.cls {
			case clCyr:
				if ch.flags&flForeign != 0 {
					mixed = true
				}
				t.emit(cyrByte(ch.r), ch.off)
			case clLatin:
				mixed = true
				var r rune
				if ch.flags&flUpper != 0 {
					r = visualUpper[ch.r-'a']
				} else {
					r = visualLower[ch.r-'a']
					if ch.r == 'b' && i == len(w)-1 {
						r = 'ь'
					}
				}
				t.emit(cyrByte(r), ch.off)
			case clAt:
				mixed = true
				t.emit(cyrByte('а'), ch.off)
			case clDigit:
				prevDigit := i > 0 && w[i-1].cls == clDigit
				nextDigit := i+1 < len(w) && w[i+1].cls == clDigit
				if maskDigit(ch.r) && cyr > 0 && cyr+lat <= maxShown && !prevDigit && !nextDigit && i > 0 && i < len(w)-1 && isLetterCls(w[i-1].cls) && isLetterCls(w[i+1].cls) {
					// оху3ть: 3 is е as well as з, and 2, 5, 7 look like
					// no letter; a mask in T
					if t.alt {
						t.N = append(t.N, Mask)
						t.NPos = append(t.NPos, ch.off)
						break
					}
					t.markAlt(int(ch.off))
				}
				if r := visualDigit[ch.r-'0']; r != 0 && !prevDigit && !nextDigit && cyr+lat >= 2 {
					t.emit(cyrByte(r), ch.off)
				} else if ch.r == '1' && digits == 1 && i > 0 && i < len(w)-1 && isLetterCls(w[i-1].cls) && isLetterCls(w[i+1].cls) {
					// ш1шки: и in the second reading (T); not 1ая, 1й, 2х1х1
					if t.alt {
						t.emit(cyrByte('и'), ch.off)
					} else {
						t.markAlt(int(ch.off))
						t.emit(Number, ch.off)
					}
				} else {
					t.emit(Number, ch.off)
				}
			case clMask:
				t.Masked++
				t.N = append(t.N, Mask)
				t.NPos = append(t.NPos, ch.off)
			case clMaskRun:
				t.N = append(t.N, MaskRun)
				t.NPos = append(t.NPos, ch.off)
			}
		}
		if mixed {
			t.Mixed++
		}
		if ats > 0 && masks == 0 {
			t.atMasked(w)
		}
	case lat > 0 && lat < len(w) && onlyO(w):
		// 15oo, 45OO: a number written with the letter o
		for _, ch := range w {
			t.emit(Number, ch.off)
		}
	case lat > 0:
		t.Latin += lat
		for _, ch := range w {
			switch ch.cls {
			case clLatin:
				t.emit(byte(ch.r), ch.off)
			case clDigit:
				t.emit(Number, ch.off)
			case clMask:
				t.Masked++
				t.N = append(t.N, Mask)
				t.NPos = append(t.NPos, ch.off)
			}
		}
		if masks == 0 && lat == len(w) && lat >= 2 && lat <= 24 {
			t.translit(w)
		} else if masks == 0 && digits > 0 && lat >= 2 && lat+digits == len(w) && len(w) <= 24 {
			t.leetWord(w)
		}
	default:
		if n := len(t.N); n >= 3 && t.N[n-1] == Space && t.N[n-2] == Number && t.N[n-3] == Space && w[0].r != rune(Currency) {
			return // 12 000: one number
		}
		for _, ch := range w {
			if ch.cls == clDigit {
				if ch.r == rune(Currency) {
					t.emit(Currency, ch.off)
				} else {
					t.emit(Number, ch.off)
				}
			}
		}
	}
	if len(t.N) > start && t.N[start] == cyrByte('с') && leadDouble(w) {
		t.keepDouble(start, w[1].off)
	}
	t.endWord(start, w[len(w)-1].off+1)
}

// leadDouble reports a word that starts with exactly two letters read as
// с: ссора, ссылка, ссать keep them (a stretched letter is three or more).
func leadDouble(w []char) bool {
	return len(w) >= 2 && readsAsS(w[0]) && readsAsS(w[1]) && (len(w) == 2 || !readsAsS(w[2]))
}

func readsAsS(ch char) bool {
	switch ch.cls {
	case clCyr:
		return ch.r == 'с'
	case clLatin:
		if ch.flags&flUpper != 0 {
			return visualUpper[ch.r-'a'] == 'с'
		}
		return visualLower[ch.r-'a'] == 'с'
	}
	return false
}

// keepDouble puts back the second с of a word starting at start in N.
func (t *Text) keepDouble(start int, off int32) {
	t.N = append(t.N, 0)
	t.NPos = append(t.NPos, 0)
	copy(t.N[start+2:], t.N[start+1:])
	copy(t.NPos[start+2:], t.NPos[start+1:])
	t.N[start+1], t.NPos[start+1] = cyrByte('с'), off
}

// joinSingles glues runs of three or more one-letter words (х у й).
func (t *Text) joinSingles() {
	n := t.N
	if len(n) < 6 {
		return
	}
	w := 0
	for i := 0; i < len(n); {
		// n[i] is a space; find runs of " x x x " patterns
		if n[i] == Space && i+2 < len(n) && IsLetter(n[i+1]) && n[i+2] == Space {
			k := i
			cnt := 0
			for k+2 < len(n) && n[k] == Space && IsLetter(n[k+1]) && n[k+2] == Space {
				cnt++
				k += 2
			}
			if cnt >= 3 {
				n[w], t.NPos[w] = Space, t.NPos[i]
				w++
				for m := i + 1; m < k; m += 2 {
					if n[w-1] == n[m] {
						continue
					}
					n[w], t.NPos[w] = n[m], t.NPos[m]
					w++
				}
				t.Words -= cnt - 1
				i = k
				continue
			}
		}
		n[w], t.NPos[w] = n[i], t.NPos[i]
		w++
		i++
	}
	t.N, t.NPos = n[:w], t.NPos[:w]
}

// onlyO reports a word of digits and the letter o with at least one digit.
func onlyO(w []char) bool {
	d := 0
	for _, ch := range w {
		switch {
		case ch.cls == clDigit:
			d++
		case ch.cls == clLatin && ch.r == 'o':
		default:
			return false
		}
	}
	return d > 0
}

// atMasked writes a Cyrillic word with @ inside to T with the @ as a mask
// (п@здец, х@й): @ is а in N, but in мат it stands for any letter, and the
// masked lexicons read it that way from T.
func (t *Text) atMasked(w []char) {
	if len(t.T) == 0 {
		t.T = append(t.T, Space)
		t.TPos = append(t.TPos, w[0].off)
	}
	for i, ch := range w {
		switch ch.cls {
		case clAt:
			t.T = append(t.T, Mask)
			t.TPos = append(t.TPos, ch.off)
			continue
		case clCyr:
			t.emitT(cyrByte(ch.r), ch.off)
		case clLatin:
			r := visualLower[ch.r-'a']
			if ch.flags&flUpper != 0 {
				r = visualUpper[ch.r-'a']
			}
			t.emitT(cyrByte(r), ch.off)
		case clDigit:
			if r := visualDigit[ch.r-'0']; r != 0 && i > 0 {
				t.emitT(cyrByte(r), ch.off)
			}
		}
	}
	t.T = append(t.T, Space)
	t.TPos = append(t.TPos, w[len(w)-1].off+1)
}

// leetDigit is the Latin letter a digit stands for inside a Latin word
// (p1zdec, 3bat, bl9t, hu1); 0 means none.
var leetDigit = [10]rune{'o', 'i', 0, 'e', 'a', 's', 'b', 't', 0, 'y'}

// leetWord transliterates a Latin word with digits for letters, when every
// digit is a single leet letter between or beside letters (no 2 digits in a
// row: h264, covid19 stay numbers).
func (t *Text) leetWord(w []char) {
	for i, ch := range w {
		if ch.cls != clDigit {
			continue
		}
		if leetDigit[ch.r-'0'] == 0 || i > 0 && w[i-1].cls == clDigit {
			return
		}
	}
	lw := t.leet[:0]
	for _, ch := range w {
		if ch.cls == clDigit {
			r := leetDigit[ch.r-'0']
			if r == 'y' { // bl9t: 9 is я
				lw = append(lw, char{r: 'y', off: ch.off, cls: clLatin}, char{r: 'a', off: ch.off, cls: clLatin})
				continue
			}
			ch = char{r: r, off: ch.off, cls: clLatin}
		}
		lw = append(lw, ch)
	}
	t.leet = lw
	t.translit(lw)
}

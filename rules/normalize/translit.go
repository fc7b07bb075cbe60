package normalize

// translit writes the transliteration (hui → хуи, blyad → бляд, pizdec →
// пиздец) and, when different, the visual reading (cyka → сука) of an
// all-Latin word to T.
func (t *Text) translit(w []char) {
	if englishSpelling(w) {
		return
	}
	if len(t.T) == 0 {
		t.T = append(t.T, Space)
		t.TPos = append(t.TPos, w[0].off)
	}
	start := len(t.T)
	isVowel := func(r rune) bool {
		return r == 'a' || r == 'e' || r == 'i' || r == 'o' || r == 'u' || r == 'y'
	}
	for i := 0; i < len(w); {
		r := w[i].r
		next := rune(0)
		if i+1 < len(w) {
			next = w[i+1].r
		}
		next2 := rune(0)
		if i+2 < len(w) {
			next2 = w[i+2].r
		}
		off := w[i].off
		out, n := rune(0), 1
		switch {
		case r == 's' && next == 'h' && next2 == 'c' && i+3 < len(w) && w[i+3].r == 'h':
			out, n = 'щ', 4
		case r == 's' && next == 'c' && next2 == 'h':
			out, n = 'щ', 3
		case r == 's' && next == 'h':
			out, n = 'ш', 2
		case r == 'c' && next == 'h':
			out, n = 'ч', 2
		case r == 'z' && next == 'h':
			out, n = 'ж', 2
		case r == 'k' && next == 'h':
			out, n = 'х', 2
		case r == 't' && next == 's':
			out, n = 'ц', 2
		case r == 'c' && next == 'k':
			out, n = 'к', 2
		case (r == 'y' || r == 'j') && next == 'a':
			out, n = 'я', 2
		case (r == 'y' || r == 'j') && next == 'u':
			out, n = 'ю', 2
		case (r == 'y' || r == 'j') && (next == 'o' || next == 'e'):
			out, n = 'е', 2
		case r == 'e' && i >= 2 && (w[i-1].r == 'o' || w[i-1].r == 'a') && !ruPrefixEnd(w[i-2].r):
			// amoeba, Phoebe, shoebox, Raeburn: an English vowel pair; in
			// Russian spelling "oe"/"ae" follows a prefix (za-, na-, po-, do-, dolbo-)
			out = 'э'
		case r == 'e' && i == 0 && next == 'b' && (next2 == 'o' || next2 == 'r' || next2 == 'e' || next2 == 'c'):
			out = 'э' // ebony, Ebro, Ebert, EBCDIC; Russian е-б- goes on with а, л, и, н, у
		case r == 'y':
			if i > 0 && isVowel(w[i-1].r) {
				out = 'й'
			} else {
				out = 'ы'
			}
		default:
			out = translitSingle[r-'a']
		}
		t.emitT(cyrByte(out), off)
		i += n
	}
	t.T = append(t.T, Space)
	t.TPos = append(t.TPos, w[len(w)-1].off+1)
	tr := t.T[start : len(t.T)-1]
	// visual reading, only for words made of real look-alikes (cyka, xyu):
	// h, n, r, d … have none (hyena is not хуепа)
	for _, ch := range w {
		if ch.flags&flUpper == 0 && !strongLookAlike[ch.r-'a'] {
			return
		}
	}
	vstart := len(t.T)
	for i, ch := range w {
		r := visualLower[ch.r-'a']
		if ch.flags&flUpper != 0 {
			r = visualUpper[ch.r-'a']
		} else if ch.r == 'b' && i == len(w)-1 {
			r = 'ь'
		}
		t.emitT(cyrByte(r), ch.off)
	}
	if string(t.T[vstart:]) == string(tr) {
		t.T, t.TPos = t.T[:vstart], t.TPos[:vstart]
		return
	}
	t.T = append(t.T, Space)
	t.TPos = append(t.TPos, w[len(w)-1].off+1)
}

var translitSingle = [26]rune{
	'а', 'б', 'ц', 'д', 'е', 'ф', 'г', 'х', 'и', 'й', 'к', 'л', 'м',
	'н', 'о', 'п', 'к', 'р', 'с', 'т', 'у', 'в', 'в', 'х', 'ы', 'з',
}

// englishSpelling reports a Latin word spelt as English and never as
// Russian in Latin letters: a doubled consonant (ebb, jobber, muddily), th,
// ph, wh, gh, ck, w after a vowel (eyebrow), or a word-initial jo (job,
// jojoba). Such words get no Cyrillic reading in T.
func englishSpelling(w []char) bool {
	for i := 1; i < len(w); i++ {
		a, b := w[i-1].r, w[i].r
		switch {
		case a == b && !isLatinVowel(a) && (i+1 >= len(w) || w[i+1].r != b) && (i < 2 || w[i-2].r != b):
			return true
		case b == 'h' && (a == 't' || a == 'p' || a == 'w' || a == 'g'):
			return true
		case a == 'c' && b == 'k', b == 'w' && isLatinVowel(a):
			return true
		}
	}
	n := len(w)
	if n >= 3 && w[0].r == 'j' && w[1].r == 'o' {
		return true
	}
	// hue, Donahue, hues, hued; bleating; eBay (a capital inside)
	if n >= 3 && w[n-2].r == 'u' && w[n-1].r == 'e' ||
		n >= 4 && w[n-3].r == 'u' && w[n-2].r == 'e' && (w[n-1].r == 's' || w[n-1].r == 'd') && n <= 4 ||
		n >= 5 && w[n-3].r == 'i' && w[n-2].r == 'n' && w[n-1].r == 'g' {
		return true
	}
	for i := 1; i < n; i++ {
		if w[i].flags&flUpper != 0 && w[i-1].flags&flUpper == 0 {
			return true
		}
	}
	return false
}

// strongLookAlike are the lower-case Latin letters that look like a
// Cyrillic one (a а, c с, e е, k к, m т, o о, p р, u и, x х, y у, b ь, t т).
var strongLookAlike = func() (t [26]bool) {
	for _, r := range "acekmopuxybt" {
		t[r-'a'] = true
	}
	return t
}()

func isLatinVowel(r rune) bool {
	return r == 'a' || r == 'e' || r == 'i' || r == 'o' || r == 'u' || r == 'y'
}

// ruPrefixEnd reports the consonants a Russian prefix or stem ends in
// before "oe"/"ae" in Latin spelling: za-eb, na-eb, po-eb, do-eb, dolbo-eb.
func ruPrefixEnd(r rune) bool {
	return r == 'z' || r == 'n' || r == 'p' || r == 'd' || r == 'b' || r == 't'
}

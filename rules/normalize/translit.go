package normalize

// translit writes the transliteration (hui → хуи, blyad → бляд, pizdec →
// пиздец) and, when different, the visual reading (cyka → сука) of an
// all-Latin word to T.
func (t *Text) translit(w []char) {
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
	// visual reading
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

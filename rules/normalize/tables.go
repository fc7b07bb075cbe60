package normalize

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Single-byte alphabet of the normalised form: Cyrillic а..я as 0xE0..0xFF
// (the CP1251 layout, ё folded to е), ASCII Latin a..z and digits as
// themselves, Space between words and Mask for a masking character.
// MaskRun, only in T, is a run of dots inside a word (х...й, п..ц): it
// stands for one or more hidden letters. It differs from Mask in its low
// bit only, so b&^1 == Mask finds both.
const (
	Space   byte = ' '
	Mask    byte = '*'
	MaskRun byte = '+'
)

// cyrByte encodes a lower-case Cyrillic letter а..я.
func cyrByte(r rune) byte { return byte(r-'а') + 0xE0 }

// IsCyr reports whether b encodes a Cyrillic letter.
func IsCyr(b byte) bool { return b >= 0xE0 }

// IsLetter reports whether b is a letter of the normalised alphabet.
func IsLetter(b byte) bool { return b >= 0xE0 || (b >= 'a' && b <= 'z') }

// Decode turns a normalised byte string back into readable UTF-8 (for
// tests, golden files and error messages).
func Decode(b []byte) string {
	out := make([]byte, 0, len(b)*2)
	for _, c := range b {
		if c >= 0xE0 {
			out = utf8.AppendRune(out, rune(c-0xE0)+'а')
		} else {
			out = append(out, c)
		}
	}
	return string(out)
}

// char classes of the first pass.
const (
	clSpace   uint8 = iota // whitespace, emoji, anything that ends a token
	clCyr                  // Cyrillic letter (r is lower-case а..я)
	clLatin                // Latin letter (r is lower-case a..z)
	clDigit                // 0..9
	clMask                 // * or # (a masking character when inside a word)
	clAt                   // @ (а inside a Cyrillic word, a mention or e-mail otherwise)
	clPunct                // punctuation that may sit inside a disguised word
	clBreak                // punctuation that always separates words (, ! ? ; :)
	clSkip                 // removed in place (the tail of 3.14 read as пи)
	clMaskRun              // a run of dots inside a word, in the second reading (х...й)
	// isWordChar and isEdge depend on this order: clCyr..clAt, then clSkip and clMaskRun last
)

// char flags.
const (
	flUpper   uint8 = 1 << iota // the original letter was upper-case
	flForeign                   // folded from a look-alike of another script (Greek, small caps, …)
)

// fold maps a rune outside ASCII and basic Cyrillic to what it stands for.
type fold struct {
	r     rune // lower-case Cyrillic or Latin letter, or a digit
	cls   uint8
	flags uint8
}

// foldTable covers NFKC compatibility forms (full-width, mathematical
// alphanumerics, enclosed and super/subscript letters), Latin letters with
// diacritics, Greek and small-capital look-alikes and the Cyrillic letters
// of neighbouring languages. Built once at init; read-only afterwards.
var foldTable = buildFoldTable()

func buildFoldTable() map[rune]fold {
	t := make(map[rune]fold, 4096)
	set := func(from rune, to rune, flags uint8) {
		f := fold{r: to, flags: flags}
		switch {
		case to >= 'а' && to <= 'я':
			f.cls = clCyr
		case to >= 'a' && to <= 'z':
			f.cls = clLatin
		case to >= '0' && to <= '9':
			f.cls = clDigit
		default:
			return
		}
		t[from] = f
	}
	// NFKC and diacritics: every rune whose NFKD form starts with an ASCII
	// letter or digit followed only by combining marks.
	ranges := [][2]rune{
		{0x00C0, 0x024F}, {0x1E00, 0x1EFF}, {0x2070, 0x209F}, {0x2100, 0x214F},
		{0x2460, 0x24FF}, {0xFF10, 0xFF5A}, {0x1D400, 0x1D7FF}, {0x1F100, 0x1F1FF},
		{0x02B0, 0x02FF},
	}
	for _, rg := range ranges {
		for r := rg[0]; r <= rg[1]; r++ {
			d := norm.NFKD.String(string(r))
			base, n := utf8.DecodeRuneInString(d)
			if base == utf8.RuneError {
				continue
			}
			rest := d[n:]
			ok := true
			for _, m := range rest {
				if !unicode.Is(unicode.Mn, m) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			up := unicode.IsUpper(base)
			base = unicode.ToLower(base)
			var fl uint8
			if up {
				fl = flUpper
			}
			if (base >= 'a' && base <= 'z') || (base >= '0' && base <= '9') {
				set(r, base, fl)
			}
		}
	}
	// Greek look-alikes (lower, upper).
	greek := map[rune]rune{
		'α': 'а', 'β': 'в', 'γ': 'у', 'δ': 'д', 'ε': 'е', 'ζ': 'з', 'η': 'п', 'θ': 'о',
		'ι': 'и', 'κ': 'к', 'λ': 'л', 'μ': 'м', 'ν': 'в', 'ο': 'о', 'π': 'п', 'ρ': 'р',
		'σ': 'о', 'ς': 'с', 'τ': 'т', 'υ': 'и', 'φ': 'ф', 'χ': 'х', 'ω': 'ш', 'ό': 'о',
		'ά': 'а', 'έ': 'е', 'ί': 'и', 'ύ': 'и', 'ώ': 'ш', 'ή': 'п',
		'Α': 'а', 'Β': 'в', 'Γ': 'г', 'Δ': 'д', 'Ε': 'е', 'Ζ': 'з', 'Η': 'н', 'Θ': 'о',
		'Ι': 'и', 'Κ': 'к', 'Λ': 'л', 'Μ': 'м', 'Ν': 'н', 'Ο': 'о', 'Π': 'п', 'Ρ': 'р',
		'Σ': 'е', 'Τ': 'т', 'Υ': 'у', 'Φ': 'ф', 'Χ': 'х', 'Ω': 'о',
	}
	for k, v := range greek {
		fl := flForeign
		if unicode.IsUpper(k) {
			fl |= flUpper
		}
		set(k, v, fl)
	}
	// Greek letter variants and accented (polytonic) letters: by the base
	// letter of their NFKD form (ϲ, ϵ, ὁ, ῥ, ά …).
	variants := map[rune]rune{'ϲ': 'с', 'Ϲ': 'с', 'ϵ': 'е', 'ϰ': 'к', 'ϱ': 'р', 'ϒ': 'у', 'ϐ': 'в', 'ϑ': 'о', 'ϖ': 'п', 'ϕ': 'ф', 'Ϻ': 'м', 'ϻ': 'м', 'ͱ': 'н', 'Ͳ': 'т', 'ͳ': 'т'}
	for k, v := range variants {
		set(k, v, flForeign)
	}
	for _, rg := range [][2]rune{{0x0370, 0x03FF}, {0x1F00, 0x1FFF}} {
		for r := rg[0]; r <= rg[1]; r++ {
			if _, done := t[r]; done {
				continue
			}
			base, _ := utf8.DecodeRuneInString(norm.NFKD.String(string(r)))
			v, ok := greek[base]
			if !ok || base == r {
				continue
			}
			fl := flForeign
			if unicode.IsUpper(r) {
				fl |= flUpper
			}
			set(r, v, fl)
		}
	}
	// Small capitals and IPA look-alikes.
	small := map[rune]rune{
		'ᴀ': 'а', 'ʙ': 'в', 'ᴄ': 'с', 'ᴅ': 'д', 'ᴇ': 'е', 'ɢ': 'г', 'ʜ': 'н', 'ɪ': 'и',
		'ᴊ': 'й', 'ᴋ': 'к', 'ʟ': 'л', 'ᴍ': 'м', 'ɴ': 'н', 'ᴏ': 'о', 'ᴘ': 'р', 'ʀ': 'р',
		'ꜱ': 'с', 'ᴛ': 'т', 'ᴜ': 'и', 'ᴠ': 'в', 'ᴡ': 'ш', 'ʏ': 'у', 'ᴢ': 'з', 'ɑ': 'а',
		'ɡ': 'г', 'ɩ': 'и', 'ɵ': 'о', 'ʌ': 'л', 'ɛ': 'е', 'ᴦ': 'г', 'ᴨ': 'п', 'ᴫ': 'л', 'ᴧ': 'л', 'ɯ': 'ш', 'ʍ': 'м', 'ᴩ': 'р', 'ᴎ': 'и', 'ᴙ': 'я', 'ᴚ': 'р',
	}
	for k, v := range small {
		set(k, v, flForeign)
	}
	// Cyrillic letters of neighbouring languages and rare forms.
	cyr := map[rune]rune{
		'і': 'и', 'І': 'и', 'ї': 'и', 'Ї': 'и', 'є': 'е', 'Є': 'е', 'ў': 'у', 'Ў': 'у',
		'ґ': 'г', 'Ґ': 'г', 'ѕ': 'с', 'Ѕ': 'с', 'ј': 'й', 'Ј': 'й', 'ԁ': 'д', 'һ': 'х',
		'ѐ': 'е', 'ѝ': 'и', 'Ѐ': 'е', 'Ѝ': 'и', 'ӧ': 'о', 'ӱ': 'у', 'ӓ': 'а', 'ӑ': 'а',
		'ҳ': 'х', 'Ҳ': 'х', 'қ': 'к', 'Қ': 'к', 'ң': 'н', 'Ң': 'н', 'ғ': 'г', 'Ғ': 'г',
		'ү': 'у', 'Ү': 'у', 'ұ': 'у', 'Ұ': 'у', 'ө': 'о', 'Ө': 'о',
	}
	for k, v := range cyr {
		var fl uint8
		if unicode.IsUpper(k) {
			fl = flUpper
		}
		set(k, v, fl)
	}
	return t
}

// isZeroWidth reports runes that are invisible and must not split a word.
func isZeroWidth(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x180E, r == 0xFEFF:
		return true
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x206F:
		return true
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0000 && r <= 0xE007F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	}
	return false
}

// isEmoji reports pictographs counted by the emoji condition.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F300 && r <= 0x1FAFF, r >= 0x2600 && r <= 0x27BF, r >= 0x1F000 && r <= 0x1F2FF,
		r >= 0x2B00 && r <= 0x2BFF, r == 0x203C, r == 0x2049, r >= 0x2190 && r <= 0x21FF,
		r >= 0x2300 && r <= 0x23FF, r >= 0x25A0 && r <= 0x25FF:
		return true
	}
	return false
}

// visualLatin maps a Latin letter inside a Cyrillic word to the Cyrillic
// letter it imitates; upper-case and lower-case forms differ (H is н, h is х;
// m is т, M is м).
var visualLower = [26]rune{
	'а', 'в', 'с', 'д', 'е', 'ф', 'г', 'х', 'и', 'й', 'к', 'л', 'т',
	'п', 'о', 'р', 'к', 'р', 'с', 'т', 'и', 'в', 'ш', 'х', 'у', 'з',
}

var visualUpper = [26]rune{
	'а', 'в', 'с', 'д', 'е', 'ф', 'г', 'н', 'и', 'й', 'к', 'л', 'м',
	'н', 'о', 'р', 'к', 'р', 'с', 'т', 'и', 'в', 'ш', 'х', 'у', 'з',
}

// visualDigit maps a digit inside a Cyrillic word; 0 means no mapping.
var visualDigit = [10]rune{'о', 0, 0, 'з', 'ч', 0, 'б', 0, 'в', 'я'}

// lookAlikeUpper are the upper-case Latin letters and digits that look like
// Cyrillic ones, so a word made only of them (E6AHOE, OXYEHHO) is Cyrillic.
func lookAlikeUpper(r rune, upper bool, cls uint8) bool {
	switch cls {
	case clDigit:
		return r == '0' || r == '3' || r == '6'
	case clLatin:
		if !upper {
			return false
		}
		switch r {
		case 'a', 'b', 'c', 'e', 'h', 'k', 'm', 'o', 'p', 't', 'x', 'y':
			return true
		}
	}
	return false
}

package eval

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// validEachByte is s with every byte of invalid UTF-8 replaced by U+FFFD.
func validEachByte(s string) string {
	var b strings.Builder
	for _, r := range s { // range yields RuneError for each invalid byte
		b.WriteRune(r)
	}
	return b.String()
}

// TestAppendJSONBody_Escapes: the run-copying path writes what the
// rune-by-rune one writes, and the result reads back as the text (invalid
// UTF-8 as U+FFFD), for every kind of byte that needs care.
func TestAppendJSONBody_Escapes(t *testing.T) {
	for _, s := range []string{
		"",
		"оскорбление человека: «дурак»",
		`кавычки " и \ обратная черта`,
		"строка\nперевод\r\tтаб\x00\x1f\x7f",
		"разделитель\u2028строк\u2029абзацев",
		"битый \xff\xfe utf-8 \xd0",
		"смесь \"\u2028\xff\n",
		"эмодзи 👉 и ➡️, € и ₽",
		"overlong \xc0\x80 \xc1\xbf, surrogate \xed\xa0\x80, cut \xe2\x80",
		"\xd0",
		strings.Repeat("длинный текст ", 50),
	} {
		fast := string(appendJSONBody(nil, s))
		if slow := string(appendJSONSlow(nil, s)); fast != slow {
			t.Errorf("%q: fast %q, slow %q", s, fast, slow)
		}
		var back string
		if err := json.Unmarshal([]byte(`"`+fast+`"`), &back); err != nil {
			t.Errorf("%q: %q is no JSON string: %v", s, fast, err)
			continue
		}
		if want := validEachByte(s); back != want {
			t.Errorf("%q reads back as %q", s, back)
		}
		if strings.ContainsAny(fast, "\u2028\u2029\n") {
			t.Errorf("%q: %q keeps a line separator", s, fast)
		}
	}
}

// appendJSONSlow is appendJSONBody rune by rune (the tests' reference).
func appendJSONSlow(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				b = append(b, c)
			} else {
				b = appendJSONEscape(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == 0x2028 || r == 0x2029 {
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xF])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

package eval

import (
	"encoding/json"
	"strings"
	"testing"
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

// Package eval measures a rule engine on labelled text: Classify judges
// one comment per line, Run scores corpus files (the format of
// ../shared/corpus and its peer vectors) and writes the report of
// `strazh eval`. Every line is judged as a separate comment by a new
// author on an empty page (no history), so results do not depend on the
// order of the lines.
package eval

import (
	"bufio"
	"io"
	"unicode/utf8"

	"github.com/strazh/strazh/moderation"
)

// maxLine caps the text of one line that is judged; longer lines are
// judged on their first maxLine bytes (the rest is read and skipped).
const maxLine = 1 << 20

// Classify reads one comment per line from in and writes one JSON object
// per line to out:
//
//	{"verdict":"allow|review|delete|ban","labels":[...],"rules":[...],"reason":"..."}
//
// Lines may be very long or hold invalid UTF-8; neither stops it.
func Classify(e moderation.Evaluator, in io.Reader, out io.Writer) error {
	w := bufio.NewWriterSize(out, 64<<10)
	var (
		c    moderation.Comment
		res  moderation.Result
		buf  []byte
		werr error
	)
	// lines come in batches of one string each (not a string per line),
	// all in one reused buffer: each is judged and written before the next
	// is read, and no result outlives its line
	rerr := readBatches(in, true, func(b *lineBatch) {
		if werr != nil {
			return // read on (as ClassifyParallel does), judge no more
		}
		start := 0
		for _, end := range b.ends {
			c.Text = b.text[start:end]
			start = end
			res.Reset()
			e.Evaluate(&c, nil, &res)
			buf = appendResult(buf[:0], &res)
			if _, werr = w.Write(buf); werr != nil {
				return
			}
		}
	})
	if rerr != nil {
		return rerr
	}
	if werr != nil {
		return werr
	}
	return w.Flush()
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// scoreRule is rules.ScoreRule: the match that carries the model's scores
// for the review card; it is no rule, so the JSON line leaves it out.
const scoreRule = "model.score"

// appendResult appends the JSON line for one verdict.
func appendResult(b []byte, r *moderation.Result) []byte {
	b = append(b, `{"verdict":"`...)
	b = append(b, r.Verdict.String()...)
	b = append(b, `","labels":[`...)
	for i, l := range r.Labels {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, l)
	}
	b = append(b, `],"rules":[`...)
	n := 0
	for _, m := range r.Matches {
		if m.Rule == scoreRule {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendJSONString(b, m.Rule)
	}
	b = append(b, `],"reason":"`...)
	n = 0
	for _, m := range r.Matches {
		if m.Rule == scoreRule {
			continue
		}
		if n > 0 {
			b = append(b, "; "...)
		}
		n++
		b = appendJSONBody(b, m.Reason)
	}
	return append(b, "\"}\n"...)
}

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONBody(b, s)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// jsonPlain marks the bytes appendJSONBody copies as they are: printable
// ASCII but " and \, and the continuation and lead bytes of valid UTF-8.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x7F; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONBody escapes s for a JSON string; invalid UTF-8 becomes U+FFFD.
// It copies runs of bytes that need no escape at once; a two-byte rune
// (Cyrillic) is checked on the spot, other non-ASCII runes are decoded.
func appendJSONBody(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if !jsonPlain[c] {
				b = append(b, s[start:i-1]...)
				b = appendJSONEscape(b, c)
				start = i
			}
			continue
		}
		if c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			i += 2 // a valid two-byte rune: never an escape
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			start = i + 1
		case r == 0x2028 || r == 0x2029:
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xF])
			start = i + size
		}
		i += size
	}
	return append(b, s[start:]...)
}

// appendJSONEscape appends the escape of an ASCII byte that needs one.
func appendJSONEscape(b []byte, c byte) []byte {
	switch {
	case c == '"' || c == '\\':
		return append(b, '\\', c)
	case c == '\n':
		return append(b, '\\', 'n')
	case c == '\r':
		return append(b, '\\', 'r')
	case c == '\t':
		return append(b, '\\', 't')
	default: // c < 0x20 || c == 0x7F
		return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
	}
}

package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
)

// Audit output formats. The default is the table on a terminal and JSON
// Lines otherwise, so scripts that pipe `strazh audit` keep their shape.
const (
	formatTable = "table"
	formatJSONL = "jsonl"
	formatCSV   = "csv"
)

// auditFormat resolves -format: "" picks the table for a terminal.
func auditFormat(flagValue string, terminal bool) (string, error) {
	switch flagValue {
	case "":
		if terminal {
			return formatTable, nil
		}
		return formatJSONL, nil
	case formatTable, formatJSONL, formatCSV:
		return flagValue, nil
	}
	return "", fmt.Errorf("-format %q: want table, jsonl or csv", flagValue)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// checkAccount refuses an -account the configuration does not know: a typo
// would otherwise print nothing, which reads as "no decisions".
func checkAccount(cfg *config.Config, name string) error {
	if name == "" {
		return nil
	}
	known := make([]string, 0, len(cfg.Accounts))
	for _, a := range cfg.Accounts {
		if a.Name == name {
			return nil
		}
		known = append(known, a.Name)
	}
	return fmt.Errorf("-account %q: no such account in %s (known: %s)", name, cfg.File, strings.Join(known, ", "))
}

// verdictWords names final verdicts for people (Russian first).
var verdictWords = map[bool]map[moderation.Verdict]string{
	true: {moderation.Allow: "оставлен", moderation.Review: "на проверке",
		moderation.Delete: "удалён", moderation.Ban: "удалён+бан"},
	false: {moderation.Allow: "kept", moderation.Review: "in review",
		moderation.Delete: "deleted", moderation.Ban: "deleted+ban"},
}

// tableWriter prints rows aligned by display width, which for Cyrillic is
// one column per letter, for emoji two and for combining marks none
// (tabwriter counts runes, so emoji in names skew it). It holds the first
// tableSample rows to size the columns, then streams with those widths
// (cutting longer cells), so a long audit takes little memory.
type tableWriter struct {
	w     io.Writer
	head  []string
	max   []int // a column's width cap in display columns; 0: none
	rows  [][]string
	width []int // set once the columns are sized
	err   error
}

const tableSample = 200

func (t *tableWriter) add(row ...string) {
	for i := range row {
		row[i] = cleanCell(row[i])
		if t.max[i] > 0 {
			row[i] = fitWidth(row[i], t.max[i])
		}
	}
	if t.width != nil {
		t.line(row)
		return
	}
	t.rows = append(t.rows, row)
	if len(t.rows) >= tableSample {
		t.size()
	}
}

// size fixes the column widths from the rows held and prints them.
func (t *tableWriter) size() {
	t.width = make([]int, len(t.head))
	for _, r := range append([][]string{t.head}, t.rows...) {
		for i, c := range r {
			t.width[i] = max(t.width[i], displayWidth(c))
		}
	}
	t.line(t.head)
	for _, r := range t.rows {
		t.line(r)
	}
	t.rows = nil
}

func (t *tableWriter) line(r []string) {
	if t.err != nil {
		return
	}
	var b strings.Builder
	for i, c := range r {
		if i == len(r)-1 {
			b.WriteString(c)
			break
		}
		c = fitWidth(c, t.width[i])
		b.WriteString(c)
		b.WriteString(strings.Repeat(" ", t.width[i]-displayWidth(c)+2))
	}
	b.WriteByte('\n')
	_, t.err = io.WriteString(t.w, b.String())
}

// flush prints what is held; it reports the first write error.
func (t *tableWriter) flush() error {
	if t.width == nil {
		t.size()
	}
	return t.err
}

// cleanCell makes a cell safe for a terminal: citizens write the texts and
// names, and an escape sequence in them must not drive the terminal.
func cleanCell(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
}

// displayWidth is how many terminal columns s takes.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case r == 0 || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200d' || (r >= 0xfe00 && r <= 0xfe0f):
		return 0
	case r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
		(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6) || (r >= 0x1f300 && r <= 0x1faff) || (r >= 0x20000 && r <= 0x3fffd)):
		return 2
	}
	return 1
}

// fitWidth folds white space and cuts s to at most n display columns,
// marking a cut with "…".
func fitWidth(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if displayWidth(s) <= n {
		return s
	}
	w := 0
	for i, r := range s {
		rw := runeWidth(r)
		if w+rw > n-1 {
			return s[:i] + "…"
		}
		w += rw
	}
	return s
}

// writeAuditTable prints decisions as a table for people: reasons as the
// rules word them (Russian), times in local time.
func writeAuditTable(w io.Writer, ru bool, each func(func(*moderation.Decision) error) error) error {
	t := &tableWriter{w: w, max: []int{0, 20, 0, 28, 40, 20, 50}}
	if ru {
		t.head = []string{"ВРЕМЯ", "СТРАНИЦА", "ВЕРДИКТ", "ПРАВИЛО", "ПРИЧИНА", "АВТОР", "ТЕКСТ"}
	} else {
		t.head = []string{"TIME", "PAGE", "VERDICT", "RULE", "REASON", "AUTHOR", "TEXT"}
	}
	err := each(func(d *moderation.Decision) error {
		verdict := verdictWords[ru][d.Final()]
		if d.Review != nil && d.Review.Status == moderation.ReviewDecided {
			verdict += map[bool]string{true: " (модератор)", false: " (moderator)"}[ru]
		}
		var rules []string
		for _, m := range d.Matches {
			rules = append(rules, m.Rule)
		}
		author := d.Comment.Author.Name
		if author == "" {
			author = d.Comment.Author.ID
		}
		t.add(d.DecidedAt.Local().Format("2006-01-02 15:04"), d.Comment.Account, verdict, strings.Join(rules, ","),
			d.Reason(), author, d.Comment.Text)
		return nil
	})
	empty := t.width == nil && len(t.rows) == 0
	if ferr := t.flush(); err == nil {
		err = ferr
	}
	if err == nil && empty {
		_, err = fmt.Fprintln(w, map[bool]string{true: "(нет решений)", false: "(no decisions)"}[ru])
	}
	return err
}

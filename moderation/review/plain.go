package review

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// The plain form is what a card falls back to when Telegram refuses the
// full one for its content: no parse mode (so no entity can be broken),
// valid UTF-8, every field cut, far under the length limit, the same
// buttons. It says less, but the moderator sees the review and can decide.
const (
	plainText     = 700 // characters of the comment
	plainDigest   = 100 // per digest entry
	plainRules    = 3
	plainMaxUnits = 3000 // what the whole plain form may count (UTF-16 units)
)

// plainCard renders c in the plain form; ds are its decisions (nil entries
// are gone and skipped).
func (t *Reviewer) plainCard(c *cardstore.Card, ds []*moderation.Decision) string {
	tx := t.tx
	var b strings.Builder
	title := tx.titleReview
	switch c.Kind {
	case cardstore.KindNotice:
		title = tx.titleNotice
	case cardstore.KindDigest:
		title = tx.titleDigest
	}
	fmt.Fprintf(&b, "%s", title)
	if c.Kind != cardstore.KindDigest && len(ds) == 1 && ds[0] != nil {
		fmt.Fprintf(&b, " · #%d", ds[0].ID)
	}
	b.WriteString("\n" + tx.plainNote)
	for _, d := range ds {
		if d == nil {
			continue
		}
		cm := &d.Comment
		b.WriteString("\n\n")
		if c.Kind == cardstore.KindDigest {
			fmt.Fprintf(&b, "#%d · ", d.ID)
		}
		fmt.Fprintf(&b, "%s · %s · %s", short(t.networkName(cm.Network)), short(cm.Account), authorName(cm.Author))
		if cm.Author.ID != "" {
			fmt.Fprintf(&b, " (%s)", short(cm.Author.ID))
		}
		var rules []string
		for i, m := range d.Matches {
			if i == plainRules {
				rules = append(rules, "…")
				break
			}
			rules = append(rules, short(m.Rule))
		}
		if len(rules) > 0 {
			fmt.Fprintf(&b, "\n%s: %s", tx.rules, strings.Join(rules, ", "))
		}
		limit := plainText
		if c.Kind == cardstore.KindDigest {
			limit = plainDigest
		}
		text, cutted := cut(cm.Text, limit)
		if cutted {
			text += "…"
		}
		fmt.Fprintf(&b, "\n%s:\n%s", tx.text, text)
		if c.Kind == cardstore.KindReview && goneByNetwork(d) {
			head, rest := t.goneLine(d)
			fmt.Fprintf(&b, "\n\n%s — %s", head, rest)
		} else if c.Kind == cardstore.KindReview && editedByAuthor(d) {
			fmt.Fprintf(&b, "\n\n%s, %s", editedText[t.tx], t.fmtTime(d.Review.At))
		} else if c.Kind == cardstore.KindReview && decided(d) {
			r := d.Review
			fmt.Fprintf(&b, "\n\n%s: %s — %s, %s", tx.decided, t.verdictText(r.Verdict, r.BanFor),
				short(who(r.ByName, r.By)), t.fmtTime(r.At))
		}
		if d.UndoneBy != "" {
			fmt.Fprintf(&b, "\n"+tx.undone, short(who(c.Names[d.UndoneBy], d.UndoneBy)), t.fmtTime(d.UndoneAt))
		}
	}
	return plainSafe(b.String())
}

// plainSafe makes s acceptable as a plain message: valid UTF-8, no NUL
// and at most plainMaxUnits UTF-16 units.
func plainSafe(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	n := 0
	for i, r := range s {
		if n += max(utf16.RuneLen(r), 1); n > plainMaxUnits {
			return s[:i] + "…"
		}
	}
	return s
}

// errUnsendable marks a card Telegram refused in the plain form too.
var errUnsendable = errors.New("refused in the plain form too")

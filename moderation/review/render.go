package review

import (
	"fmt"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// Limits of what a card shows. Telegram allows 4096 characters per
// message; the comment's text gets most of it.
const (
	maxCardText    = 1500 // characters of the comment on a review card or notice
	maxDigestText  = 120  // per entry of a digest
	maxMatchText   = 100
	maxReasonText  = 200
	maxNameText    = 64
	maxLinksText   = 300 // the links and attachments line
	maxMatches     = 6
	digestPerCard  = 6  // entries per digest message
	maxPendingList = 30 // lines of /pending
)

// Callback action codes: callback data is "<card key>.<index>.<code>".
const (
	actKeep    = "k"
	actDelete  = "d"
	actBanMenu = "b"
	actBack    = "x"
	actRestore = "u"
	actRetry   = "r"
	// The ban lengths are "b1", "b7", "b30", "b0" (forever): banCodes.
)

// esc escapes text for Telegram's HTML parse mode (<, >, &, quotes) and
// replaces invalid UTF-8, which Telegram refuses ("strings must be encoded
// in UTF-8"; found by FuzzRender).
func esc(s string) string { return html.EscapeString(strings.ToValidUTF8(s, "\uFFFD")) }

// cut returns at most n characters (runes) of s and whether it cut. It
// cuts raw text, before escaping, and only between runes, so it never
// splits an entity, a UTF-8 sequence or a UTF-16 surrogate pair.
// It reads at most n runes of s, whatever its length.
func cut(s string, n int) (string, bool) {
	i := 0
	for k := range s {
		if i == n {
			return s[:k], true
		}
		i++
	}
	return s, false
}

// oneLine is s's first n characters with runs of white space as one space
// (for digests and lists); it reads only about 4n bytes of s.
func oneLine(s string, n int) (string, bool) {
	head, cutted := cut(s, 4*n+8) // white space beyond that cannot matter
	line, more := cut(strings.Join(strings.Fields(head), " "), n)
	return line, cutted || more
}

func safeURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return s
}

func link(href, text string) string {
	if href = safeURL(href); href == "" {
		return esc(text)
	}
	return `<a href="` + esc(href) + `">` + esc(text) + `</a>`
}

// postURL guesses the post's link from a comment permalink that points into
// it with a query parameter (VK ?reply=, Facebook ?comment_id=, OK ?commentId=).
func postURL(permalink string) string {
	u, err := url.Parse(permalink)
	if err != nil || u.RawQuery == "" {
		return ""
	}
	q := u.Query()
	for _, k := range []string{"reply", "comment_id", "commentId", "thread"} {
		if q.Has(k) {
			u.RawQuery, u.Fragment = "", ""
			return u.String()
		}
	}
	return ""
}

func (t *Reviewer) fmtTime(tm time.Time) string {
	return tm.In(t.loc).Format(t.tx.timeFormat)
}

func (t *Reviewer) networkName(n string) string {
	if s, ok := t.tx.networks[n]; ok {
		return s
	}
	return n
}

func verdictIcon(v moderation.Verdict) string {
	switch v {
	case moderation.Allow:
		return "✅"
	case moderation.Delete:
		return "🗑"
	case moderation.Ban:
		return "⛔"
	}
	return "🟡"
}

// verdictText is "удалить и забанить на 1 неделю".
func (t *Reviewer) verdictText(v moderation.Verdict, banFor time.Duration) string {
	s := t.tx.verdict[v.String()]
	if v == moderation.Ban {
		s += " " + t.tx.banFor(banFor)
	}
	return s
}

func authorName(a moderation.Author) string {
	name := a.Name
	if name == "" {
		name = a.ID
	}
	name, _ = cut(name, maxNameText)
	return name
}

// visibleLen is the length Telegram counts for an HTML text: tags removed,
// entities decoded (every literal "<" is escaped, so each "<" in s starts
// a tag), in UTF-16 code units (an emoji outside the BMP is two).
func visibleLen(s string) int {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return utf16Len(html.UnescapeString(b.String()))
}

// utf16Len is the length of s in UTF-16 code units, as Telegram counts.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// header writes network, links, author, time, rules and the text.
func (t *Reviewer) header(b *strings.Builder, d *moderation.Decision, violations bool, limit int) {
	c := &d.Comment
	tx := t.tx
	fmt.Fprintf(b, "<b>%s:</b> %s · %s", tx.network, esc(short(t.networkName(c.Network))), esc(short(c.Account)))
	if x := c.Context; x != nil && x.Page != "" && x.Page != c.Account {
		b.WriteString(" (" + esc(short(x.Page)) + ")") // the page as the network titles it
	}
	b.WriteString("\n")
	var links []string
	if p := postURL(c.Permalink); p != "" {
		links = append(links, link(p, tx.post))
	}
	if safeURL(c.Permalink) != "" {
		links = append(links, link(c.Permalink, tx.comment))
	}
	if len(links) > 0 {
		fmt.Fprintf(b, "<b>%s:</b> %s\n", tx.open, strings.Join(links, " · "))
	}
	fmt.Fprintf(b, "<b>%s:</b> %s", tx.author, link(c.Author.ProfileURL, authorName(c.Author)))
	if c.Author.ID != "" {
		fmt.Fprintf(b, " (<code>%s</code>)", esc(short(c.Author.ID)))
	}
	if violations && t.hist != nil {
		if n := t.hist.Violations(c.Account, c.Author.ID, time.Time{}); n > 0 {
			b.WriteString(" · " + fmt.Sprintf(tx.priorViolations, n))
		}
	}
	b.WriteString("\n")
	at := c.Created
	if at.IsZero() {
		at = d.DecidedAt
	}
	fmt.Fprintf(b, "<b>%s:</b> %s\n", tx.time, t.fmtTime(at))
	if len(d.Matches) > 0 {
		fmt.Fprintf(b, "<b>%s:</b>\n", tx.rules)
		for i, m := range d.Matches {
			if i == maxMatches {
				fmt.Fprintf(b, "• … +%d\n", len(d.Matches)-i)
				break
			}
			fmt.Fprintf(b, "• <code>%s</code>", esc(short(m.Rule)))
			if m.Reason != "" {
				r, _ := cut(m.Reason, maxReasonText)
				b.WriteString(" — " + esc(r))
			}
			if m.Matched != "" {
				s, _ := cut(m.Matched, maxMatchText)
				b.WriteString(": «" + esc(s) + "»")
			}
			b.WriteString("\n")
		}
	}
	t.context(b, c.Context, limit)
	text, cutted := cut(c.Text, limit)
	fmt.Fprintf(b, "<b>%s:</b>\n<blockquote>%s</blockquote>", tx.text, esc(text))
	if cutted {
		b.WriteString("\n<i>" + fmt.Sprintf(tx.cutNote, limit, utf8.RuneCountInString(c.Text)) + "</i>")
	}
	if l := attachments(c); l != "" {
		b.WriteString("\n📎 " + esc(l))
	}
	if d.DryRun {
		b.WriteString("\n<i>" + tx.dryRun + "</i>")
	}
}

// context writes the post's opening text and the parent comment's text,
// each cut to the comment's own limit when that is shorter, so a card that
// is too long shrinks them too (the connector cut them to 300 already).
func (t *Reviewer) context(b *strings.Builder, x *moderation.Context, limit int) {
	if x == nil {
		return
	}
	n := min(limit, moderation.MaxContextText)
	for _, part := range []struct{ label, text string }{{t.tx.ctxPost, x.Post}, {t.tx.ctxParent, x.Parent}} {
		if strings.TrimSpace(part.text) == "" {
			continue
		}
		s, cutted := cut(part.text, n)
		if cutted {
			s += "…"
		}
		fmt.Fprintf(b, "<b>%s:</b>\n<blockquote>%s</blockquote>\n", part.label, esc(s))
	}
}

// attachments is the comment's links and attachments on one line, cut to
// maxLinksText before it is escaped.
func attachments(c *moderation.Comment) string {
	if len(c.Links) == 0 && len(c.Attach) == 0 {
		return ""
	}
	// Each part is cut first, so a huge one costs no more than a short one.
	parts := make([]string, 0, len(c.Links)+len(c.Attach))
	for _, p := range append(slices.Clip(c.Links), c.Attach...) {
		p, _ = cut(p, maxLinksText)
		parts = append(parts, p)
	}
	s, _ := cut(strings.Join(parts, ", "), maxLinksText)
	return s
}

// short cuts a name-like field (account, rule, ID) to maxNameText.
func short(s string) string {
	s, _ = cut(s, maxNameText)
	return s
}

// actionsLine is "Действия: удаление — выполнено; бан — ошибка: …".
func (t *Reviewer) actionsLine(d *moderation.Decision) string {
	if len(d.Actions) == 0 {
		return ""
	}
	parts := make([]string, 0, len(d.Actions))
	for _, a := range d.Actions {
		s := t.tx.action[string(a.Type)]
		if s == "" {
			s = string(a.Type)
		}
		st := t.tx.state[string(a.State)]
		if st == "" {
			st = string(a.State)
		}
		s += " — " + st
		if a.Error != "" && a.State != moderation.ActionDone {
			e, _ := cut(a.Error, maxReasonText)
			s += ": " + e
		}
		if a.Type == moderation.ActBan && t.caps != nil && t.caps(d.Comment.Account).BanLocal {
			s += " (" + t.tx.banLocal + ")"
		}
		parts = append(parts, esc(s))
	}
	return fmt.Sprintf("<b>%s:</b> %s", t.tx.actions, strings.Join(parts, "; "))
}

func failed(d *moderation.Decision) bool {
	for _, a := range d.Actions {
		if a.State == moderation.ActionFailed {
			return true
		}
	}
	return false
}

func decided(d *moderation.Decision) bool {
	return d.Review != nil && d.Review.Status == moderation.ReviewDecided
}

// who is "Мария Иванова (Telegram)" (the channel the moderator decided
// in, so a card in another channel says where) or the by string.
func who(name, by string) string {
	if name != "" {
		if ch := channelNames[channelOf(by)]; ch != "" {
			return name + " (" + ch + ")"
		}
		return name
	}
	return by
}

func (t *Reviewer) button(text string, c *cardstore.Card, i int, act string) button {
	return button{Text: text, Data: c.Key + "." + strconv.Itoa(i) + "." + act}
}

// renderReview renders a review card; step "ban" shows the durations.
func (t *Reviewer) renderReview(c *cardstore.Card, d *moderation.Decision, step string, limit int) (string, *keyboard) {
	var b strings.Builder
	tx := t.tx
	title, icon := tx.titleReview, "🟡"
	switch {
	case decided(d):
		title, icon = tx.titleDone, verdictIcon(d.Review.Verdict)
	case d.Urgent:
		title, icon = tx.titleUrgent, "🔴"
	}
	fmt.Fprintf(&b, "%s <b>%s</b> · #%d\n", icon, title, d.ID)
	t.header(&b, d, true, limit)
	if !decided(d) {
		if step == "ban" {
			return b.String(), &keyboard{InlineKeyboard: [][]button{
				{t.button(tx.btnDay, c, 0, "b1"), t.button(tx.btnWeek, c, 0, "b7")},
				{t.button(tx.btnMonth, c, 0, "b30"), t.button(tx.btnForever, c, 0, "b0")},
				{t.button(tx.btnBack, c, 0, actBack)},
			}}
		}
		if step == stepDistrict {
			return b.String(), t.districtMenu(c)
		}
		rows := [][]button{
			{t.button(tx.btnKeep, c, 0, actKeep), t.button(tx.btnDelete, c, 0, actDelete)},
			{t.button(tx.btnBan, c, 0, actBanMenu)},
		}
		if row := t.districtRow(c, d); row != nil {
			rows = append(rows, row)
		}
		return b.String(), &keyboard{InlineKeyboard: rows}
	}
	r := d.Review
	if goneByNetwork(d) {
		head, rest := t.goneLine(d)
		fmt.Fprintf(&b, "\n\n🗑 <b>%s</b> — %s", esc(head), esc(rest))
		return b.String(), nil
	}
	if editedByAuthor(d) {
		fmt.Fprintf(&b, "\n\n✏️ <b>%s</b>, %s", esc(editedText[t.tx]), t.fmtTime(r.At))
		return b.String(), nil
	}
	fmt.Fprintf(&b, "\n\n%s <b>%s:</b> %s — ", verdictIcon(r.Verdict), tx.decided, esc(t.verdictText(r.Verdict, r.BanFor)))
	if r.By == moderation.ByTimeout {
		fmt.Fprintf(&b, tx.decidedTimeout, esc(tx.ago(t.cfg.ReviewTimeout)), t.fmtTime(r.At))
	} else {
		fmt.Fprintf(&b, tx.decidedBy, esc(short(who(r.ByName, r.By))), t.fmtTime(r.At))
	}
	if l := t.actionsLine(d); l != "" {
		b.WriteString("\n" + l)
	}
	if failed(d) {
		return b.String(), &keyboard{InlineKeyboard: [][]button{
			{t.button(tx.btnRetry, c, 0, actRetry)},
		}}
	}
	return b.String(), nil
}

// autoText is "удалено, автор забанен на 1 неделю".
func (t *Reviewer) autoText(d *moderation.Decision) string {
	if d.Verdict == moderation.Ban {
		return fmt.Sprintf(t.tx.autoBanned, t.tx.banFor(d.BanFor))
	}
	return t.tx.autoDeleted
}

// restorable reports whether «Восстановить» makes sense: something was
// done, is not undone yet, and the account's network can undo it.
func (t *Reviewer) restorable(d *moderation.Decision) bool {
	caps := moderation.Capabilities{Restore: true, Unban: true}
	if t.caps != nil {
		caps = t.caps(d.Comment.Account)
	}
	return restorable(d, caps)
}

func restorable(d *moderation.Decision, caps moderation.Capabilities) bool {
	if d.DryRun || d.UndoneBy != "" {
		return false
	}
	for _, a := range d.Actions {
		if a.State == moderation.ActionDone &&
			((a.Type == moderation.ActDelete && caps.Restore) || (a.Type == moderation.ActBan && caps.Unban)) {
			return true
		}
	}
	return false
}

// renderNotice renders the report of one automatic action.
func (t *Reviewer) renderNotice(c *cardstore.Card, d *moderation.Decision, names map[string]string, limit int) (string, *keyboard) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s <b>%s</b> · #%d: %s\n", verdictIcon(d.Verdict), t.tx.titleNotice, d.ID, esc(t.autoText(d)))
	t.header(&b, d, false, limit)
	if l := t.actionsLine(d); l != "" {
		b.WriteString("\n" + l)
	}
	if d.UndoneBy != "" {
		b.WriteString("\n" + t.undone(d, names))
	}
	switch {
	case t.restorable(d):
		return b.String(), &keyboard{InlineKeyboard: [][]button{
			{t.button(t.tx.btnRestore, c, 0, actRestore)}}}
	case failed(d):
		return b.String(), &keyboard{InlineKeyboard: [][]button{
			{t.button(t.tx.btnRetry, c, 0, actRetry)}}}
	}
	return b.String(), nil
}

// undone is "↩️ Отменено: Мария, 02.01.2025 15:10"; names maps the by
// strings to the names of the moderators who tapped (kept on the card).
func (t *Reviewer) undone(d *moderation.Decision, names map[string]string) string {
	return "↩️ " + fmt.Sprintf(t.tx.undone, esc(short(who(names[d.UndoneBy], d.UndoneBy))), t.fmtTime(d.UndoneAt))
}

// renderDigest renders several automatic actions in one message.
func (t *Reviewer) renderDigest(c *cardstore.Card, ds []*moderation.Decision, names map[string]string, limit int) (string, *keyboard) {
	var b strings.Builder
	fmt.Fprintf(&b, t.tx.digestHead, len(ds))
	var rows [][]button
	for i, d := range ds {
		if d == nil {
			continue
		}
		cm := &d.Comment
		text, cutted := oneLine(cm.Text, limit)
		if cutted {
			text += "…"
		}
		fmt.Fprintf(&b, "\n\n%d. %s #%d %s · %s · %s: %s", i+1, verdictIcon(d.Verdict), d.ID,
			esc(short(t.networkName(cm.Network))), esc(short(cm.Account)), link(cm.Author.ProfileURL, authorName(cm.Author)), esc(t.autoText(d)))
		var rules []string
		for i, m := range d.Matches {
			if i == 3 {
				rules = append(rules, "…")
				break
			}
			rules = append(rules, "<code>"+esc(short(m.Rule))+"</code>")
		}
		if len(rules) > 0 {
			b.WriteString(" — " + strings.Join(rules, ", "))
		}
		if safeURL(cm.Permalink) != "" {
			b.WriteString(" · " + link(cm.Permalink, t.tx.comment))
		}
		b.WriteString("\n<blockquote>" + esc(text) + "</blockquote>")
		if failed(d) {
			b.WriteString("\n" + t.actionsLine(d))
		}
		if d.UndoneBy != "" {
			b.WriteString("\n" + t.undone(d, names))
		}
		switch {
		case t.restorable(d):
			rows = append(rows, []button{t.button(fmt.Sprintf("%s #%d", t.tx.btnRestore, d.ID), c, i, actRestore)})
		case failed(d):
			rows = append(rows, []button{t.button(fmt.Sprintf("%s #%d", t.tx.btnRetry, d.ID), c, i, actRetry)})
		}
	}
	if len(rows) == 0 {
		return b.String(), nil
	}
	return b.String(), &keyboard{InlineKeyboard: rows}
}

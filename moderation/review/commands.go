package review

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// onMessage runs a command sent to the review chat; everything else, and
// every other chat, is ignored.
func (t *Reviewer) onMessage(ctx context.Context, m *incoming, w *work) {
	if m.chatID != t.cfg.ChatID || !strings.HasPrefix(m.text, "/") || m.from == nil {
		return
	}
	fields := strings.Fields(m.text)
	cmd := strings.ToLower(strings.TrimPrefix(fields[0], "/"))
	cmd, _, _ = strings.Cut(cmd, "@") // "/pending@strazh_bot"
	args := fields[1:]
	u := *m.from
	log := t.log.With(t.userKey(), u.id, t.tr.channel()+"_user", u.name, "command", cmd)
	reply := func(text string) {
		o := &cardstore.Outgoing{Prio: cardstore.PrioInteractive, Op: cardstore.OpText,
			ChatID: t.cfg.ChatID, Text: text, Created: t.now()}
		o.SetReply(m.id)
		w.ch.Enqueue = append(w.ch.Enqueue, o)
	}
	tx := t.tx
	needMod := func() bool {
		if t.isModerator(u.id) {
			return true
		}
		log.Warn("command by a user who is not a moderator refused")
		reply(tx.noRights)
		return false
	}
	switch cmd {
	case "help", "start":
		text := tx.help
		if t.mod.Paused() {
			text += "\n\n" + tx.pausedNow
		}
		reply(text)
	case "pending":
		reply(t.pendingText())
	case "stats":
		reply(t.statsText())
	case "author":
		if !needMod() {
			return
		}
		if len(args) != 2 {
			reply(tx.authorUsage)
			return
		}
		reply(t.authorText(strings.ToLower(args[0]), args[1]))
	case "pause":
		if needMod() {
			t.pauseCommand(args, t.by(u.id), esc(u.name), log, reply)
		}
	case "resume":
		if needMod() {
			t.pauseUntil.Store(0)
			t.mod.Resume(t.by(u.id))
			log.Info("automatic actions resumed")
			reply(fmt.Sprintf(tx.resumed, esc(u.name)))
		}
	case "unban":
		if !needMod() {
			return
		}
		if len(args) != 2 {
			reply(tx.unbanUsage)
			return
		}
		actx, cancel := context.WithTimeout(ctx, t.tm.ActionTimeout)
		defer cancel()
		n, err := t.mod.Unban(actx, strings.ToLower(args[0]), args[1], t.by(u.id))
		if err != nil {
			log.Error("unban failed", "network", args[0], "author", args[1], "err", err)
			reply(fmt.Sprintf(tx.cmdError, esc(shortErr(err))))
			return
		}
		log.Info("unban", "network", args[0], "author", args[1], "accounts", n)
		reply(fmt.Sprintf(tx.unbanDone, esc(args[1]), esc(args[0]), n))
	default:
		log.Debug("unknown command ignored")
	}
}

func (t *Reviewer) pendingText() string {
	ds, err := t.mod.PendingReviews()
	if err != nil {
		return fmt.Sprintf(t.tx.cmdError, esc(shortErr(err)))
	}
	if len(ds) == 0 {
		return t.tx.pendingNone
	}
	var b strings.Builder
	fmt.Fprintf(&b, t.tx.pendingHead, len(ds))
	now := t.now()
	for i, d := range ds {
		if i == maxPendingList {
			b.WriteString("\n" + fmt.Sprintf(t.tx.pendingMore, len(ds)-i))
			break
		}
		excerpt, cutted := oneLine(d.Comment.Text, 80)
		if cutted {
			excerpt += "…"
		}
		id := fmt.Sprintf("#%d", d.ID)
		if c, err := t.store.CardFor(d.ID); err == nil {
			if l := t.tr.link(c.ChatID, c.Msg()); l != "" {
				id = link(l, id)
			}
		}
		urgent := ""
		if d.Urgent {
			urgent = "🔴 "
		}
		fmt.Fprintf(&b, "\n%s%s · %s · %s/%s · %s: «%s»", urgent, id, esc(t.tx.ago(now.Sub(d.DecidedAt))),
			esc(t.networkName(d.Comment.Network)), esc(d.Comment.Account), esc(authorName(d.Comment.Author)), esc(excerpt))
	}
	return b.String()
}

func (t *Reviewer) statsText() string {
	now := t.now().In(t.loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, t.loc)
	var b strings.Builder
	b.WriteString(t.tx.statsHead)
	var week moderation.Stats
	for _, p := range []struct {
		name  string
		since time.Time
	}{{t.tx.statsToday, today}, {t.tx.statsWeek, now.Add(-7 * day)}} {
		s, err := t.mod.Stats(p.since)
		if err != nil {
			return fmt.Sprintf(t.tx.cmdError, esc(shortErr(err)))
		}
		b.WriteString("\n" + fmt.Sprintf(t.tx.statsLine, p.name, s.Comments, s.Deleted, s.Banned, s.Reviewed, s.Pending))
		pages, err := t.statsPages(p.name, p.since)
		if err != nil {
			return fmt.Sprintf(t.tx.cmdError, esc(shortErr(err)))
		}
		b.WriteString(pages)
		week = s
	}
	b.WriteString(t.appealStatsText(now.Add(-7 * day))) // appeals.go
	b.WriteString(t.postsText(now))
	if len(week.ByRule) > 0 {
		type kv struct {
			rule string
			n    int
		}
		var rules []kv
		for r, n := range week.ByRule {
			rules = append(rules, kv{r, n})
		}
		slices.SortFunc(rules, func(a, b kv) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.rule, b.rule)) })
		b.WriteString("\n\n<b>" + t.tx.statsRules + ":</b>")
		for i, r := range rules {
			if i == 15 {
				fmt.Fprintf(&b, "\n… +%d", len(rules)-i)
				break
			}
			fmt.Fprintf(&b, "\n• <code>%s</code>: %d", esc(r.rule), r.n)
		}
	}
	return b.String()
}

package review

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// PostCounter counts each page's own posts in the 7 days up to now, by
// account (cadence.Poller implements it; decree §2.1).
type PostCounter interface {
	Weeks(now time.Time) (map[string]int, error)
}

// CountedSincer is a PostCounter that can say since when a page whose
// network lists no past posts (Telegram) has been counted (cadence.Poller
// implements it): a page counted for less than 7 days is said partial in
// /stats instead of judged low, as strazh_posts_week_partial does.
type CountedSincer interface {
	CountedSince(account string) (since time.Time, ok bool)
}

type postsHook struct {
	pc  PostCounter
	min int
}

// SetPostCounter adds each page's posts of the last 7 days to /stats,
// marked where fewer than minPerWeek. Call it before Run.
func (t *Telegram) SetPostCounter(pc PostCounter, minPerWeek int) {
	t.posts = postsHook{pc: pc, min: minPerWeek}
}

// postsText is the /stats block of the pages' posts ("" without a counter
// or pages).
func (t *Telegram) postsText(now time.Time) string {
	if t.posts.pc == nil {
		return ""
	}
	head, line, low := "Публикаций страниц за 7 дней (нужно не меньше %d)", "%s: %d", " ⚠️ мало"
	partial := " (неполная неделя: сеть не отдаёт прошлые публикации, считаем с %s)"
	if t.tx == en {
		head, line, low = "Page posts in the last 7 days (at least %d wanted)", "%s: %d", " ⚠️ too few"
		partial = " (a partial week: the network lists no past posts, counted since %s)"
	}
	cs, _ := t.posts.pc.(CountedSincer)
	weeks, err := t.posts.pc.Weeks(now)
	if err != nil {
		return "\n\n" + fmt.Sprintf(t.tx.cmdError, esc(shortErr(err)))
	}
	if len(weeks) == 0 {
		return ""
	}
	accounts := make([]string, 0, len(weeks))
	for a := range weeks {
		accounts = append(accounts, a)
	}
	slices.Sort(accounts)
	var b strings.Builder
	b.WriteString("\n\n<b>" + fmt.Sprintf(head, t.posts.min) + ":</b>")
	for _, a := range accounts {
		b.WriteString("\n• " + fmt.Sprintf(line, esc(a), weeks[a]))
		if cs != nil {
			if since, ok := cs.CountedSince(a); ok && since.After(now.Add(-7*24*time.Hour)) {
				b.WriteString(fmt.Sprintf(partial, esc(t.fmtTime(since))))
				continue // not judged: the week is not whole
			}
		}
		if weeks[a] < t.posts.min {
			b.WriteString(low)
		}
	}
	return b.String()
}

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
	if t.tx == en {
		head, line, low = "Page posts in the last 7 days (at least %d wanted)", "%s: %d", " ⚠️ too few"
	}
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
		if weeks[a] < t.posts.min {
			b.WriteString(low)
		}
	}
	return b.String()
}

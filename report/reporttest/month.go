// Package reporttest fills a store with a simulated month of a district's
// moderation through the store's public API (decisions, reviews, posts),
// with in-memory appeals and security events beside it, and says what a
// report of that month must count.
package reporttest

import (
	"fmt"
	"slices"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// Pages are the simulated month's pages: a busy one and a quiet one.
var Pages = []string{"admin-vk", "glava-vk"}

// Want is what the month holds, counted while it is written.
type Want struct {
	Comments, Allowed, Deleted, Banned, Restored int
	Reviewed, Pending, TimedOut, ReviewDecided   int
	ClosedByEdit                                 int
	ByReason                                     map[string]int
	Posts                                        map[string]int // per page
	ReviewWaits                                  []time.Duration
	Appeals, AppealsOnTime, AppealsLate          int
	AppealsWaiting                               int
	ByTopic                                      map[string]int
	Security                                     int
}

// Month writes 30 days ending at until into db (decisions, posts and
// appeals) and returns the appeals and the security events of the month, in
// memory for tests of the report alone, with what a report of
// [until-30d, until) must count.
func Month(db *store.DB, until time.Time) (*MemAppeals, *MemSecurity, Want, error) {
	w := Want{ByReason: map[string]int{}, Posts: map[string]int{}, ByTopic: map[string]int{}}
	since := until.AddDate(0, 0, -30)
	seq := 0
	for day := range 30 {
		d0 := since.AddDate(0, 0, day)
		for pi, acc := range Pages {
			n := 12 + (day*7+pi*5)%9 // 12..20 comments a day
			var ds []*moderation.Decision
			for i := range n {
				seq++
				at := d0.Add(time.Duration(8*60+i*37) * time.Minute)
				d := &moderation.Decision{
					Comment: moderation.Comment{Network: "vk", Account: acc, Kind: moderation.KindWallComment,
						ID: fmt.Sprintf("vk:%s:%d", acc, seq), Ref: fmt.Sprintf("wall:-1:%d", seq),
						Author: moderation.Author{ID: fmt.Sprint(1000 + seq%97), Name: "Житель"}, Text: "текст", Created: at},
					Version: 1, DecidedBy: moderation.ByAuto, DecidedAt: at,
				}
				w.Comments++
				switch i % 10 {
				case 0, 1: // мат, deleted automatically
					d.Verdict = moderation.Delete
					d.Matches = []moderation.Match{{Rule: "obscene.mat", Label: "obscenity", Action: moderation.Delete}}
					w.Deleted++
					w.ByReason["obscenity"]++
				case 2: // spam; every third one restored by a moderator
					d.Verdict = moderation.Delete
					d.Matches = []moderation.Match{{Rule: "spam.links", Label: "spam", Action: moderation.Delete}}
					if seq%3 == 0 {
						d.UndoneBy, d.UndoneAt = "telegram:77", at.Add(time.Hour)
						w.Restored++
					} else {
						w.Deleted++
						w.ByReason["spam"]++
					}
				case 3: // an insult sent to review, deleted by a moderator
					d.Verdict = moderation.Review
					d.Matches = []moderation.Match{{Rule: "insult.direct", Label: "insult", Action: moderation.Review}}
					wait := time.Duration(5+(seq%12)*5) * time.Minute
					d.Review = &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: moderation.Delete,
						By: "telegram:77", ByName: "Мария", At: at.Add(wait)}
					w.Reviewed++
					w.ReviewDecided++
					w.ReviewWaits = append(w.ReviewWaits, wait)
					w.Deleted++
					w.ByReason["insult"]++
				case 4: // reviewed and kept; the last day's still wait, every 7th timed out
					d.Verdict = moderation.Review
					d.Matches = []moderation.Match{{Rule: "insult.soft", Label: "insult", Action: moderation.Review}}
					w.Reviewed++
					switch {
					case day == 29:
						d.Review = &moderation.ReviewState{Status: moderation.ReviewPending}
						w.Pending++
					case seq%7 == 0:
						d.Review = &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: moderation.Allow,
							By: moderation.ByTimeout, At: at.Add(24 * time.Hour)}
						w.TimedOut++
						w.Allowed++
					case seq%11 == 0: // the author edited it while it waited
						d.Review = &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: moderation.Allow,
							By: moderation.ByEdit, At: at.Add(time.Minute)}
						w.ClosedByEdit++
						w.Allowed++
					default:
						wait := 90 * time.Minute
						d.Review = &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: moderation.Allow,
							By: "telegram:78", ByName: "Олег", At: at.Add(wait)}
						w.ReviewDecided++
						w.ReviewWaits = append(w.ReviewWaits, wait)
						w.Allowed++
					}
				case 5: // a threat: deleted and banned, on even days only
					if day%2 == 0 {
						d.Verdict = moderation.Ban
						d.BanFor = 7 * 24 * time.Hour
						d.Matches = []moderation.Match{{Rule: "threat.kill", Label: "threat", Action: moderation.Ban}}
						w.Deleted++
						w.Banned++
						w.ByReason["threat"]++
						break
					}
					fallthrough
				default:
					d.Verdict = moderation.Allow
					w.Allowed++
				}
				ds = append(ds, d)
			}
			if _, err := db.Commit(acc, ds, nil); err != nil {
				return nil, nil, w, err
			}
			// admin-vk posts twice a day; glava-vk every other day.
			var posts []moderation.Post
			for k := range 2 {
				if acc == "glava-vk" && (k > 0 || day%2 == 1) {
					continue
				}
				at := d0.Add(time.Duration(10+k*6) * time.Hour)
				posts = append(posts, moderation.Post{Network: "vk", Account: acc, ID: fmt.Sprintf("%d%d", day, k), At: at})
				w.Posts[acc]++
			}
			if err := db.PutPosts(posts); err != nil {
				return nil, nil, w, err
			}
		}
	}
	ap := &MemAppeals{}
	topics := []string{"roads", "heating", "rubbish", "roads", "transport", "snow", "water", "roads"}
	now := until
	for i := range 40 {
		opened := since.Add(time.Duration(i*17) * time.Hour)
		a := &moderation.Appeal{DecisionID: uint64(i + 1), Network: "vk", Account: Pages[i%2], Topic: topics[i%len(topics)],
			OpenedAt: opened, Deadline: opened.Add(24 * time.Hour)}
		switch {
		case i%5 == 4: // answered late
			a.AnsweredAt = opened.Add(30 * time.Hour)
		case opened.Add(24*time.Hour).After(now) && i%2 == 1: // recent, still open, not due
		case i%9 == 8: // never answered, overdue
		default:
			a.AnsweredAt = opened.Add(time.Duration(2+i%10) * time.Hour)
		}
		switch {
		case a.OnTime():
			w.AppealsOnTime++
		case !a.Open() || now.After(a.Deadline):
			w.AppealsLate++
		default:
			w.AppealsWaiting++
		}
		w.Appeals++
		w.ByTopic[a.Topic]++
		ap.List = append(ap.List, a)
		a.CommentID = fmt.Sprintf("vk:%s:appeal%d", a.Account, i)
		if _, err := db.OpenAppeal(a); err != nil {
			return nil, nil, w, err
		}
	}
	sec := &MemSecurity{List: []moderation.SecurityEvent{
		{At: since.Add(50 * time.Hour), Network: "vk", Account: "admin-vk", Kind: "manager_added", Subject: "555", Detail: "editor"},
		{At: since.Add(200 * time.Hour), Network: "vk", Account: "glava-vk", Kind: "setting_changed", Subject: "obscenity_filter", Detail: "on → off"},
		{At: since.Add(400 * time.Hour), Network: "vk", Account: "admin-vk", Kind: "token_expiring", Subject: "user_token"},
		{At: since.Add(-time.Hour), Network: "vk", Account: "admin-vk", Kind: "manager_removed"}, // before the month
	}}
	w.Security = 3
	return ap, sec, w, nil
}

// MemAppeals keeps appeals in memory (report.Appeals).
type MemAppeals struct{ List []*moderation.Appeal }

// Appeals lists those opened in [since, until).
func (m *MemAppeals) Appeals(since, until time.Time) ([]*moderation.Appeal, error) {
	var out []*moderation.Appeal
	for _, a := range m.List {
		if !a.OpenedAt.Before(since) && a.OpenedAt.Before(until) {
			out = append(out, a)
		}
	}
	return out, nil
}

// MemSecurity keeps security events in memory (report.SecurityEvents).
type MemSecurity struct{ List []moderation.SecurityEvent }

// SecurityEvents lists those in [since, until), oldest first.
func (m *MemSecurity) SecurityEvents(since, until time.Time) ([]moderation.SecurityEvent, error) {
	var out []moderation.SecurityEvent
	for _, e := range m.List {
		if !e.At.Before(since) && e.At.Before(until) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b moderation.SecurityEvent) int { return a.At.Compare(b.At) })
	return out, nil
}

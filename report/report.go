// Package report is the report for the head of the district: comments,
// deletions by reason, bans, reviews and their time to decision, citizens'
// appeals by topic and the share answered on time, each page's posts per
// week and the account guard's security events, over a week or a month,
// with charts (package chart) — as HTML, Markdown or PDF (headless
// Chromium prints the HTML).
//
// It reads through small interfaces (*store.DB implements them); a part
// whose source is absent is left out and the report says so.
package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Decisions lists decisions (*store.DB).
type Decisions interface {
	Query(q moderation.Query, fn func(*moderation.Decision) error) error
}

// Posts lists a page's own posts in [since, until) (*store.DB).
type Posts interface {
	Posts(account string, since, until time.Time) ([]moderation.Post, error)
}

// Appeals lists the appeals opened in [since, until) (the appeal tracking).
type Appeals interface {
	Appeals(since, until time.Time) ([]*moderation.Appeal, error)
}

// SecurityEvents lists the account guard's events in [since, until).
type SecurityEvents interface {
	SecurityEvents(since, until time.Time) ([]moderation.SecurityEvent, error)
}

// Sources are what the report reads; nil parts are left out.
type Sources struct {
	Decisions Decisions // required
	Posts     Posts
	Appeals   Appeals
	Security  SecurityEvents
	// Counted says since when a page whose network lists no past posts
	// (Telegram) has been counted (the daemon's cadence poller); nil, or
	// false for a page: counted from its history.
	Counted PostsCounted
	// Accounts are the configured pages, in the configuration's order.
	Accounts []string
}

// PostsCounted is when strazh started counting an account's posts, for a
// page counted only as its posts arrive (ok false otherwise).
type PostsCounted interface {
	CountedSince(account string) (since time.Time, ok bool)
}

// Period is the span a report covers, [Since, Until).
type Period struct {
	Kind  string    `json:"kind"` // week or month
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
}

// PeriodEnding is the week (7 days) or the month before the day of now
// begins in loc: whole days, today left out. A month begins on the same
// day of the month before, or on its last day when it is shorter (31
// March: from 28 February), so monthly reports leave no day out.
func PeriodEnding(kind string, now time.Time, loc *time.Location) (Period, error) {
	n := now.In(loc)
	until := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	switch kind {
	case "week":
		return Period{Kind: kind, Since: until.AddDate(0, 0, -7), Until: until}, nil
	case "month":
		// AddDate(0, -1, 0) would turn 31 March into "31 February", that
		// is 3 March: the report would miss three days.
		first := time.Date(n.Year(), n.Month()-1, 1, 0, 0, 0, 0, loc)
		last := first.AddDate(0, 1, -1).Day()
		return Period{Kind: kind, Since: time.Date(first.Year(), first.Month(), min(n.Day(), last), 0, 0, 0, 0, loc), Until: until}, nil
	}
	return Period{}, fmt.Errorf("-period %q: want week or month", kind)
}

// Count is a number under a key, with its name for people.
type Count struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	N    int    `json:"n"`
}

// Day is one day's counts.
type Day struct {
	Date     time.Time `json:"date"`
	Comments int       `json:"comments"`
	Deleted  int       `json:"deleted"`
	Reviewed int       `json:"reviewed"`
}

// Page is one page's counts.
type Page struct {
	Account  string `json:"account"`
	Comments int    `json:"comments"`
	Deleted  int    `json:"deleted"`
	Banned   int    `json:"banned"`
	Reviewed int    `json:"reviewed"`
	// Weeks are the page's own posts per 7 days, oldest first (the first
	// may be shorter when the period is not whole weeks); nil: not known.
	Weeks []int `json:"posts_per_week"`
	// PostsSince is set when the page's posts were counted only from then
	// on (its network lists no past posts) and that falls after the first
	// span began: the spans begun before it read low, and are said partial.
	PostsSince time.Time `json:"posts_counted_since,omitzero"`
}

// Report is what the report shows.
type Report struct {
	Period      Period    `json:"period"`
	GeneratedAt time.Time `json:"generated_at"`

	Comments int `json:"comments"`
	Allowed  int `json:"allowed"`
	Deleted  int `json:"deleted"` // deleted and not restored (bans included)
	Banned   int `json:"banned"`
	Restored int `json:"restored"` // automatic deletions a moderator undid
	Reviewed int `json:"reviewed"` // sent to a human
	Pending  int `json:"pending"`  // still waiting
	TimedOut int `json:"timed_out"`
	// ClosedByEdit: reviews closed because the author edited the comment
	// (the new text was decided anew); no moderator decided them.
	ClosedByEdit int `json:"closed_by_edit"`
	// Time from a comment's decision to the moderator's, over the reviews a
	// moderator decided (not the timed-out ones).
	ReviewMedian  time.Duration `json:"review_median_ns"`
	ReviewP90     time.Duration `json:"review_p90_ns"`
	ReviewDecided int           `json:"review_decided"`

	ByReason []Count `json:"deleted_by_reason"`
	Days     []Day   `json:"days"`
	Pages    []Page  `json:"pages"`
	// WeekStarts are the first days of Page.Weeks.
	WeekStarts []time.Time `json:"week_starts,omitempty"`

	Appeals *AppealStats   `json:"appeals,omitempty"`
	Guard   *SecurityStats `json:"security,omitempty"`
	// Missing says, in Russian, what the report leaves out and why.
	Missing []string `json:"missing,omitempty"`
}

// AppealStats are the period's appeals.
type AppealStats struct {
	Total    int     `json:"total"`
	Answered int     `json:"answered"`
	OnTime   int     `json:"on_time"`
	Late     int     `json:"late"`    // answered late, open past the deadline, or closed unanswered as expired
	Waiting  int     `json:"waiting"` // open, the deadline not reached
	ByTopic  []Count `json:"by_topic"`
}

// ShareOnTime is the share answered within the deadline among those whose
// outcome is known (answered, or open past the deadline); -1: none.
func (a *AppealStats) ShareOnTime() float64 {
	if n := a.OnTime + a.Late; n > 0 {
		return float64(a.OnTime) / float64(n)
	}
	return -1
}

// SecurityStats are the period's security events.
type SecurityStats struct {
	Events []moderation.SecurityEvent `json:"events"`
	ByKind []Count                    `json:"by_kind"`
}

// Build reads the period from the sources. now is when the report is made
// (appeals still open are judged against it).
func Build(src Sources, p Period, now time.Time, loc *time.Location) (*Report, error) {
	r := &Report{Period: p, GeneratedAt: now}
	pages := map[string]*Page{}
	page := func(acc string) *Page {
		if pg := pages[acc]; pg != nil {
			return pg
		}
		pg := &Page{Account: acc}
		pages[acc] = pg
		return pg
	}
	for _, a := range src.Accounts {
		page(a)
	}
	const dayKey = "2006-01-02"
	days := map[string]*Day{}
	s := p.Since.In(loc)
	for d := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, loc); d.Before(p.Until); d = d.AddDate(0, 0, 1) {
		days[d.Format(dayKey)] = &Day{Date: d}
		r.Days = append(r.Days, Day{Date: d})
	}
	dayOf := func(t time.Time) *Day { return days[t.In(loc).Format(dayKey)] }
	reasons := map[string]int{}
	var waits []time.Duration
	err := src.Decisions.Query(moderation.Query{Since: p.Since, Until: p.Until}, func(d *moderation.Decision) error {
		pg := page(d.Comment.Account)
		day := dayOf(d.DecidedAt)
		r.Comments++
		pg.Comments++
		if day != nil {
			day.Comments++
		}
		if d.Review != nil {
			r.Reviewed++
			pg.Reviewed++
			if day != nil {
				day.Reviewed++
			}
			switch {
			case d.Review.Status == moderation.ReviewPending:
				r.Pending++
			case d.Review.By == moderation.ByTimeout:
				r.TimedOut++
			case d.Review.By == moderation.ByEdit:
				r.ClosedByEdit++
			case !d.Review.At.IsZero():
				r.ReviewDecided++
				waits = append(waits, max(d.Review.At.Sub(d.DecidedAt), 0))
			}
		}
		switch f := d.Final(); {
		case d.UndoneBy != "":
			r.Restored++
		case f == moderation.Delete || f == moderation.Ban:
			r.Deleted++
			pg.Deleted++
			if day != nil {
				day.Deleted++
			}
			reasons[reasonOf(d)]++
			if f == moderation.Ban {
				r.Banned++
				pg.Banned++
			}
		case f == moderation.Allow:
			r.Allowed++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("report: decisions: %w", err)
	}
	for i := range r.Days {
		r.Days[i] = *days[r.Days[i].Date.Format(dayKey)]
	}
	r.ReviewMedian, r.ReviewP90 = quantile(waits, 0.5), quantile(waits, 0.9)
	r.ByReason = counts(reasons, reasonName)
	for _, a := range src.Accounts {
		r.Pages = append(r.Pages, *pages[a])
		delete(pages, a)
	}
	// Pages in the store that the configuration no longer has, by name.
	for _, a := range slices.Sorted(maps.Keys(pages)) {
		r.Pages = append(r.Pages, *pages[a])
	}
	if err := r.readPosts(src.Posts, src.Counted); err != nil {
		return nil, err
	}
	if err := r.readAppeals(src.Appeals, now); err != nil {
		return nil, err
	}
	if err := r.readSecurity(src.Security); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Report) readPosts(ps Posts, counted PostsCounted) error {
	if ps == nil {
		r.Missing = append(r.Missing, "публикации страниц: хранилище их не ведёт")
		return nil
	}
	// 7-day spans back from the end; the first may be shorter.
	var starts []time.Time
	for s := r.Period.Until; s.After(r.Period.Since); {
		s = s.AddDate(0, 0, -7)
		starts = append(starts, maxTime(s, r.Period.Since))
	}
	slices.Reverse(starts)
	r.WeekStarts = starts
	for i := range r.Pages {
		pg := &r.Pages[i]
		posts, err := ps.Posts(pg.Account, r.Period.Since, r.Period.Until)
		if err != nil {
			return fmt.Errorf("report: posts of %s: %w", pg.Account, err)
		}
		pg.Weeks = make([]int, len(starts))
		if counted != nil && len(starts) > 0 {
			if since, ok := counted.CountedSince(pg.Account); ok && since.After(starts[0]) {
				pg.PostsSince = since
			}
		}
		for _, po := range posts {
			for w := len(starts) - 1; w >= 0; w-- {
				if !po.At.Before(starts[w]) {
					pg.Weeks[w]++
					break
				}
			}
		}
	}
	return nil
}

func (r *Report) readAppeals(as Appeals, now time.Time) error {
	if as == nil {
		r.Missing = append(r.Missing, "обращения граждан: учёт обращений не подключён")
		return nil
	}
	list, err := as.Appeals(r.Period.Since, r.Period.Until)
	if err != nil {
		return fmt.Errorf("report: appeals: %w", err)
	}
	st := &AppealStats{}
	topics := map[string]int{}
	for _, a := range list {
		if a.NotAppeal() {
			continue // a moderator said it was tagged wrongly
		}
		st.Total++
		topics[cmp.Or(a.Topic, "other")]++
		switch {
		case a.OnTime():
			st.Answered++
			st.OnTime++
		case a.Expired():
			st.Late++ // never answered: the store closed it at the history horizon
		case !a.Open():
			st.Answered++
			st.Late++
		case now.After(a.Deadline):
			st.Late++
		default:
			st.Waiting++
		}
	}
	st.ByTopic = counts(topics, topicName)
	r.Appeals = st
	return nil
}

func (r *Report) readSecurity(ss SecurityEvents) error {
	if ss == nil {
		r.Missing = append(r.Missing, "события безопасности: охрана аккаунтов не подключена")
		return nil
	}
	evs, err := ss.SecurityEvents(r.Period.Since, r.Period.Until)
	if err != nil {
		return fmt.Errorf("report: security events: %w", err)
	}
	kinds := map[string]int{}
	for _, e := range evs {
		kinds[e.Kind]++
	}
	r.Guard = &SecurityStats{Events: evs, ByKind: counts(kinds, kindName)}
	return nil
}

// reasonOf is the label a deletion is counted under: the label of a rule
// that asked to delete, else of any rule that fired, else the moderator's.
func reasonOf(d *moderation.Decision) string {
	for _, m := range d.Matches {
		if m.Action >= moderation.Delete && m.Label != "" {
			return m.Label
		}
	}
	for _, m := range d.Matches {
		if m.Label != "" {
			return m.Label
		}
	}
	if len(d.Labels) > 0 {
		return d.Labels[0]
	}
	if d.Review != nil {
		return "moderator"
	}
	return "other"
}

// counts orders a tally by count, then key.
func counts(m map[string]int, name func(string) string) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{Key: k, Name: name(k), N: n})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Key, b.Key)) })
	return out
}

// quantile is the q-quantile (nearest rank) of ds; 0 for none.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

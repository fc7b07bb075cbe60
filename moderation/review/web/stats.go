package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
)

// dayStats counts one page's (or every page's) decisions of one day.
type dayStats struct {
	Comments, Deleted, Banned, Reviewed int
	waits                               []time.Duration // review → human decision
}

func (d *dayStats) add(dec *moderation.Decision) {
	d.Comments++
	switch dec.Final() {
	case moderation.Delete:
		d.Deleted++
	case moderation.Ban:
		d.Deleted++
		d.Banned++
	}
	if r := dec.Review; r != nil {
		d.Reviewed++
		if r.Status == moderation.ReviewDecided && r.By != moderation.ByTimeout && r.By != moderation.ByEdit && !r.At.IsZero() {
			d.waits = append(d.waits, r.At.Sub(dec.DecidedAt))
		}
	}
}

func (d *dayStats) merge(o *dayStats) {
	d.Comments += o.Comments
	d.Deleted += o.Deleted
	d.Banned += o.Banned
	d.Reviewed += o.Reviewed
	d.waits = append(d.waits, o.waits...)
}

// Median is the median time from review to a human decision ("—" if none).
func (d dayStats) Median() string {
	m, ok := median(d.waits)
	if !ok {
		return "—"
	}
	return shortDuration(m)
}

func median(ws []time.Duration) (time.Duration, bool) {
	if len(ws) == 0 {
		return 0, false
	}
	s := slices.Clone(ws)
	slices.Sort(s)
	return s[len(s)/2], true
}

func shortDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + " с"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " мин"
	}
	return strconv.FormatFloat(d.Hours(), 'f', 1, 64) + " ч"
}

type pageRow struct {
	Account string
	dayStats
}

type statsData struct {
	Days     int
	Choices  []int
	Account  string
	Accounts []string
	Total    dayStats
	Charts   []chart
	Pages    []pageRow
	Rules    hbarList
}

// statsDays are the periods offered; the default is the first.
var statsDays = []int{14, 7, 30, 90}

const topRules = 10

func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	days := statsDays[0]
	if n, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil && slices.Contains(statsDays, n) {
		days = n
	}
	account := r.URL.Query().Get("account")
	now := s.deps.Now().In(time.Local)
	y, m, dd := now.Date()
	start := time.Date(y, m, dd-days+1, 0, 0, 0, 0, time.Local)
	aggs, err := s.days(account, start, days, now)
	if err != nil {
		s.storeFailed(w, r, "stats", err)
		return
	}
	perDay := make([]dayStats, days)
	perPage := map[string]*dayStats{}
	rules := map[string]int{}
	for i, a := range aggs {
		perDay[i] = a.total
		for acc, st := range a.pages {
			p := perPage[acc]
			if p == nil {
				p = &dayStats{}
				perPage[acc] = p
			}
			p.merge(st)
		}
		for k, n := range a.rules {
			rules[k] += n
		}
	}
	data := statsData{Days: days, Choices: statsDays, Account: account, Accounts: s.deps.Accounts}
	labels := make([]string, days)
	series := map[string][]float64{}
	for i := range perDay {
		labels[i] = start.AddDate(0, 0, i).Format("02.01")
		data.Total.merge(&perDay[i])
		series["c"] = append(series["c"], float64(perDay[i].Comments))
		series["d"] = append(series["d"], float64(perDay[i].Deleted))
		series["b"] = append(series["b"], float64(perDay[i].Banned))
		series["r"] = append(series["r"], float64(perDay[i].Reviewed))
		md, _ := median(perDay[i].waits)
		series["t"] = append(series["t"], md.Minutes())
	}
	every := max(days/7, 1)
	minutes := func(v float64) string { return shortDuration(time.Duration(v * float64(time.Minute))) }
	data.Charts = []chart{
		barChart("chart-comments", "Комментарии в день", "c", labels, series["c"], count, every),
		barChart("chart-deleted", "Удалено в день", "d", labels, series["d"], count, every),
		barChart("chart-banned", "Банов в день", "b", labels, series["b"], count, every),
		barChart("chart-reviews", "На проверку в день", "r", labels, series["r"], count, every),
		barChart("chart-wait", "Время до решения (медиана)", "t", labels, series["t"], minutes, every),
	}
	for a, st := range perPage {
		data.Pages = append(data.Pages, pageRow{Account: a, dayStats: *st})
	}
	slices.SortFunc(data.Pages, func(a, b pageRow) int { return cmp.Compare(a.Account, b.Account) })
	type rc struct {
		rule string
		n    int
	}
	var rs []rc
	for k, n := range rules {
		rs = append(rs, rc{k, n})
	}
	slices.SortFunc(rs, func(a, b rc) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.rule, b.rule)) })
	var rl []string
	var rn []int
	for _, x := range rs[:min(len(rs), topRules)] {
		rl, rn = append(rl, x.rule), append(rn, x.n)
	}
	data.Rules = hbars(rl, rn)
	s.render(w, r, http.StatusOK, "stats", data)
}

// dayIndex is the number of calendar days from start to t.
func dayIndex(start, t time.Time) int {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, start.Location())
	return int(day.Sub(start).Round(time.Hour) / (24 * time.Hour))
}

// dayAgg is one calendar day's counts.
type dayAgg struct {
	total dayStats
	pages map[string]*dayStats
	rules map[string]int
	made  time.Time
}

func newDayAgg(now time.Time) *dayAgg {
	return &dayAgg{pages: map[string]*dayStats{}, rules: map[string]int{}, made: now}
}

func (a *dayAgg) add(d *moderation.Decision) {
	a.total.add(d)
	p := a.pages[d.Comment.Account]
	if p == nil {
		p = &dayStats{}
		a.pages[d.Comment.Account] = p
	}
	p.add(d)
	for _, m := range d.Matches {
		a.rules[m.Rule]++
	}
}

// Days before yesterday change little (a review is decided or timed out
// within review_timeout, 24h by default), so their counts are kept for
// dayCacheTTL: a page over 30 days then reads two days of decisions, not 30.
const dayCacheTTL = 10 * time.Minute

type dayKey struct {
	account string
	day     time.Time
}

type dayCache struct {
	mu sync.Mutex
	m  map[dayKey]*dayAgg
}

// days returns the counts of n days from start: today and yesterday read
// afresh, older days from the cache when it has them.
func (s *Server) days(account string, start time.Time, n int, now time.Time) ([]*dayAgg, error) {
	out := make([]*dayAgg, n)
	y, m, d := now.Date()
	closed := time.Date(y, m, d-1, 0, 0, 0, 0, start.Location()) // yesterday starts here
	firstMissing := -1
	s.dayCache.mu.Lock()
	for i := range out {
		day := start.AddDate(0, 0, i)
		if !day.Before(closed) {
			break
		}
		if a := s.dayCache.m[dayKey{account, day}]; a != nil && now.Sub(a.made) < dayCacheTTL {
			out[i] = a
		} else if firstMissing < 0 {
			firstMissing = i
		}
	}
	s.dayCache.mu.Unlock()
	from := closed
	if firstMissing >= 0 {
		from = start.AddDate(0, 0, firstMissing)
	}
	if from.Before(start) {
		from = start
	}
	fresh := map[int]*dayAgg{}
	err := s.deps.Store.Query(moderation.Query{Since: from, Account: account}, func(dec *moderation.Decision) error {
		i := dayIndex(start, dec.DecidedAt.In(start.Location()))
		if i < 0 || i >= n {
			return nil
		}
		a := fresh[i]
		if a == nil {
			a = newDayAgg(now)
			fresh[i] = a
		}
		a.add(dec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.dayCache.mu.Lock()
	defer s.dayCache.mu.Unlock()
	if s.dayCache.m == nil || len(s.dayCache.m) > 10000 {
		s.dayCache.m = map[dayKey]*dayAgg{}
	}
	for i := range out {
		day := start.AddDate(0, 0, i)
		if day.Before(from) {
			continue
		}
		a := fresh[i]
		if a == nil {
			a = newDayAgg(now)
		}
		out[i] = a
		if day.Before(closed) {
			s.dayCache.m[dayKey{account, day}] = a
		}
	}
	return out, nil
}

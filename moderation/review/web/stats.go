package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
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
		if r.Status == moderation.ReviewDecided && r.By != moderation.ByTimeout && !r.At.IsZero() {
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
	perDay := make([]dayStats, days)
	perPage := map[string]*dayStats{}
	rules := map[string]int{}
	err := s.deps.Store.Query(moderation.Query{Since: start, Account: account}, func(d *moderation.Decision) error {
		t := d.DecidedAt.In(time.Local)
		i := dayIndex(start, t)
		if i < 0 || i >= days {
			return nil
		}
		perDay[i].add(d)
		p := perPage[d.Comment.Account]
		if p == nil {
			p = &dayStats{}
			perPage[d.Comment.Account] = p
		}
		p.add(d)
		for _, mt := range d.Matches {
			rules[mt.Rule]++
		}
		return nil
	})
	if err != nil {
		s.storeFailed(w, r, "stats", err)
		return
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

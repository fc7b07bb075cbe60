package report_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation/store"
	"github.com/strazh/strazh/report"
	"github.com/strazh/strazh/report/reporttest"
)

var msk = time.FixedZone("MSK", 3*3600)

// month is a store filled with the simulated month ending at until.
func month(t testing.TB) (report.Sources, reporttest.Want, time.Time) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	until := time.Date(2026, 12, 1, 0, 0, 0, 0, msk)
	ap, sec, want, err := reporttest.Month(db, until)
	if err != nil {
		t.Fatal(err)
	}
	return report.Sources{Decisions: db, Posts: db, Appeals: ap, Security: sec, Accounts: reporttest.Pages}, want, until
}

func TestBuild_Month(t *testing.T) {
	src, want, until := month(t)
	p := report.Period{Kind: "month", Since: until.AddDate(0, 0, -30), Until: until}
	r, err := report.Build(src, p, until, msk)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"comments", r.Comments, want.Comments}, {"allowed", r.Allowed, want.Allowed}, {"deleted", r.Deleted, want.Deleted},
		{"banned", r.Banned, want.Banned}, {"restored", r.Restored, want.Restored}, {"reviewed", r.Reviewed, want.Reviewed},
		{"pending", r.Pending, want.Pending}, {"timed out", r.TimedOut, want.TimedOut}, {"review decided", r.ReviewDecided, want.ReviewDecided},
		{"closed by an edit", r.ClosedByEdit, want.ClosedByEdit},
		{"appeals", r.Appeals.Total, want.Appeals}, {"appeals on time", r.Appeals.OnTime, want.AppealsOnTime},
		{"appeals late", r.Appeals.Late, want.AppealsLate}, {"appeals waiting", r.Appeals.Waiting, want.AppealsWaiting},
		{"security events", len(r.Guard.Events), want.Security}, {"days", len(r.Days), 30},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if len(r.Missing) != 0 {
		t.Errorf("Missing = %v with every source given", r.Missing)
	}
	for _, c := range r.ByReason {
		if want.ByReason[c.Key] != c.N {
			t.Errorf("deleted for %s = %d, want %d", c.Key, c.N, want.ByReason[c.Key])
		}
	}
	if len(r.ByReason) != len(want.ByReason) || r.ByReason[0].Key != "obscenity" || r.ByReason[0].Name != "мат" {
		t.Errorf("ByReason = %+v, want %v, мат first", r.ByReason, want.ByReason)
	}
	for _, c := range r.Appeals.ByTopic {
		if want.ByTopic[c.Key] != c.N {
			t.Errorf("appeals on %s = %d, want %d", c.Key, c.N, want.ByTopic[c.Key])
		}
	}
	waits := slices.Clone(want.ReviewWaits)
	slices.Sort(waits)
	if r.ReviewMedian != waits[(len(waits)+1)/2-1] || r.ReviewP90 != waits[int(float64(len(waits))*0.9+0.999999)-1] {
		t.Errorf("review median %v p90 %v", r.ReviewMedian, r.ReviewP90)
	}
	// Per page: the days' and pages' counts add up; posts per 7 days.
	sumDays, sumPages := 0, 0
	for _, d := range r.Days {
		sumDays += d.Comments
	}
	for _, pg := range r.Pages {
		sumPages += pg.Comments
	}
	if sumDays != want.Comments || sumPages != want.Comments {
		t.Errorf("days add up to %d, pages to %d, want %d", sumDays, sumPages, want.Comments)
	}
	if len(r.WeekStarts) != 5 || !r.WeekStarts[0].Equal(p.Since) {
		t.Errorf("week starts %v: want 5 (2 days, then 4 weeks) from %v", r.WeekStarts, p.Since)
	}
	for _, pg := range r.Pages {
		total := 0
		for _, n := range pg.Weeks {
			total += n
		}
		if total != want.Posts[pg.Account] {
			t.Errorf("%s posts %v = %d, want %d", pg.Account, pg.Weeks, total, want.Posts[pg.Account])
		}
	}
	if got := r.Pages[0].Weeks[4]; got != 14 {
		t.Errorf("admin-vk's last week: %d posts, want 14", got)
	}
}

// Without appeals, security events or posts the report says what it lacks.
func TestBuild_MissingSources(t *testing.T) {
	src, _, until := month(t)
	src.Appeals, src.Security, src.Posts = nil, nil, nil
	p, err := report.PeriodEnding("week", until.Add(5*time.Hour), msk)
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Build(src, p, until, msk)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Missing) != 3 || r.Appeals != nil || r.Guard != nil || r.Pages[0].Weeks != nil {
		t.Errorf("Missing %v, appeals %v, security %v, weeks %v", r.Missing, r.Appeals, r.Guard, r.Pages[0].Weeks)
	}
}

func TestPeriodEnding(t *testing.T) {
	now := time.Date(2026, 12, 1, 14, 30, 0, 0, msk)
	for _, c := range []struct {
		kind         string
		since, until string
	}{{"week", "2026-11-24", "2026-12-01"}, {"month", "2026-11-01", "2026-12-01"}} {
		p, err := report.PeriodEnding(c.kind, now, msk)
		if err != nil {
			t.Fatal(err)
		}
		if p.Since.Format("2006-01-02") != c.since || p.Until.Format("2006-01-02") != c.until || p.Until.Hour() != 0 {
			t.Errorf("%s: %v – %v", c.kind, p.Since, p.Until)
		}
	}
	if _, err := report.PeriodEnding("year", now, msk); err == nil {
		t.Error("year accepted")
	}
}

// A month ending on a day the month before does not have begins on that
// month's last day: AddDate(0, -1, 0) turned 31 March into 3 March, and
// the report left out 28 February to 2 March.
func TestPeriodEnding_ShortMonthBefore(t *testing.T) {
	for _, c := range []struct{ now, since string }{
		{"2027-03-31", "2027-02-28"},
		{"2027-03-29", "2027-02-28"},
		{"2028-03-30", "2028-02-29"}, // a leap year
		{"2027-05-31", "2027-04-30"},
		{"2027-01-31", "2026-12-31"}, // across the year
		{"2027-03-28", "2027-02-28"},
		{"2027-03-01", "2027-02-01"},
	} {
		now, err := time.ParseInLocation("2006-01-02", c.now, msk)
		if err != nil {
			t.Fatal(err)
		}
		p, err := report.PeriodEnding("month", now.Add(10*time.Hour), msk)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Since.Format("2006-01-02"); got != c.since || !p.Until.Equal(now) || p.Since.Hour() != 0 {
			t.Errorf("month ending %s: %v – %v, want from %s", c.now, p.Since, p.Until, c.since)
		}
	}
}

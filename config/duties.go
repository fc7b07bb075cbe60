package config

import (
	"fmt"
	"net/url"
	"time"
)

// Cadence is the publication cadence of decree §2.1 (keys cadence.*): each
// page's own posts are counted per rolling 7 days.
type Cadence struct {
	// MinPerWeek is the fewest own posts a page should publish in 7 days;
	// the alert StrazhPostsBelowCadence fires below it.
	MinPerWeek int `yaml:"min_per_week"`
	// Every is how often each page's posts are read (at least 1m).
	Every time.Duration `yaml:"every"`
}

// Registry is an account's entry in the public registry of accounts
// (decree §1.3; key accounts[].registry). What is given here is shown as
// is; what is left out is taken from the network where it reports it.
type Registry struct {
	// Name is the page's name as published (default: the network's).
	Name string `yaml:"name"`
	// Purpose says what the page is for ("новости администрации").
	Purpose string `yaml:"purpose"`
	// URL is the page's public link, https (default: the network's).
	URL string `yaml:"url"`
}

// Report is the report for the head of the district sent to the review
// chats on a schedule (keys report.*): a short summary and the report as a
// file where the messenger takes files (Telegram).
type Report struct {
	// Every is how often the report is sent (at least 1h); 0: never.
	Every time.Duration `yaml:"every"`
	// Period is what it covers: week (7 days) or month, ending today.
	Period string `yaml:"period"`
	// Format is the file's format: html or md.
	Format string `yaml:"format"`
}

// DefaultReport: not sent; when sent, the week as HTML.
func DefaultReport() Report { return Report{Period: "week", Format: "html"} }

// DefaultCadence: at least 7 posts a week, read hourly.
func DefaultCadence() Cadence { return Cadence{MinPerWeek: 7, Every: time.Hour} }

func (c *Config) checkDuties(bad func(at int, key, format string, args ...any)) {
	if c.Cadence.MinPerWeek < 1 {
		bad(0, "cadence.min_per_week", "%d: want at least 1", c.Cadence.MinPerWeek)
	}
	if c.Cadence.Every < time.Minute {
		bad(0, "cadence.every", "%s: want at least 1m", c.Cadence.Every)
	}
	if r := c.Report; r.Every != 0 {
		if r.Every < time.Hour {
			bad(0, "report.every", "%s: want at least 1h, or 0 for no scheduled report", r.Every)
		}
		if c.Telegram == nil && c.ReviewMAX == nil {
			bad(0, "report.every", "the report goes to the review chat: configure telegram or review.max too, or leave report.every out")
		}
	}
	if p := c.Report.Period; p != "week" && p != "month" {
		bad(0, "report.period", "%q: want week or month", p)
	}
	if f := c.Report.Format; f != "html" && f != "md" {
		bad(0, "report.format", "%q: want html or md", f)
	}
	for i, a := range c.Accounts {
		if a.Registry == nil || a.Registry.URL == "" {
			continue
		}
		key := fmt.Sprintf("accounts[%d].registry.url", i)
		u, err := url.Parse(a.Registry.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			bad(0, key, "%q is not an https:// link", a.Registry.URL)
		}
	}
}

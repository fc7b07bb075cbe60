package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation/store"
	"github.com/strazh/strazh/report"
)

func cmdReport(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("report", "-config FILE -period week|month [-format html|pdf|md] [-o FILE]",
		"Makes the report for the head of the district over the last week (7 days) or\nmonth before today: comments, deletions by reason, bans, reviews and their\ntime to decision, citizens' appeals by topic and the share answered on time,\neach page's posts per week, security events, with charts. pdf needs headless\nChromium (Debian: chromium). Works while the daemon runs (through its admin\nsocket) and when it is stopped.", s)
	path := configFlag(fs)
	period := fs.String("period", "week", "the `period`: week or month")
	format := fs.String("format", "html", "output `format`: html, pdf or md")
	out := fs.String("o", "", "write to this `file` instead of stdout")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch *format {
	case "html", "pdf", "md":
	default:
		fmt.Fprintf(s.err, "strazh report: -format %q: want html, pdf or md\n", *format)
		return errUsage
	}
	p, err := report.PeriodEnding(*period, time.Now(), time.Local)
	if err != nil {
		fmt.Fprintln(s.err, "strazh report:", err)
		return errUsage
	}
	if *out != "" {
		if err := outFileProblem(*out); err != nil {
			fmt.Fprintln(s.err, "strazh report:", err)
			return errUsage
		}
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	r, err := loadReport(ctx, cfg, p)
	if err != nil {
		return err
	}
	b, err := renderReport(ctx, r, *format, cfg.Cadence.MinPerWeek)
	if err != nil {
		return err
	}
	return writeOut(s.out, *out, b)
}

// renderReport is the report in a format: html, md or pdf.
func renderReport(ctx context.Context, r *report.Report, format string, minPerWeek int) ([]byte, error) {
	var b bytes.Buffer
	switch format {
	case "md":
		if err := r.Markdown(&b, time.Local, minPerWeek); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	if err := r.HTML(&b, time.Local, minPerWeek); err != nil {
		return nil, err
	}
	if format == "pdf" {
		return report.PDF(ctx, b.Bytes())
	}
	return b.Bytes(), nil
}

// loadReport asks the running daemon (its admin socket) or, with none,
// reads the database itself.
func loadReport(ctx context.Context, cfg *config.Config, p report.Period) (*report.Report, error) {
	sock := cfg.SocketPath()
	if c, err := net.DialTimeout("unix", sock, time.Second); err == nil {
		c.Close()
		var r report.Report
		q := url.Values{"kind": {p.Kind}, "since": {p.Since.Format(time.RFC3339)}, "until": {p.Until.Format(time.RFC3339)}}
		if err := newSocketBackend(sock).call(ctx, http.MethodGet, "/v1/report?"+q.Encode(), nil, &r); err != nil {
			return nil, err
		}
		return &r, nil
	}
	if _, err := os.Stat(cfg.DBPath()); err != nil {
		return nil, fmt.Errorf("no database at %s (has strazh run with this state_dir?)", cfg.DBPath())
	}
	db, err := store.Open(cfg.DBPath(), &store.Options{ReadOnly: true, Retention: cfg.Retention, Logger: cliStoreLogger()})
	if err != nil {
		return nil, damagedHint(err, cfg)
	}
	defer db.Close()
	return report.Build(reportSources(cfg, db), p, time.Now(), time.Local)
}

// reportSources reads the store: decisions, posts, appeals and the account
// guard's security events.
func reportSources(cfg *config.Config, db *store.DB) report.Sources {
	src := report.Sources{Decisions: db, Posts: db, Appeals: db, Security: db}
	for _, a := range cfg.Accounts {
		src.Accounts = append(src.Accounts, a.Name)
	}
	return src
}

// daemonReportSources are reportSources plus what only the running daemon
// knows: since when a page whose network lists no past posts (Telegram)
// has been counted, so that its first weeks are said partial.
func (d *daemon) reportSources() report.Sources {
	src := reportSources(d.cfg, d.db)
	if d.posts != nil {
		src.Counted = d.posts
	}
	return src
}

// registerReportAdmin serves the report to `strazh report` while the
// daemon holds the database: GET /v1/report?kind=&since=&until= (RFC 3339).
func registerReportAdmin(mux *http.ServeMux, d *daemon) {
	mux.HandleFunc("GET /v1/report", func(w http.ResponseWriter, r *http.Request) {
		if !knownParams(w, r, "kind", "since", "until") {
			return
		}
		q := r.URL.Query()
		since, err1 := time.Parse(time.RFC3339, q.Get("since"))
		until, err2 := time.Parse(time.RFC3339, q.Get("until"))
		if err1 != nil || err2 != nil || !since.Before(until) {
			badRequest(w, "query: since and until must be RFC 3339 times, since before until")
			return
		}
		rep, err := report.Build(d.reportSources(), report.Period{Kind: q.Get("kind"), Since: since, Until: until}, time.Now(), time.Local)
		reply(w, rep, err)
	})
}

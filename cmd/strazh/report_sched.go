package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/report"
)

// reportStamps keeps when the scheduled report was last queued
// (moderation/store report_sched.go).
type reportStamps interface {
	ReportSent() (time.Time, error)
	SetReportSent(t time.Time) error
}

// reportSchedule sends the report for the head to the review chats every
// report.every (issue 15). The first one goes out one period after the
// schedule first started; the time of the last one is kept in the store,
// so a restart neither skips one that fell due while the daemon was down
// (it goes out at the start) nor repeats one. A report that could not be
// built or queued is tried again after retry; once queued, the review
// channels' durable outboxes deliver it, retrying a failed send.
type reportSchedule struct {
	every  time.Duration
	retry  time.Duration
	stamps reportStamps
	make   func(ctx context.Context, now time.Time) (review.Report, error)
	send   review.ReportSender
	now    func() time.Time
	log    *slog.Logger
}

// Run sends reports until ctx ends.
func (s *reportSchedule) Run(ctx context.Context) error {
	last, err := s.stamps.ReportSent()
	if err != nil {
		// The daemon keeps running; the schedule starts afresh.
		s.log.Error("read the last scheduled report's time; starting the schedule now", "err", err)
	}
	// The channels that queued this period's report: a retry after one
	// channel failed sends it to the others again otherwise.
	queued := map[string]bool{}
	if last.IsZero() {
		last = s.now()
		if err := s.stamps.SetReportSent(last); err != nil {
			s.log.Error("save the report schedule's start", "err", err)
		}
	}
	for {
		due := last.Add(s.every)
		if !s.wait(ctx, due.Sub(s.now())) {
			return nil
		}
		now := s.now()
		if err := s.sendOne(ctx, now, queued); err != nil {
			s.log.Error("scheduled report", "err", err, "retry_in", s.retry)
			if !s.wait(ctx, s.retry) {
				return nil
			}
			continue
		}
		// Keep the schedule's phase; after a long outage only one report
		// goes out, not one per missed period.
		for !due.Add(s.every).After(now) {
			due = due.Add(s.every)
		}
		last = due
		clear(queued)
		// Queued already: a crash before this line repeats the report once
		// at the next start rather than losing it.
		if err := s.stamps.SetReportSent(last); err != nil {
			s.log.Error("save the scheduled report's time", "err", err)
		}
	}
}

func (s *reportSchedule) sendOne(ctx context.Context, now time.Time, queued map[string]bool) error {
	r, err := s.make(ctx, now)
	if err != nil {
		return err
	}
	if rr, ok := s.send.(review.ReportRetrier); ok {
		err = rr.SendReportSkipping(ctx, r, queued)
	} else {
		err = s.send.SendReport(ctx, r)
	}
	if err != nil {
		return err
	}
	s.log.Info("scheduled report queued for the review chats", "file", r.Name, "bytes", len(r.Doc))
	return nil
}

// wait sleeps d (none when d <= 0); false when ctx ended first.
func (s *reportSchedule) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// newReportSchedule is the daemon's report schedule; nil when report.every
// is 0 or there is no review channel.
func (d *daemon) newReportSchedule(cfg *config.Config) *reportSchedule {
	if cfg.Report.Every <= 0 || d.fan == nil {
		return nil
	}
	rc := cfg.Report
	return &reportSchedule{every: rc.Every, retry: 10 * time.Minute, stamps: d.db, send: d.fan, now: time.Now,
		log: d.log.With("component", "report"),
		make: func(ctx context.Context, now time.Time) (review.Report, error) {
			return buildScheduledReport(ctx, d.reportSources(), rc, cfg.Cadence.MinPerWeek, now, time.Local)
		}}
}

// buildScheduledReport is the period before now as the chat summary and
// the file.
func buildScheduledReport(ctx context.Context, src report.Sources, rc config.Report, minPerWeek int, now time.Time, loc *time.Location) (review.Report, error) {
	p, err := report.PeriodEnding(rc.Period, now, loc)
	if err != nil {
		return review.Report{}, fmt.Errorf("report.period: %w", err)
	}
	r, err := report.Build(src, p, now, loc)
	if err != nil {
		return review.Report{}, fmt.Errorf("build the report: %w", err)
	}
	doc, err := renderReport(ctx, r, rc.Format, minPerWeek)
	if err != nil {
		return review.Report{}, fmt.Errorf("render the report: %w", err)
	}
	last := p.Until.AddDate(0, 0, -1)
	return review.Report{
		Summary: r.Brief(loc, minPerWeek),
		Caption: fmt.Sprintf("%s, %s — %s", report.Title, p.Since.Format("02.01.2006"), last.Format("02.01.2006")),
		Name:    fmt.Sprintf("otchet-%s-%s.%s", p.Since.Format("2006-01-02"), last.Format("2006-01-02"), rc.Format),
		Doc:     doc,
	}, nil
}

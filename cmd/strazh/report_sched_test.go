package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
	"github.com/strazh/strazh/moderation/store"
)

// memStamps is the store's report time in memory, surviving "restarts" of
// the schedule as the store does.
type memStamps struct {
	mu sync.Mutex
	t  time.Time
}

func (m *memStamps) ReportSent() (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t, nil
}
func (m *memStamps) SetReportSent(t time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = t
	return nil
}

// sentReports records the reports queued, failing the first fail sends.
type sentReports struct {
	mu   sync.Mutex
	at   []time.Time
	fail int
}

func (s *sentReports) SendReport(context.Context, review.Report) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		return errors.New("outbox unavailable")
	}
	s.at = append(s.at, time.Now())
	return nil
}

func (s *sentReports) count() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.at) }

// runSchedule starts a schedule in the bubble; the returned func stops it
// and waits for it to end (a daemon restart).
func runSchedule(stamps reportStamps, sent *sentReports, every time.Duration) (stop func()) {
	s := &reportSchedule{every: every, retry: time.Minute, stamps: stamps, send: sent, now: time.Now,
		log: slog.New(slog.DiscardHandler),
		make: func(context.Context, time.Time) (review.Report, error) {
			return review.Report{Summary: "s", Name: "r.html", Doc: []byte("x")}, nil
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	return func() { cancel(); <-done }
}

func TestReportSchedule_Run_Cases(t *testing.T) {
	const every = 168 * time.Hour
	tests := []struct {
		name string
		run  func(t *testing.T, stamps *memStamps, sent *sentReports)
	}{
		{"sent at the schedule, not before", func(t *testing.T, stamps *memStamps, sent *sentReports) {
			start := time.Now()
			stop := runSchedule(stamps, sent, every)
			defer stop()
			time.Sleep(every - time.Second)
			synctest.Wait()
			if n := sent.count(); n != 0 {
				t.Fatalf("%d reports before the first period ended", n)
			}
			time.Sleep(time.Second)
			synctest.Wait()
			time.Sleep(every)
			synctest.Wait()
			if n := sent.count(); n != 2 || !sent.at[0].Equal(start.Add(every)) || !sent.at[1].Equal(start.Add(2*every)) {
				t.Fatalf("sent at %v, want %v and %v", sent.at, start.Add(every), start.Add(2*every))
			}
		}},
		{"a restart neither repeats nor shifts", func(t *testing.T, stamps *memStamps, sent *sentReports) {
			start := time.Now()
			stop := runSchedule(stamps, sent, every)
			time.Sleep(every + time.Hour)
			synctest.Wait()
			stop()
			stop = runSchedule(stamps, sent, every) // restarted an hour after a report
			defer stop()
			time.Sleep(every - 2*time.Hour)
			synctest.Wait()
			if n := sent.count(); n != 1 {
				t.Fatalf("%d reports after the restart, want the one before it", n)
			}
			time.Sleep(time.Hour)
			synctest.Wait()
			if n := sent.count(); n != 2 || !sent.at[1].Equal(start.Add(2*every)) {
				t.Fatalf("sent at %v, want the second at %v", sent.at, start.Add(2*every))
			}
		}},
		{"one falling due while down goes out at the start, once", func(t *testing.T, stamps *memStamps, sent *sentReports) {
			start := time.Now()
			stop := runSchedule(stamps, sent, every)
			synctest.Wait()
			stop()
			time.Sleep(3*every + time.Hour) // down for three periods
			stop = runSchedule(stamps, sent, every)
			defer stop()
			synctest.Wait()
			if n := sent.count(); n != 1 {
				t.Fatalf("%d reports at the start after the outage, want 1", n)
			}
			time.Sleep(every - time.Hour) // the schedule's phase is kept
			synctest.Wait()
			if n := sent.count(); n != 2 || !sent.at[1].Equal(start.Add(4*every)) {
				t.Fatalf("sent at %v, want the second at %v", sent.at, start.Add(4*every))
			}
		}},
		{"a failed queueing is retried", func(t *testing.T, stamps *memStamps, sent *sentReports) {
			sent.fail = 2
			start := time.Now()
			stop := runSchedule(stamps, sent, every)
			defer stop()
			time.Sleep(every + 2*time.Minute)
			synctest.Wait()
			if n := sent.count(); n != 1 || !sent.at[0].Equal(start.Add(every+2*time.Minute)) {
				t.Fatalf("sent at %v, want once after two retries", sent.at)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tt.run(t, &memStamps{}, &sentReports{})
			})
		})
	}
}

// The whole daemon with report.every: a report that fell due while it was
// stopped reaches the Telegram chat at the start, as a summary and the
// HTML file, and the store's time moves on so the next start sends none.
func TestDaemon_ScheduledReport_Telegram(t *testing.T) {
	r := newReviewRigConfig(t, reviewConfig+"report: {every: 1h}\n")
	r.stop() // the first start began the schedule: nothing is due yet
	if n := len(r.tg.Documents(e2eChat)); n != 0 {
		t.Fatalf("%d documents at the first start", n)
	}
	cfg, err := config.Load(r.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(cfg.DBPath(), nil)
	if err != nil {
		t.Fatal(err)
	}
	began, err := db.ReportSent()
	if err != nil || began.IsZero() {
		t.Fatalf("schedule start %v, %v; want it kept", began, err)
	}
	due := began.Add(-2 * time.Hour) // as if stopped for two hours
	if err := db.SetReportSent(due); err != nil {
		t.Fatal(err)
	}
	db.Close()

	r.start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	doc, err := r.tg.WaitMessage(ctx, e2eChat, func(m telegramtest.Message) bool { return m.Document != nil })
	if err != nil {
		t.Fatalf("no report file: %v\n%s", err, r.logs)
	}
	if !strings.HasPrefix(doc.Document.Name, "otchet-") || !strings.HasSuffix(doc.Document.Name, ".html") ||
		!strings.Contains(string(doc.Document.Data), "<svg") || !strings.Contains(doc.Text, "Отчёт о работе с комментариями") {
		t.Errorf("document %q caption %q (%d bytes)", doc.Document.Name, doc.Text, len(doc.Document.Data))
	}
	var summary bool
	for _, m := range r.tg.BotMessages(e2eChat) {
		if strings.HasPrefix(m.Text, "📊 Отчёт за неделю") && strings.Contains(m.Text, "Комментариев: ") {
			summary = true
		}
	}
	if !summary {
		t.Errorf("no summary message; messages: %v", r.tg.BotMessages(e2eChat))
	}
	r.stop()
	db, err = store.Open(cfg.DBPath(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	last, err := db.ReportSent()
	if err != nil || !last.After(time.Now().Add(-time.Hour)) || !last.Before(time.Now().Add(time.Second)) {
		t.Errorf("report time %v, %v; want within the last hour (the next is not due at a restart)", last, err)
	}
	if n := len(r.tg.Documents(e2eChat)); n != 1 {
		t.Errorf("%d documents, want 1", n)
	}
}

// chanReports is a review channel that counts the reports queued in it.
type chanReports struct{ sentReports }

func (*chanReports) Submit(context.Context, *moderation.Decision) error { return nil }
func (*chanReports) Notify(context.Context, *moderation.Decision) error { return nil }

// A report one channel could not queue is retried in that channel only:
// the retry went to every channel, so the chat that had it got it again
// every retry until the other one took it.
func TestReportSchedule_Run_RetryOnlyTheChannelThatFailed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const every = 168 * time.Hour
		tg, mx := &chanReports{}, &chanReports{}
		mx.fail = 3
		fan := review.NewFanout(nil)
		if err := errors.Join(fan.Add(review.ChannelTelegram, tg), fan.Add(review.ChannelMAX, mx)); err != nil {
			t.Fatal(err)
		}
		s := &reportSchedule{every: every, retry: time.Minute, stamps: &memStamps{}, send: fan, now: time.Now,
			log: slog.New(slog.DiscardHandler),
			make: func(context.Context, time.Time) (review.Report, error) {
				return review.Report{Summary: "s", Name: "r.html", Doc: []byte("x")}, nil
			}}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); s.Run(ctx) }()
		defer func() { cancel(); <-done }()
		time.Sleep(every + 3*time.Minute)
		synctest.Wait()
		if tg.count() != 1 || mx.count() != 1 {
			t.Fatalf("after three failures in MAX: %d reports in Telegram, %d in MAX; want one each", tg.count(), mx.count())
		}
		time.Sleep(every)
		synctest.Wait()
		if tg.count() != 2 || mx.count() != 2 {
			t.Fatalf("next period: %d in Telegram, %d in MAX; want two each", tg.count(), mx.count())
		}
	})
}

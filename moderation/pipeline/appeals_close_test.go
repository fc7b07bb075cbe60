package pipeline_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
	"github.com/strazh/strazh/moderation/store"
)

// Closing an overdue appeal drops the gauges at once and tells the desk; a
// closed one gets no reminder, no reply from strazh and no second closing.
// Fake time: synctest.
func TestPipeline_CloseAppeal_GaugesDropNoReminder(t *testing.T) {
	for _, how := range []string{moderation.ClosedElsewhere, moderation.ClosedNotAppeal} {
		t.Run(how, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				conn, desk := newFeedConn(), &deskRecorder{}
				rc := conn.replier(&replyConn{})
				m := pipeline.NewMetrics(nil, "")
				p, err := pipeline.New(pipeline.Options{Store: db, Metrics: m,
					Appeals: pipeline.AppealOptions{Store: db, AnswerWithin: 24 * time.Hour, RemindBefore: 2 * time.Hour, Tick: time.Minute}},
					pipelinetest.MarkEngine{}, []pipeline.Account{{Name: "p", Network: "vk", Conn: rc, Backfill: true}})
				if err != nil {
					t.Fatal(err)
				}
				p.SetAppealDesk(desk)
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error)
				go func() { done <- p.Run(ctx) }()
				// Two appeals: one past its deadline (closed), one near it.
				conn.Push(wallComment("1", "Не вывозят мусор [обращение:rubbish]", citizen, time.Now().Add(-30*time.Hour)),
					wallComment("2", "Нет света в подъезде [обращение:lighting]", citizen, time.Now().Add(-20*time.Hour)))
				synctest.Wait()
				gauges := func() (float64, float64) {
					return testutil.ToFloat64(m.AppealsOpen.WithLabelValues("p")), testutil.ToFloat64(m.AppealsOverdue.WithLabelValues("p"))
				}
				if o, l := gauges(); o != 2 || l != 1 {
					t.Fatalf("gauges before: open %v overdue %v", o, l)
				}
				ids := map[string]uint64{}
				for _, a := range openAppeals2(t, db) {
					ids[a.Topic] = a.DecisionID
				}
				_, _, remindedBefore := desk.counts()
				a, err := p.CloseAppeal(ids["rubbish"], how, "telegram:7")
				if err != nil || a.Open() || a.Closed != how {
					t.Fatalf("CloseAppeal = %+v, %v", a, err)
				}
				if o, l := gauges(); o != 1 || l != 0 {
					t.Fatalf("gauges right after closing: open %v overdue %v, want 1 and 0", o, l)
				}
				if _, c, _ := desk.counts(); c != 1 {
					t.Fatalf("desk told of %d changes, want 1", c)
				}
				if _, err := p.CloseAppeal(ids["rubbish"], moderation.ClosedElsewhere, "web:anna"); !errors.Is(err, moderation.ErrAlreadyDecided) {
					t.Fatalf("second closing: %v", err)
				}
				if _, err := p.ReplyAppeal(ctx, ids["rubbish"], "Ответ", "web:anna"); !errors.Is(err, moderation.ErrAlreadyDecided) {
					t.Fatalf("reply to a closed appeal: %v", err)
				}
				// The other is closed before its reminder is due (2h before the deadline, in 2h).
				if _, err := p.CloseAppeal(ids["lighting"], how, "telegram:7"); err != nil {
					t.Fatal(err)
				}
				time.Sleep(3 * time.Hour)
				synctest.Wait()
				if _, _, d := desk.counts(); d != remindedBefore {
					t.Fatalf("reminders after closing: %d, want %d", d, remindedBefore)
				}
				if o, l := gauges(); o != 0 || l != 0 {
					t.Fatalf("gauges later: open %v overdue %v", o, l)
				}
				s, err := p.AppealStats(time.Now().Add(-7 * 24 * time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				want := moderation.AppealStats{}
				if how == moderation.ClosedElsewhere {
					want = moderation.AppealStats{Opened: 2, Answered: 2, OnTime: 1}
				}
				if s != want {
					t.Fatalf("AppealStats = %+v, want %+v", s, want)
				}
				rc.mu.Lock()
				posted := rc.replies
				rc.mu.Unlock()
				if len(posted) != 0 {
					t.Fatalf("posted %q", posted)
				}
				cancel()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

func openAppeals2(t *testing.T, db *store.DB) []*moderation.Appeal {
	t.Helper()
	as, err := db.OpenAppeals("")
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// A closed appeal stays closed over a restart: not counted in the gauges
// at the start, and the page's later reply changes nothing.
func TestPipeline_CloseAppeal_RestartKeepsClosed(t *testing.T) {
	dir := t.TempDir()
	conn := newFeedConn()
	acc := pipeline.Account{Name: "p", Network: "vk", Conn: conn, Backfill: true}
	r := pipelinetest.Start(t, dir, nil, acc)
	conn.Push(wallComment("1", "Когда откроют поликлинику? [обращение:clinics]", citizen, time.Now().Add(-30*time.Hour)),
		wallComment("2", "Когда починят лифт? [обращение:housing]", citizen, time.Now().Add(-30*time.Hour)))
	pipelinetest.Eventually(t, "two appeals", func() bool { return len(openAppeals(t, r)) == 2 })
	var first uint64
	for _, a := range openAppeals(t, r) {
		if a.Topic == "clinics" {
			first = a.DecisionID
		}
	}
	if _, err := r.Pipe.CloseAppeal(first, moderation.ClosedNotAppeal, "telegram:7"); err != nil {
		t.Fatal(err)
	}
	r.Stop()

	conn2 := newFeedConn()
	acc.Conn = conn2
	r = pipelinetest.Start(t, dir, nil, acc)
	pipelinetest.Eventually(t, "the gauges after the restart", func() bool {
		return testutil.ToFloat64(r.Metrics.AppealsOpen.WithLabelValues("p")) == 1 &&
			testutil.ToFloat64(r.Metrics.AppealsOverdue.WithLabelValues("p")) == 1
	})
	reply := wallComment("3", "Откроют в марте.", page, time.Now())
	reply.ReplyTo = moderation.MakeID("vk", "p", "wall:-1:1")
	conn2.Push(reply)
	pipelinetest.Eventually(t, "the page's reply recorded", func() bool { return len(r.Decisions(t, "Откроют в марте.")) == 1 })
	a, err := r.DB.Appeal(first)
	if err != nil || !a.NotAppeal() || a.ClosedBy != "telegram:7" || !a.AnsweredAt.IsZero() {
		t.Fatalf("after the restart and the page's reply: %+v, %v", a, err)
	}
	s, err := r.Pipe.AppealStats(time.Now().Add(-7 * 24 * time.Hour))
	if err != nil || s != (moderation.AppealStats{Opened: 1, Open: 1, Overdue: 1}) {
		t.Fatalf("AppealStats = %+v, %v", s, err)
	}
}

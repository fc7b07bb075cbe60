package pipeline_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/store"
)

// The appeal's change and its card's edit were two writes: the store took
// the new text (or the answer), then the desk queued the card's edit. A
// process killed between them left the card showing the old text, or
// «Ответить» under an answered appeal, for good: nothing looked at it
// again. The store queues the edit in the appeal's own transaction; the
// desk here is killed before it notes anything (it records only).
func TestPipeline_Appeals_CardQueuedWithTheChange(t *testing.T) {
	tests := []struct {
		name   string
		change func(c moderation.Comment, now time.Time) moderation.Comment
		done   func(a *moderation.Appeal) bool
	}{
		{"edited by its author", func(c moderation.Comment, now time.Time) moderation.Comment {
			c.Text, c.Edited = "Яма во дворе дома 5 [обращение:roads]", now.Add(time.Minute)
			return c
		}, func(a *moderation.Appeal) bool {
			return a.Text == "Яма во дворе дома 5 [обращение:roads]"
		}},
		{"answered by the page", func(c moderation.Comment, now time.Time) moderation.Comment {
			r := wallComment("10", "Засыплем в среду.", page, now.Add(time.Minute))
			r.ReplyTo = c.ID
			return r
		}, func(a *moderation.Appeal) bool { return a.AnsweredBy == "page" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, desk := newFeedConn(), &deskRecorder{}
			r := startAppeals(t, conn, desk)
			now := time.Now().Truncate(time.Second).Add(-time.Hour)
			c := wallComment("1", "Яма во дворе [обращение:roads]", citizen, now)
			conn.Push(c)
			pipelinetest.Eventually(t, "the appeal", func() bool { o, _, _ := desk.counts(); return o == 1 })
			ap, err := r.DB.AppealByComment(c.ID)
			if err != nil {
				t.Fatal(err)
			}
			// The card as the desk left it: sent, shown up to date.
			if err := r.DB.PutAppealCard(&cardstore.AppealCard{DecisionID: ap.DecisionID, ChatID: 5, Msg: "70", Rev: 1, Shown: 1}); err != nil {
				t.Fatal(err)
			}
			conn.Push(tt.change(c, now))
			pipelinetest.Eventually(t, "the change recorded", func() bool {
				a, err := r.DB.Appeal(ap.DecisionID)
				return err == nil && tt.done(a)
			})
			card, err := r.DB.AppealCard(ap.DecisionID)
			if err != nil {
				t.Fatal(err)
			}
			todo, err := r.DB.AppealCardsTodo()
			if err != nil {
				t.Fatal(err)
			}
			if card.Rev <= card.Shown || len(todo) != 1 || todo[0].DecisionID != ap.DecisionID {
				t.Errorf("card %+v, to do %d; want its edit queued with the change (rev past shown)", card, len(todo))
			}
		})
	}
}

// An appeal was recorded, then the desk told of it: a process killed
// between the two left the appeal open with no «Обращение» card, never
// shown in the chat (nothing told the desk again). The desk is told of
// every open appeal when it is set; for one it shows already it keeps the
// card as it is.
func TestPipeline_Appeals_OpenAppealAnnouncedAfterACrash(t *testing.T) {
	dir := t.TempDir()
	conn := newFeedConn()
	acc := pipeline.Account{Name: "p", Network: "vk", Conn: conn, Backfill: true}
	r := pipelinetest.Start(t, dir, nil, acc) // no desk: killed before it heard
	now := time.Now().Truncate(time.Second)
	conn.Push(wallComment("1", "Когда откроют поликлинику? [обращение:clinics]", citizen, now))
	pipelinetest.Eventually(t, "an appeal", func() bool { return len(openAppeals(t, r)) == 1 })
	id := openAppeals(t, r)[0].DecisionID
	r.Stop()

	acc.Conn = newFeedConn()
	r = pipelinetest.Start(t, dir, nil, acc)
	desk := &deskRecorder{}
	r.Pipe.SetAppealDesk(desk)
	desk.mu.Lock()
	opened := slices.Clone(desk.opened)
	desk.mu.Unlock()
	if !slices.Equal(opened, []uint64{id}) {
		t.Errorf("desk told of %v opened after the restart, want [%d]", opened, id)
	}
}

// The reminder was marked on the appeal, then the desk told: a process
// killed between them lost the reminder (the appeal says reminded, so none
// comes again). The store queues the card's reminder with the mark. Fake
// time: synctest.
func TestPipeline_Appeals_ReminderQueuedWithTheMark(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		conn, desk := newFeedConn(), &deskRecorder{}
		p, err := pipeline.New(pipeline.Options{Store: db,
			Appeals: pipeline.AppealOptions{Store: db, AnswerWithin: 24 * time.Hour, RemindBefore: 2 * time.Hour, Tick: time.Minute}},
			pipelinetest.MarkEngine{}, []pipeline.Account{{Name: "p", Network: "vk", Conn: conn, Backfill: true}})
		if err != nil {
			t.Fatal(err)
		}
		p.SetAppealDesk(desk)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- p.Run(ctx) }()
		opened := time.Now()
		conn.Push(wallComment("1", "Нет отопления [обращение:heating]", citizen, opened))
		synctest.Wait()
		as, err := db.OpenAppeals("")
		if err != nil || len(as) != 1 {
			t.Fatalf("open appeals %v, %v", as, err)
		}
		id := as[0].DecisionID
		if err := db.PutAppealCard(&cardstore.AppealCard{DecisionID: id, ChatID: 5, Msg: "70", Rev: 1, Shown: 1}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(22*time.Hour + time.Minute - time.Since(opened))
		synctest.Wait()
		if _, _, d := desk.counts(); d != 1 {
			t.Fatalf("reminders %d, want 1", d)
		}
		c, err := db.AppealCard(id)
		if err != nil || !c.Remind {
			t.Errorf("card %+v, %v; want its reminder queued with the appeal's mark", c, err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

package pipeline_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
	"github.com/strazh/strazh/moderation/store"
)

// horizonConn is a replyConn whose Reply runs during() before it returns:
// the store's maintenance closing the appeal as expired while the answer
// is on its way to the network.
type horizonConn struct {
	*replyConn
	during func()
}

func (h *horizonConn) Reply(ctx context.Context, ref, text string) (string, error) {
	if h.during != nil {
		h.during()
	}
	return h.replyConn.Reply(ctx, ref, text)
}

// An appeal the store expires while a moderator's answer (the console's
// «Ответить», which sets no card reply the store could see) is being
// posted, or one the page answers on the network after it expired, is
// answered: the answer is on the network, so the record, the card and the
// closed list must not say «Осталось без ответа».
func TestPipeline_Appeals_AnsweredAfterExpiry(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	opened := now.Add(-100 * 24 * time.Hour) // past any history horizon
	expire := func(t *testing.T, r *pipelinetest.Run, id uint64) {
		t.Helper()
		// The maintenance's cut: opened before it, expired now, kept.
		if _, err := r.DB.PruneHistory(now.Add(-70 * 24 * time.Hour)); err != nil {
			t.Fatal(err)
		}
		if a, err := r.DB.Appeal(id); err != nil || !a.Expired() {
			t.Fatalf("appeal %d after maintenance = %+v, %v; want expired", id, a, err)
		}
	}

	t.Run("expired while posted", func(t *testing.T) {
		hc := &horizonConn{replyConn: newFeedConn().replier(&replyConn{})}
		desk := &deskRecorder{}
		r := startAppeals(t, hc, desk)
		hc.Push(wallComment("1", "Когда уберут снег? [обращение:snow]", citizen, opened))
		pipelinetest.Eventually(t, "an appeal", func() bool { return len(openAppeals(t, r)) == 1 })
		id := openAppeals(t, r)[0].DecisionID
		hc.during = func() { expire(t, r, id) }
		a, err := r.Pipe.ReplyAppeal(context.Background(), id, "Уберут сегодня.", "web:anna")
		if err != nil || a.Expired() || a.AnsweredBy != "web:anna" || a.ReplyRef != "reply:wall:-1:1" {
			t.Fatalf("ReplyAppeal = %+v, %v; want answered by web:anna with the reply's ref", a, err)
		}
		if st, _ := r.DB.Appeal(id); st.Expired() || st.AnsweredBy != "web:anna" || st.Open() {
			t.Fatalf("stored appeal = %+v; want answered by web:anna", st)
		}
		if _, changed, _ := desk.counts(); changed != 1 {
			t.Errorf("the desk was told of %d changes, want 1 (the card shows the answer)", changed)
		}
		if n := histogramCount(t, r.Metrics.AppealFirstAnswer); n != 1 {
			t.Errorf("strazh_appeal_first_answer_seconds count = %d, want 1", n)
		}
	})

	t.Run("page answers later", func(t *testing.T) {
		conn, desk := newFeedConn(), &deskRecorder{}
		r := startAppeals(t, conn, desk)
		conn.Push(wallComment("1", "Нет света во дворе [обращение:lighting]", citizen, opened))
		pipelinetest.Eventually(t, "an appeal", func() bool { return len(openAppeals(t, r)) == 1 })
		id := openAppeals(t, r)[0].DecisionID
		expire(t, r, id)
		reply := wallComment("10", "Свет починили.", page, now)
		reply.ReplyTo = moderation.MakeID("vk", "p", "wall:-1:1")
		conn.Push(reply)
		pipelinetest.Eventually(t, "the page's reply answers it", func() bool {
			a, err := r.DB.Appeal(id)
			return err == nil && a.AnsweredBy == "page"
		})
		a, _ := r.DB.Appeal(id)
		if a.Expired() || a.OnTime() || !a.AnsweredAt.Equal(now) {
			t.Fatalf("appeal = %+v; want answered late by the page at %s", a, now)
		}
	})
}

// A private-message appeal the store expired is answered, late, by the
// page's next message in its dialog, as a comment's is by a reply under it
// — also once its decision is pruned (the appeal says it is a message).
// Another dialog's message, or a wall appeal whose post id is the same as
// the dialog's, is not matched.
func TestPipeline_Appeals_MessageAnsweredAfterExpiry(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	conn, desk := newFeedConn(), &deskRecorder{}
	r := startAppeals(t, conn, desk)
	horizon := r.DB.HistoryRetention()
	opened := now.Add(-horizon - 10*24*time.Hour) // before the history horizon: its decision is long pruned
	open := func(id uint64, c moderation.Comment) {
		t.Helper()
		if _, err := r.DB.OpenAppeal(&moderation.Appeal{DecisionID: id, Network: "vk", Account: "p", CommentID: c.ID, Ref: c.Ref,
			PostID: c.PostID, Kind: c.Kind, Author: citizen, Topic: "rubbish", Text: c.Text, OpenedAt: opened.Add(time.Duration(id) * time.Minute),
			Deadline: opened.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	other := dm("1", "Не вывозят мусор", citizen, opened)
	other.PostID = "dialog200"
	wall := wallComment("2", "Когда уберут двор?", citizen, opened)
	wall.PostID = "dialog100" // the same id as the dialog's, by chance
	open(1001, other)
	open(1002, wall)
	open(1003, dm("3", "Когда уберут снег?", citizen, opened))
	if _, err := r.DB.PruneHistory(now.Add(-horizon)); err != nil { // the maintenance's cut
		t.Fatal(err)
	}
	for _, id := range []uint64{1001, 1002, 1003} {
		if a, err := r.DB.Appeal(id); err != nil || !a.Expired() {
			t.Fatalf("appeal %d after maintenance = %+v, %v; want expired", id, a, err)
		}
	}
	conn.Push(dm("9", "Снег уберут сегодня.", page, now))
	pipelinetest.Eventually(t, "the page's message answers the dialog's appeal", func() bool {
		a, err := r.DB.Appeal(1003)
		return err == nil && a.AnsweredBy == "page"
	})
	a, _ := r.DB.Appeal(1003)
	if a.Expired() || a.OnTime() || !a.AnsweredAt.Equal(now) {
		t.Errorf("dialog appeal = %+v; want answered late by the page at %s", a, now)
	}
	for _, id := range []uint64{1001, 1002} {
		if a, _ := r.DB.Appeal(id); !a.Expired() {
			t.Errorf("appeal %d (%s, %s) answered by a message in another dialog: %+v", id, a.Kind, a.PostID, a)
		}
	}
	pipelinetest.Eventually(t, "the desk shows the answer", func() bool { _, changed, _ := desk.counts(); return changed == 1 })
}

// scanCounter is the store counting the full listings of appeals.
type scanCounter struct {
	*store.DB
	full atomic.Int32
}

func (s *scanCounter) Appeals(since, until time.Time) ([]*moderation.Appeal, error) {
	if since.IsZero() {
		s.full.Add(1)
	}
	return s.DB.Appeals(since, until)
}

// The page's message in a dialog with no open appeal looked for the
// dialog's expired appeal by listing every appeal opened before the
// horizon, for each such message: its cost grew with all expired appeals
// of every page. It asks the store for the dialog's alone.
func TestPipeline_Appeals_DialogExpiredReadsTheDialog(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	conn, desk := newFeedConn(), &deskRecorder{}
	var sc *scanCounter
	r := pipelinetest.Start(t, t.TempDir(), func(o *pipeline.Options) {
		sc = &scanCounter{DB: o.Store.(*store.DB)}
		o.Appeals.Store = sc
	}, pipeline.Account{Name: "p", Network: "vk", Conn: conn, Backfill: true})
	r.Pipe.SetAppealDesk(desk)
	opened := now.Add(-r.DB.HistoryRetention() - 10*24*time.Hour)
	for i := range 50 {
		c := dm(strconv.Itoa(i+1), "Когда уберут снег?", citizen, opened)
		c.PostID = "dialog" + strconv.Itoa(1000+i)
		if _, err := r.DB.OpenAppeal(&moderation.Appeal{DecisionID: uint64(2000 + i), Network: "vk", Account: "p", CommentID: c.ID, Ref: c.Ref,
			PostID: c.PostID, Kind: c.Kind, Author: citizen, Topic: "snow", Text: c.Text, OpenedAt: opened, Deadline: opened.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.DB.PruneHistory(now.Add(-r.DB.HistoryRetention())); err != nil {
		t.Fatal(err)
	}
	answer := dm("900", "Снег уберут сегодня.", page, now)
	answer.PostID = "dialog1007"
	conn.Push(answer)
	pipelinetest.Eventually(t, "the page's message answers its dialog's appeal", func() bool {
		a, err := r.DB.Appeal(2007)
		return err == nil && a.AnsweredBy == "page"
	})
	if n := sc.full.Load(); n != 0 {
		t.Errorf("every appeal listed %d times for one page message; want the dialog's looked up", n)
	}
	if as, _ := r.DB.ExpiredAppeals("p", "dialog1006"); len(as) != 1 {
		t.Errorf("another dialog's appeal changed: %+v", as)
	}
}

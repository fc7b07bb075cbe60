package pipeline_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
	"github.com/strazh/strazh/moderation/store"
)

// feedConn is a connector fed by the test: each Push is one batch.
type feedConn struct {
	feed chan []moderation.Update
	mu   sync.Mutex
	n    int
}

func newFeedConn() *feedConn { return &feedConn{feed: make(chan []moderation.Update, 16)} }

func (f *feedConn) Push(cs ...moderation.Comment) {
	ups := make([]moderation.Update, len(cs))
	for i, c := range cs {
		ups[i] = moderation.Update{Type: moderation.UpdateComment, Comment: c}
	}
	f.feed <- ups
}

func (f *feedConn) Fetch(ctx context.Context, _ []byte) ([]moderation.Update, []byte, error) {
	select {
	case ups := <-f.feed:
		f.mu.Lock()
		f.n++
		n := f.n
		f.mu.Unlock()
		return ups, []byte{byte(n)}, nil
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
}

func (*feedConn) Capabilities() moderation.Capabilities {
	return moderation.Capabilities{Delete: true, Ban: true, Unban: true, Restore: true}
}
func (*feedConn) Delete(context.Context, string) error                     { return nil }
func (*feedConn) Restore(context.Context, string) error                    { return nil }
func (*feedConn) Ban(context.Context, string, moderation.BanRequest) error { return nil }
func (*feedConn) Unban(context.Context, string) error                      { return nil }
func (*feedConn) Connect(context.Context) error                            { return nil }
func (*feedConn) Close(context.Context) error                              { return nil }
func (*feedConn) PollInterval() time.Duration                              { return time.Second }
func (f *feedConn) replier(r *replyConn) *replyConn                        { r.feedConn = f; return r }
func (r *replyConn) Reply(ctx context.Context, ref, text string) (string, error) {
	return r.reply(ref, text)
}

// replyConn is a feedConn that can answer as the page.
type replyConn struct {
	*feedConn
	mu      sync.Mutex
	replies []string // ref + " ← " + text
	fail    error
}

func (r *replyConn) reply(ref, text string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return "", r.fail
	}
	r.replies = append(r.replies, ref+" ← "+text)
	return "reply:" + ref, nil
}

// deskRecorder records what the pipeline tells the appeal desk.
type deskRecorder struct {
	mu                   sync.Mutex
	opened, changed, due []uint64
}

func (d *deskRecorder) AppealOpened(_ context.Context, a *moderation.Appeal) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opened = append(d.opened, a.DecisionID)
	return nil
}

func (d *deskRecorder) AppealChanged(_ context.Context, a *moderation.Appeal) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.changed = append(d.changed, a.DecisionID)
	return nil
}

func (d *deskRecorder) AppealDue(_ context.Context, a *moderation.Appeal) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.due = append(d.due, a.DecisionID)
	return nil
}

func (d *deskRecorder) counts() (int, int, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.opened), len(d.changed), len(d.due)
}

var (
	citizen = moderation.Author{ID: "100", Name: "Житель"}
	page    = moderation.Author{ID: "-1", IsPage: true}
	manager = moderation.Author{ID: "55", IsManager: true}
)

func wallComment(local, text string, by moderation.Author, at time.Time) moderation.Comment {
	return moderation.Comment{Network: "vk", Kind: moderation.KindWallComment, ID: moderation.MakeID("vk", "p", "wall:-1:"+local),
		Ref: "wall:-1:" + local, PostID: "9", Author: by, Text: text, Created: at}
}

func dm(cmid, text string, by moderation.Author, at time.Time) moderation.Comment {
	return moderation.Comment{Network: "vk", Kind: moderation.KindMessage, ID: moderation.MakeID("vk", "p", "msg:100:"+cmid),
		Ref: "msg:100:" + cmid + ":" + cmid, PostID: "dialog100", Author: by, Text: text, Created: at}
}

// histogramCount is how many times h was observed.
func histogramCount(t *testing.T, h prometheus.Histogram) uint64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(h)
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 1 || len(mfs[0].GetMetric()) != 1 {
		t.Fatalf("gather: %v, %d families", err, len(mfs))
	}
	return mfs[0].GetMetric()[0].GetHistogram().GetSampleCount()
}

func startAppeals(t *testing.T, conn moderation.Connector, desk pipeline.AppealDesk) *pipelinetest.Run {
	t.Helper()
	r := pipelinetest.Start(t, t.TempDir(), nil, pipeline.Account{Name: "p", Network: "vk", Conn: conn, Backfill: true})
	r.Pipe.SetAppealDesk(desk)
	return r
}

func openAppeals(t *testing.T, r *pipelinetest.Run) []*moderation.Appeal {
	t.Helper()
	as, err := r.DB.OpenAppeals("")
	if err != nil {
		t.Fatal(err)
	}
	return as
}

func TestPipeline_Appeals_OpenOnTag(t *testing.T) {
	conn, desk := newFeedConn(), &deskRecorder{}
	r := startAppeals(t, conn, desk)
	now := time.Now().Truncate(time.Second)
	conn.Push(
		wallComment("1", "Когда починят дорогу? [обращение:roads]", citizen, now),
		wallComment("2", "Спасибо за праздник", citizen, now),
		wallComment("3", "Опять нет воды [мат] [обращение:water]", citizen, now),
		wallComment("4", "Вопрос без темы [обращение]", citizen, now),
	)
	pipelinetest.Eventually(t, "three appeals", func() bool { return len(openAppeals(t, r)) == 3 })
	as := openAppeals(t, r)
	want := []struct {
		topic   string
		deleted bool
	}{{"roads", false}, {"water", true}, {"other", false}}
	for i, w := range want {
		if as[i].Topic != w.topic || as[i].Deleted != w.deleted || !as[i].Deadline.Equal(now.Add(24*time.Hour)) {
			t.Errorf("appeal %d = topic %q deleted %v deadline %v; want %q %v %v", i, as[i].Topic, as[i].Deleted, as[i].Deadline, w.topic, w.deleted, now.Add(24*time.Hour))
		}
	}
	if d := r.Decisions(t, "Опять нет воды [мат] [обращение:water]"); len(d) != 1 || d[0].Verdict != moderation.Delete {
		t.Errorf("the appeal with мат was not deleted: %+v", d)
	}
	pipelinetest.Eventually(t, "the desk told", func() bool { o, _, _ := desk.counts(); return o == 3 })
	if got := testutil.ToFloat64(r.Metrics.AppealsOpen.WithLabelValues("p")); got != 3 {
		t.Errorf("strazh_appeals_open{account=p} = %v, want 3", got)
	}
}

func TestPipeline_Appeals_NoDoubleOpenOnRedeliveryOrEdit(t *testing.T) {
	conn, desk := newFeedConn(), &deskRecorder{}
	r := startAppeals(t, conn, desk)
	now := time.Now().Truncate(time.Second)
	c := wallComment("1", "Яма у школы [обращение:roads]", citizen, now)
	conn.Push(c)
	conn.Push(c) // redelivered
	edited := c
	edited.Text, edited.Edited = "Яма у школы, глубокая [обращение:roads]", now.Add(time.Minute)
	conn.Push(edited)
	// The account's decisions are handled in order: once the next appeal is
	// open, the edit has been looked at.
	conn.Push(wallComment("2", "Другой вопрос [обращение:water]", citizen, now.Add(2*time.Minute)))
	pipelinetest.Eventually(t, "the next appeal", func() bool { o, _, _ := desk.counts(); return o >= 2 })
	if len(r.Decisions(t, edited.Text)) != 1 {
		t.Fatal("the edit was not decided")
	}
	as := openAppeals(t, r)
	if len(as) != 2 || as[0].Text != edited.Text || !as[0].EditedAt.Equal(edited.Edited) || as[1].Text != "Другой вопрос [обращение:water]" {
		t.Fatalf("open appeals = %+v; want the edited text and the other question", as)
	}
	if o, c, _ := desk.counts(); o != 2 || c != 1 {
		t.Errorf("desk told of %d openings and %d changes, want 2 and 1 (the edit)", o, c)
	}
}

func TestPipeline_Appeals_PageReplyCloses(t *testing.T) {
	conn, desk := newFeedConn(), &deskRecorder{}
	r := startAppeals(t, conn, desk)
	now := time.Now().Truncate(time.Second)
	conn.Push(
		wallComment("1", "Где автобус? [обращение:transport]", citizen, now.Add(-2*time.Hour)),
		wallComment("2", "Нет света [обращение:lighting]", citizen, now.Add(-time.Hour)),
		dm("7", "Не вывозят мусор [обращение:rubbish]", citizen, now.Add(-time.Hour)),
		wallComment("3", "Ещё вопрос [обращение]", citizen, now.Add(-time.Hour)),
	)
	pipelinetest.Eventually(t, "four appeals", func() bool { return len(openAppeals(t, r)) == 4 })
	reply := wallComment("10", "Автобус пустят с понедельника.", page, now)
	reply.ReplyTo = moderation.MakeID("vk", "p", "wall:-1:1")
	mgr := wallComment("11", "Свет починят сегодня.", manager, now.Add(time.Minute))
	mgr.ReplyTo = moderation.MakeID("vk", "p", "wall:-1:2")
	topLevel := wallComment("12", "Объявление администрации", page, now) // answers nothing
	conn.Push(reply, mgr, topLevel, dm("8", "Мусор вывезут завтра.", page, now))
	pipelinetest.Eventually(t, "three answered", func() bool { return len(openAppeals(t, r)) == 1 })
	tests := []struct {
		comment, by string
	}{
		{"wall:-1:1", "page"},
		{"wall:-1:2", "manager:55"},
		{"msg:100:7", "page"},
	}
	for _, tt := range tests {
		a, err := r.DB.AppealByComment(moderation.MakeID("vk", "p", tt.comment))
		if err != nil || a.AnsweredBy != tt.by || !a.OnTime() {
			t.Errorf("appeal of %s = %+v, %v; want answered on time by %s", tt.comment, a, err, tt.by)
		}
	}
	if left := openAppeals(t, r); left[0].CommentID != moderation.MakeID("vk", "p", "wall:-1:3") {
		t.Errorf("the wrong appeal stayed open: %+v", left[0])
	}
	pipelinetest.Eventually(t, "the desk told of the answers", func() bool { _, c, _ := desk.counts(); return c == 3 })
	// Observed before the desk is told.
	if n := histogramCount(t, r.Metrics.AppealFirstAnswer); n != 3 {
		t.Fatalf("strazh_appeal_first_answer_seconds count = %d, want 3", n)
	}
}

func TestPipeline_ReplyAppeal_PostsAndCloses(t *testing.T) {
	rc := newFeedConn().replier(&replyConn{})
	desk := &deskRecorder{}
	r := startAppeals(t, rc, desk)
	now := time.Now().Truncate(time.Second)
	rc.Push(wallComment("1", "Когда уберут снег? [обращение:snow]", citizen, now))
	pipelinetest.Eventually(t, "an appeal", func() bool { return len(openAppeals(t, r)) == 1 })
	id := openAppeals(t, r)[0].DecisionID
	if ap := openAppeals(t, r)[0]; !r.Pipe.CanReply(ap) {
		t.Fatal("CanReply = false for a Replier")
	}
	rc.fail = errors.New("network down")
	if _, err := r.Pipe.ReplyAppeal(context.Background(), id, "Сегодня.", "telegram:7"); err == nil {
		t.Fatal("a failed reply closed nothing but returned no error")
	}
	if len(openAppeals(t, r)) != 1 {
		t.Fatal("a failed reply closed the appeal")
	}
	rc.fail = nil
	a, err := r.Pipe.ReplyAppeal(context.Background(), id, "Сегодня уберут.", "telegram:7")
	if err != nil || a.AnsweredBy != "telegram:7" || a.ReplyRef != "reply:wall:-1:1" {
		t.Fatalf("ReplyAppeal = %+v, %v", a, err)
	}
	if _, err := r.Pipe.ReplyAppeal(context.Background(), id, "Ещё раз", "telegram:8"); !errors.Is(err, moderation.ErrAlreadyDecided) {
		t.Fatalf("second reply: %v, want ErrAlreadyDecided", err)
	}
	if len(rc.replies) != 1 || rc.replies[0] != "wall:-1:1 ← Сегодня уберут." {
		t.Fatalf("replies posted = %q", rc.replies)
	}
}

func TestPipeline_ReplyAppeal_NetworkWithoutReplier(t *testing.T) {
	conn := newFeedConn()
	r := startAppeals(t, conn, &deskRecorder{})
	conn.Push(wallComment("1", "Вопрос [обращение:water]", citizen, time.Now()))
	pipelinetest.Eventually(t, "an appeal", func() bool { return len(openAppeals(t, r)) == 1 })
	if r.Pipe.CanReply(openAppeals(t, r)[0]) {
		t.Fatal("CanReply = true without a Replier")
	}
	_, err := r.Pipe.ReplyAppeal(context.Background(), openAppeals(t, r)[0].DecisionID, "Ответ", "telegram:7")
	if !errors.Is(err, moderation.ErrUnsupported) {
		t.Fatalf("err = %v, want ErrUnsupported", err)
	}
}

// The reminder comes remind_before the deadline, not earlier; past the
// deadline the appeal counts as overdue. Fake time: synctest.
func TestPipeline_Appeals_ReminderBeforeDeadlineAndOverdue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		conn, desk := newFeedConn(), &deskRecorder{}
		m := pipeline.NewMetrics(nil, "")
		p, err := pipeline.New(pipeline.Options{Store: db, Metrics: m,
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
		if o, _, d := desk.counts(); o != 1 || d != 0 {
			t.Fatalf("after opening: opened %d, reminded %d", o, d)
		}
		time.Sleep(22*time.Hour - time.Minute - time.Since(opened))
		synctest.Wait()
		if _, _, d := desk.counts(); d != 0 {
			t.Fatal("reminded earlier than remind_before the deadline")
		}
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		if _, _, d := desk.counts(); d != 1 {
			t.Fatalf("reminders = %d at 2h before the deadline, want 1", d)
		}
		if got := testutil.ToFloat64(m.AppealsOverdue.WithLabelValues("p")); got != 0 {
			t.Fatalf("overdue before the deadline = %v", got)
		}
		time.Sleep(2*time.Hour + time.Minute)
		synctest.Wait()
		if got := testutil.ToFloat64(m.AppealsOverdue.WithLabelValues("p")); got != 1 {
			t.Fatalf("strazh_appeals_overdue after the deadline = %v, want 1", got)
		}
		if _, _, d := desk.counts(); d != 1 {
			t.Fatalf("reminded %d times, want once", d)
		}
		s, err := p.AppealStats(opened.Add(-time.Hour))
		if err != nil || s.Opened != 1 || s.Overdue != 1 || s.OnTimeShare() != 0 {
			t.Fatalf("AppealStats = %+v, %v", s, err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// Open appeals survive a restart: counted at once, and the page's answer
// after the restart closes them.
func TestPipeline_Appeals_RestartKeepsOpenAppeals(t *testing.T) {
	dir := t.TempDir()
	conn := newFeedConn()
	acc := pipeline.Account{Name: "p", Network: "vk", Conn: conn, Backfill: true}
	r := pipelinetest.Start(t, dir, nil, acc)
	now := time.Now().Truncate(time.Second)
	conn.Push(wallComment("1", "Когда откроют поликлинику? [обращение:clinics]", citizen, now))
	pipelinetest.Eventually(t, "an appeal", func() bool { return len(openAppeals(t, r)) == 1 })
	r.Stop()

	conn2 := newFeedConn()
	acc.Conn = conn2
	r = pipelinetest.Start(t, dir, nil, acc)
	pipelinetest.Eventually(t, "the gauge after the restart", func() bool {
		return testutil.ToFloat64(r.Metrics.AppealsOpen.WithLabelValues("p")) == 1
	})
	reply := wallComment("2", "Откроют в марте.", page, now.Add(time.Hour))
	reply.ReplyTo = moderation.MakeID("vk", "p", "wall:-1:1")
	conn2.Push(reply)
	pipelinetest.Eventually(t, "closed after the restart", func() bool { return len(openAppeals(t, r)) == 0 })
}

// An appeal a moderator deletes (it also insulted someone) stays counted,
// marked Deleted.
func TestPipeline_Appeals_DeletedOnReviewStaysCounted(t *testing.T) {
	conn, desk := newFeedConn(), &deskRecorder{}
	r := startAppeals(t, conn, desk)
	text := "Где ремонт, бездельники? [спорно] [обращение:housing]"
	conn.Push(wallComment("1", text, citizen, time.Now()))
	pipelinetest.Eventually(t, "an appeal", func() bool { return len(openAppeals(t, r)) == 1 })
	d := r.Decisions(t, text)[0]
	if _, err := r.Pipe.Resolve(context.Background(), d.ID, moderation.Delete, 0, "telegram:7", "Мария"); err != nil {
		t.Fatal(err)
	}
	a, err := r.DB.Appeal(d.ID)
	if err != nil || !a.Deleted || !a.Open() {
		t.Fatalf("appeal after the deletion = %+v, %v; want deleted, still open", a, err)
	}
	if _, c, _ := desk.counts(); c != 1 {
		t.Fatalf("desk told of %d changes, want 1", c)
	}
}

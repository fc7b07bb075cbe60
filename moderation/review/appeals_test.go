package review_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/review/telegramtest"
	"github.com/strazh/strazh/moderation/store"
)

const appealsChat = -1003000

// appealEnv is the whole chain: the VK fake, the VK connector, the real
// pipeline and store, the reviewer on the Telegram fake with the desk.
type appealEnv struct {
	*env
	vk   *vktest.Server
	run  *pipelinetest.Run
	desk *review.AppealDesk
}

func newAppealEnv(t *testing.T, conn func(f *vktest.Server) moderation.Connector, tune ...func(*pipeline.Account)) *appealEnv {
	t.Helper()
	return newAppealEnvCfg(t, conn, nil, tune...)
}

// newAppealEnvCfg is newAppealEnv with the reviewer's configuration edited.
func newAppealEnvCfg(t *testing.T, conn func(f *vktest.Server) moderation.Connector, edit func(*review.Config),
	tune ...func(*pipeline.Account)) *appealEnv {
	t.Helper()
	f := vktest.New(vktest.Options{})
	t.Cleanup(f.Close)
	f.AddUser(501, "Иван", "Петров")
	var c moderation.Connector
	if conn != nil {
		c = conn(f)
	} else {
		t.Setenv("TEST_VK_COMMUNITY", f.CommunityToken())
		t.Setenv("TEST_VK_USER", f.UserToken())
		cfg := vk.DefaultConfig()
		cfg.GroupID, cfg.APIURL = f.GroupID(), f.MethodURL()
		cfg.CommunityTokenEnv, cfg.UserTokenEnv = "TEST_VK_COMMUNITY", "TEST_VK_USER"
		vc, err := vk.New(cfg, connectors.Deps{Account: "admin-vk", HTTPClient: f.Client()})
		if err != nil {
			t.Fatal(err)
		}
		c = vc
	}
	acc := pipeline.Account{Name: "admin-vk", Network: "vk", Conn: c}
	for _, f := range tune {
		f(&acc)
	}
	run := pipelinetest.Start(t, t.TempDir(), nil, acc)
	e := newEnv(t, edit)
	e.reg = prometheus.NewRegistry()
	rv, err := review.New(e.cfg, review.Deps{Moderation: e.mod, Store: e.store, Timing: e.tm, Location: time.UTC,
		Logger: testLogger(t), Metrics: e.reg})
	if err != nil {
		t.Fatal(err)
	}
	desk, err := review.NewAppealDesk(appealsChat, run.Pipe, run.DB)
	if err != nil {
		t.Fatal(err)
	}
	rv.AttachAppeals(desk)
	run.Pipe.SetAppealDesk(desk)
	e.rv = rv
	e.runRV()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = desk.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	if conn == nil {
		pipelinetest.Eventually(t, "the long poll", func() bool { return len(f.Calls("a_check")) > 0 })
	}
	return &appealEnv{env: e, vk: f, run: run, desk: desk}
}

// appealCard waits for the bot's message in the appeals chat containing s.
func (e *appealEnv) appealCard(s string) telegramtest.Message {
	e.t.Helper()
	m, err := e.tg.WaitMessage(e.ctx(), appealsChat, func(m telegramtest.Message) bool {
		return m.From == nil && strings.Contains(m.Text, s)
	})
	if err != nil {
		e.t.Fatalf("no message containing %q in the appeals chat; messages: %v", s, texts(e.tg.BotMessages(appealsChat)))
	}
	return m
}

func (e *appealEnv) waitAppealMsg(id int64, what string, cond func(telegramtest.Message) bool) telegramtest.Message {
	e.t.Helper()
	var got telegramtest.Message
	err := e.tg.Wait(e.ctx(), func() bool {
		m, ok := e.tg.Message(appealsChat, id)
		got = m
		return ok && cond(m)
	})
	if err != nil {
		e.t.Fatalf("message %d: gave up waiting for %s; it is %q %q", id, what, got.Text, got.Buttons())
	}
	return got
}

// saved waits until the desk recorded the card's message and prompts (the
// test answers faster than a person, before the desk saved what it sent).
func (e *appealEnv) saved(prompts int) {
	e.t.Helper()
	pipelinetest.Eventually(e.t, "the card saved", func() bool {
		c, err := e.run.DB.AppealCard(1)
		return err == nil && c.Msg != "" && len(c.Prompts) >= prompts
	})
}

func (e *appealEnv) answerTo(query string) telegramtest.Answer {
	e.t.Helper()
	var got telegramtest.Answer
	if err := e.tg.Wait(e.ctx(), func() bool {
		for _, a := range e.tg.Answers() {
			if a.QueryID == query {
				got = a
				return true
			}
		}
		return false
	}); err != nil {
		e.t.Fatalf("tap %s never answered", query)
	}
	return got
}

// appeal → card → «Ответить» → the answer is a community comment on the VK
// fake → the appeal is closed, with who and when, and the card says so.
func TestAppealDesk_ReplyFromCard_PostsOnVKAndCloses(t *testing.T) {
	e := newAppealEnv(t, nil)
	post := e.vk.AddPost("Ремонт дорог")
	cid := e.vk.AddComment(post, 501, "Когда заделают яму на Садовой? [обращение:roads]")
	card := e.appealCard("Обращение")
	for _, want := range []string{"дороги", "Иван Петров", "Ответить до", "яму на Садовой", "Ждёт ответа"} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("card lacks %q:\n%s", want, card.Text)
		}
	}
	if b := card.Buttons(); len(b) != 2 || b[0] != "Ответить" || b[1] != "Закрыть" {
		t.Fatalf("buttons = %q, want «Ответить», «Закрыть»", b)
	}

	q, err := e.tg.PressQuery(appealsChat, card.ID, "Ответить", eve)
	if err != nil {
		t.Fatal(err)
	}
	if a := e.answerTo(q); !a.ShowAlert || !strings.Contains(a.Text, "Нет прав") {
		t.Fatalf("a stranger's tap answered %+v", a)
	}
	if err := e.tg.Press(appealsChat, card.ID, "Ответить", maria); err != nil {
		t.Fatal(err)
	}
	prompt := e.appealCard("✍️")
	if prompt.ReplyTo != card.ID {
		t.Fatalf("prompt replies to %d, want the card %d", prompt.ReplyTo, card.ID)
	}
	e.saved(1)
	e.tg.SendReply(appealsChat, eve, prompt.ID, "Я тоже хочу ответить")
	e.tg.SendReply(appealsChat, maria, prompt.ID, "Яму заделают до пятницы.")
	e.waitAppealMsg(card.ID, "the answer on the card", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Отвечено") && len(m.Buttons()) == 0
	})
	got, _ := e.tg.Message(appealsChat, card.ID)
	for _, want := range []string{"Мария Иванова", "в срок", "Яму заделают до пятницы."} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("answered card lacks %q:\n%s", want, got.Text)
		}
	}
	cs := e.vk.CreatedComments()
	if len(cs) != 1 || cs[0].ReplyTo != cid || !cs[0].FromGroup || cs[0].Text != "Яму заделают до пятницы." {
		t.Fatalf("on the VK fake: %+v (want one community reply to %d)", cs, cid)
	}
	a, err := e.run.DB.AppealByComment(moderation.MakeID("vk", "admin-vk", "wall:-"+strconv.Itoa(e.vk.GroupID())+":"+strconv.Itoa(cid)))
	if err != nil || a.Open() || a.AnsweredBy != "telegram:77" {
		t.Fatalf("appeal = %+v, %v", a, err)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(e.run.Metrics.AppealFirstAnswer)
	if mfs, err := reg.Gather(); err != nil || mfs[0].GetMetric()[0].GetHistogram().GetSampleCount() != 1 {
		t.Fatalf("strazh_appeal_first_answer_seconds: %v, %v; want one observation", mfs, err)
	}
	e.appealCard("Нет прав") // the stranger was told, and nothing of theirs was posted

	e.tg.SendCommand(chatID, maria, "/stats")
	stats := e.card("Статистика")
	if !strings.Contains(stats.Text, "Обращения за 7 дней: 1, отвечено 1, в срок 100%, ждут 0 (просрочено 0)") {
		t.Fatalf("/stats lacks the appeals line:\n%s", stats.Text)
	}
}

// A post the network refuses is said on the card and in the chat, the
// appeal stays open, and a second answer goes through.
func TestAppealDesk_ReplyFromCard_FailureReportedNotLost(t *testing.T) {
	e := newAppealEnv(t, nil)
	post := e.vk.AddPost("Отопление")
	e.vk.AddComment(post, 501, "В доме холодно [обращение:heating]")
	card := e.appealCard("Обращение")
	e.vk.Fail("wall.createComment", 15, 1) // access denied: permanent for this item
	e.saved(0)
	e.tg.SendReply(appealsChat, maria, card.ID, "Проверим сегодня.")
	e.appealCard("не опубликован")
	e.waitAppealMsg(card.ID, "the failure on the card", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "не опубликован") && len(m.Buttons()) == 2
	})
	if open, _ := e.run.DB.OpenAppeals(""); len(open) != 1 {
		t.Fatalf("open appeals after a failed post = %d, want 1", len(open))
	}
	e.tg.SendReply(appealsChat, oleg, card.ID, "Проверим сегодня, бригада выехала.")
	e.waitAppealMsg(card.ID, "the answer", func(m telegramtest.Message) bool { return strings.Contains(m.Text, "Отвечено") })
	if cs := e.vk.CreatedComments(); len(cs) != 1 || cs[0].Text != "Проверим сегодня, бригада выехала." {
		t.Fatalf("on the VK fake: %+v", cs)
	}
}

// simConn is a network without moderation.Replier.
type simConn struct{ feed chan moderation.Comment }

func (s *simConn) Fetch(ctx context.Context, cur []byte) ([]moderation.Update, []byte, error) {
	select {
	case c := <-s.feed:
		return []moderation.Update{{Type: moderation.UpdateComment, Comment: c}}, append(cur, 1), nil
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
}
func (*simConn) Capabilities() moderation.Capabilities                    { return moderation.Capabilities{Delete: true} }
func (*simConn) Delete(context.Context, string) error                     { return nil }
func (*simConn) Restore(context.Context, string) error                    { return nil }
func (*simConn) Ban(context.Context, string, moderation.BanRequest) error { return nil }
func (*simConn) Unban(context.Context, string) error                      { return nil }
func (*simConn) Connect(context.Context) error                            { return nil }
func (*simConn) Close(context.Context) error                              { return nil }

func TestAppealDesk_Card_NetworkWithoutReplierSaysByHand(t *testing.T) {
	sc := &simConn{feed: make(chan moderation.Comment, 1)}
	e := newAppealEnv(t, func(*vktest.Server) moderation.Connector { return sc })
	sc.feed <- moderation.Comment{Network: "ok", ID: "ok:admin-vk:1", Ref: "1", Text: "Не горят фонари [обращение:lighting]",
		Author: moderation.Author{ID: "9", Name: "Жительница"}, Created: time.Now()}
	card := e.appealCard("Обращение")
	if b := card.Buttons(); !strings.Contains(card.Text, "вручную") || len(b) != 1 || b[0] != "Закрыть" {
		t.Fatalf("card of a network without replies: %q, buttons %q", card.Text, card.Buttons())
	}
}

// A reminder of the deadline is a message replying to the card.
func TestAppealDesk_AppealDue_RemindsInReplyToTheCard(t *testing.T) {
	e := newAppealEnv(t, nil)
	e.vk.AddComment(e.vk.AddPost("Снег"), 501, "Двор не чистят [обращение:snow]")
	card := e.appealCard("Обращение")
	e.saved(0)
	a, err := e.run.DB.Appeal(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.desk.AppealDue(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	r := e.appealCard("⏰")
	if r.ReplyTo != card.ID || !strings.Contains(r.Text, "обращение #1") {
		t.Fatalf("reminder %q replies to %d, want the card %d", r.Text, r.ReplyTo, card.ID)
	}
}

// fakeAppeals is a pipeline stand-in for the desk alone: open appeals by
// id; overtaken ones are answered by the page just before a reply.
type fakeAppeals struct {
	mu        sync.Mutex
	base      moderation.Appeal
	answered  map[uint64]string // id → by
	overtaken map[uint64]bool
	posted    []string
}

func (f *fakeAppeals) get(id uint64) *moderation.Appeal {
	a := f.base
	a.DecisionID = id
	if by, ok := f.answered[id]; ok {
		a.AnsweredAt, a.AnsweredBy = a.OpenedAt.Add(time.Minute), by
	}
	return &a
}

func (f *fakeAppeals) Appeal(id uint64) (*moderation.Appeal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.get(id), nil
}

func (f *fakeAppeals) ReplyAppeal(_ context.Context, id uint64, text, by string) (*moderation.Appeal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.overtaken[id] {
		f.answered[id] = "page" // the page answered on the network meanwhile
	}
	if _, done := f.answered[id]; done {
		return f.get(id), fmt.Errorf("appeal %d: %w", id, moderation.ErrAlreadyDecided)
	}
	f.posted = append(f.posted, text)
	f.answered[id] = by
	return f.get(id), nil
}

func (f *fakeAppeals) CanReply(*moderation.Appeal) bool { return true }

func (f *fakeAppeals) CloseAppeal(id uint64, _, by string) (*moderation.Appeal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, done := f.answered[id]; done {
		return f.get(id), fmt.Errorf("appeal %d: %w", id, moderation.ErrAlreadyDecided)
	}
	f.answered[id] = by
	return f.get(id), nil
}

func startDesk(t *testing.T, fa *fakeAppeals, db *store.DB) *appealEnv {
	t.Helper()
	e := newEnv(t, nil)
	rv, err := review.New(e.cfg, review.Deps{Moderation: e.mod, Store: e.store, Timing: e.tm, Location: time.UTC, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	desk, err := review.NewAppealDesk(appealsChat, fa, db)
	if err != nil {
		t.Fatal(err)
	}
	rv.AttachAppeals(desk)
	e.rv = rv
	e.runRV()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = desk.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return &appealEnv{env: e, desk: desk}
}

// An answer waiting to be posted when strazh stopped is posted at the next
// start; one the page's own answer overtook is not posted, and the
// moderator is told so.
func TestAppealDesk_Run_PendingAnswerAfterRestartAndOvertaken(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	// Closed after the desk and the reviewer stop (cleanups run last first):
	// a deferred Close raced their last reads.
	t.Cleanup(func() { db.Close() })
	now := time.Now()
	fa := &fakeAppeals{base: moderation.Appeal{Network: "vk", Account: "admin-vk", CommentID: "c", Ref: "wall:-1:1",
		Topic: "water", Text: "Нет воды", OpenedAt: now, Deadline: now.Add(24 * time.Hour)},
		answered: map[uint64]string{}, overtaken: map[uint64]bool{2: true}}
	pending := func(id uint64, text string) {
		t.Helper()
		if err := db.PutAppealCard(&cardstore.AppealCard{DecisionID: id, ChatID: appealsChat, Rev: 1,
			Reply: &cardstore.AppealReply{Text: text, By: "telegram:77", Name: "Мария Иванова", At: now}}); err != nil {
			t.Fatal(err)
		}
	}
	pending(1, "Воду дадут к вечеру.") // as a crash left it: written in the chat, not posted
	e := startDesk(t, fa, db)
	card := e.appealCard("Отвечено")
	if !strings.Contains(card.Text, "Воду дадут к вечеру.") {
		t.Fatalf("after the restart: card %q", card.Text)
	}
	pending(2, "Проверим.")
	// Read under fa.mu: the desk's ReplyAppeal writes fa.answered.
	a2, _ := fa.Appeal(2)
	if err := e.desk.AppealOpened(context.Background(), a2); err != nil { // wakes the desk
		t.Fatal(err)
	}
	e.appealCard("уже ответили (страница)")
	fa.mu.Lock()
	defer fa.mu.Unlock()
	if len(fa.posted) != 1 || fa.posted[0] != "Воду дадут к вечеру." {
		t.Fatalf("posted %q, want only the first answer", fa.posted)
	}
}

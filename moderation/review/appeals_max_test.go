package review_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/connectors/vk"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
	"github.com/strazh/strazh/moderation/review"
)

// The appeal desk on the MAX review chat: the VK fake, the VK connector,
// the real pipeline and store, the MAX reviewer on the MAX fake.
func newMAXAppealEnv(t *testing.T) (*maxEnv, *vktest.Server, *pipelinetest.Run) {
	t.Helper()
	f := vktest.New(vktest.Options{})
	t.Cleanup(f.Close)
	f.AddUser(501, "Иван", "Петров")
	t.Setenv("TEST_VK_COMMUNITY", f.CommunityToken())
	t.Setenv("TEST_VK_USER", f.UserToken())
	cfg := vk.DefaultConfig()
	cfg.GroupID, cfg.APIURL = f.GroupID(), f.MethodURL()
	cfg.CommunityTokenEnv, cfg.UserTokenEnv = "TEST_VK_COMMUNITY", "TEST_VK_USER"
	vc, err := vk.New(cfg, connectors.Deps{Account: "admin-vk", HTTPClient: f.Client()})
	if err != nil {
		t.Fatal(err)
	}
	run := pipelinetest.Start(t, t.TempDir(), nil, pipeline.Account{Name: "admin-vk", Network: "vk", Conn: vc})
	e := newMAXEnv(t, nil)
	e.start()
	desk, err := review.NewAppealDesk(0, run.Pipe, run.DB)
	if err != nil {
		t.Fatal(err)
	}
	e.rv.AttachAppeals(desk)
	run.Pipe.SetAppealDesk(desk)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = desk.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	pipelinetest.Eventually(t, "the long poll", func() bool { return len(f.Calls("a_check")) > 0 })
	return e, f, run
}

// appeal → card in MAX (which says to reply to it: MAX has no forced
// reply) → a moderator replies to the card → the answer is a community
// comment on the VK fake → the appeal is closed and the card says so.
func TestMAXAppealDesk_ReplyToCard_PostsOnVKAndCloses(t *testing.T) {
	e, f, run := newMAXAppealEnv(t)
	post := f.AddPost("Освещение")
	cid := f.AddComment(post, 501, "Не горят фонари во дворе на Лесной [обращение:lighting]")
	card := e.card("Обращение")
	if !strings.Contains(card.Body.Text, "ответьте на это сообщение") || buttons(card) != "Ответить|Закрыть" {
		t.Fatalf("card %q buttons %q: want the reply instruction and «Ответить»", card.Body.Text, buttons(card))
	}
	pipelinetest.Eventually(t, "the card saved", func() bool {
		c, err := run.DB.AppealCard(1)
		return err == nil && c.Msg == card.Body.Mid
	})
	// A tap says where to reply (no forced reply in MAX).
	if a := e.press(card, "Ответить", mMaria); !strings.Contains(a.Notification, "Ответьте на карточку") {
		t.Errorf("tap answered %+v", a)
	}
	e.mx.SayReply(maxChat, mEve, card.Body.Mid, "Я тоже хочу ответить")
	e.mx.SayReply(maxChat, mMaria, card.Body.Mid, "Фонари починят завтра.")
	e.waitMsg(card.Body.Mid, "the answer on the card", func(m maxapi.Message) bool {
		return strings.Contains(m.Body.Text, "Отвечено") && buttons(m) == ""
	})
	got, _ := e.mx.Message(card.Body.Mid)
	for _, want := range []string{"Мария Иванова", "в срок", "Фонари починят завтра."} {
		if !strings.Contains(got.Body.Text, want) {
			t.Errorf("answered card lacks %q:\n%s", want, got.Body.Text)
		}
	}
	cs := f.CreatedComments()
	if len(cs) != 1 || cs[0].ReplyTo != cid || !cs[0].FromGroup || cs[0].Text != "Фонари починят завтра." {
		t.Fatalf("on the VK fake: %+v (want one community reply to %d)", cs, cid)
	}
	a, err := run.DB.AppealByComment(moderation.MakeID("vk", "admin-vk", "wall:-"+strconv.Itoa(f.GroupID())+":"+strconv.Itoa(cid)))
	if err != nil || a.Open() || a.AnsweredBy != "max:501" || a.AnsweredAt.IsZero() || a.AnsweredAt.After(time.Now()) {
		t.Fatalf("appeal = %+v, %v", a, err)
	}
	e.card("Нет прав") // the stranger was told, and nothing of theirs was posted
}

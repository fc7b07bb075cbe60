package review_test

import (
	"context"
	"strings"
	"sync/atomic"
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
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// lateReviewer hands the pipeline's calls to a reviewer made after the
// pipeline (the reviewer needs the pipeline to decide).
type lateReviewer struct {
	rv atomic.Pointer[review.Telegram]
}

func (l *lateReviewer) Submit(ctx context.Context, d *moderation.Decision) error {
	return l.rv.Load().Submit(ctx, d)
}

func (l *lateReviewer) Notify(ctx context.Context, d *moderation.Decision) error {
	return l.rv.Load().Notify(ctx, d)
}

func (l *lateReviewer) Gone(ctx context.Context, d *moderation.Decision) error {
	return l.rv.Load().Gone(ctx, d)
}

// The whole chain — VK fake, connector, pipeline, store, reviewer on the
// Telegram fake: a comment edited while its old text awaits review. The
// old card says «Изменён автором» and loses its buttons; the new text,
// still doubtful, gets a card of its own, and «Удалить» there deletes it.
func TestTelegram_Pipeline_EditedCommentClosesItsCard(t *testing.T) {
	f := vktest.New(vktest.Options{})
	t.Cleanup(f.Close)
	f.AddUser(501, "Иван", "Петров")
	t.Setenv("TEST_VK_COMMUNITY", f.CommunityToken())
	t.Setenv("TEST_VK_USER", f.UserToken())
	cfg := vk.DefaultConfig()
	cfg.GroupID, cfg.APIURL = f.GroupID(), f.MethodURL()
	cfg.CommunityTokenEnv, cfg.UserTokenEnv = "TEST_VK_COMMUNITY", "TEST_VK_USER"
	conn, err := vk.New(cfg, connectors.Deps{Account: "admin-vk", HTTPClient: f.Client()})
	if err != nil {
		t.Fatal(err)
	}
	late := &lateReviewer{}
	run := pipelinetest.Start(t, t.TempDir(), func(o *pipeline.Options) { o.Reviewer = late },
		pipeline.Account{Name: "admin-vk", Network: "vk", Conn: conn, Backfill: true})
	e := newEnv(t, nil)
	e.reg = prometheus.NewRegistry()
	rv, err := review.New(e.cfg, review.Deps{Moderation: run.Pipe, Store: run.DB, Timing: e.tm, Location: time.UTC,
		Logger: testLogger(t), Metrics: e.reg})
	if err != nil {
		t.Fatal(err)
	}
	late.rv.Store(rv)
	e.rv = rv
	e.runRV()
	pipelinetest.Eventually(t, "the long poll", func() bool { return len(f.Calls("a_check")) > 0 })

	post := f.AddPost("Ремонт дороги")
	id := f.AddComment(post, 501, "первая редакция "+pipelinetest.ReviewMark)
	old := e.card("первая редакция")
	if len(old.Buttons()) == 0 {
		t.Fatalf("pending card without buttons: %q", old.Text)
	}
	if err := f.EditComment(id, "вторая редакция "+pipelinetest.ReviewMark); err != nil {
		t.Fatal(err)
	}
	e.waitMsg(old.ID, "old card closed as edited", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Изменён автором") && strings.Contains(m.Text, "первая редакция") && len(m.Buttons()) == 0
	})
	cur := e.card("вторая редакция")
	if cur.ID == old.ID {
		t.Fatal("the new text was put on the old card")
	}
	a := e.press(cur, "Удалить", maria)
	if !strings.Contains(a.Text, "Готово") {
		t.Errorf("answer on the new card = %q", a.Text)
	}
	pipelinetest.Eventually(t, "the new text deleted", func() bool { return f.Deleted(vktest.KindWall, id) })
}

package vk

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

func openAppealsOf(t *testing.T, r *pipeRun) []*moderation.Appeal {
	t.Helper()
	as, err := r.DB.OpenAppeals("")
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// A wall appeal answered from strazh: the answer is a community comment in
// the appeal's thread on the fake, the appeal is closed by whoever sent it,
// and the answer coming back on the long poll changes nothing.
func TestConnector_Reply_WallAppealAnsweredAsThePage(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	r := startPipeline(t, t.TempDir(), c, nil)
	eventually(t, "the long poll", func() bool { return len(f.Calls("a_check")) > 0 })
	post := f.AddPost("Ремонт дорог в 2026 году")
	cid := f.AddComment(post, 501, "Когда починят яму на Ленина? [обращение:roads]")
	eventually(t, "the appeal opened", func() bool { return len(openAppealsOf(t, r)) == 1 })
	ap := openAppealsOf(t, r)[0]
	if ap.Topic != "roads" || ap.Ref != "wall:-"+strconv.Itoa(f.GroupID())+":"+strconv.Itoa(cid) {
		t.Fatalf("appeal = %+v", ap)
	}
	got, err := r.Pipe.ReplyAppeal(context.Background(), ap.DecisionID, "Яму заделают до пятницы.", "telegram:77")
	if err != nil {
		t.Fatal(err)
	}
	cs := f.CreatedComments()
	if len(cs) != 1 || cs[0].PostID != post || cs[0].ReplyTo != cid || !cs[0].FromGroup || cs[0].Text != "Яму заделают до пятницы." {
		t.Fatalf("created on the fake: %+v", cs)
	}
	if got.AnsweredBy != "telegram:77" || got.ReplyRef != "wall:-"+strconv.Itoa(f.GroupID())+":"+strconv.Itoa(cs[0].ID) {
		t.Fatalf("appeal after the reply = %+v", got)
	}
	eventually(t, "the page's answer delivered back", func() bool { return r.decided(t, "Яму заделают до пятницы.") })
	if a, _ := r.DB.Appeal(ap.DecisionID); a.AnsweredBy != "telegram:77" {
		t.Fatalf("the echoed answer changed the appeal: %+v", a)
	}
}

// The page answering in VK itself (a reply in the thread, a message in
// the dialog) closes the appeal: the connector says what a comment replies
// to (Comment.ReplyTo) and delivers the community's own messages.
func TestConnector_Fetch_PageAnswerInVKClosesAppeal(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	r := startPipeline(t, t.TempDir(), c, nil)
	eventually(t, "the long poll", func() bool { return len(f.Calls("a_check")) > 0 })
	post := f.AddPost("Вывоз мусора")
	cid := f.AddComment(post, 501, "Мусор не вывозят неделю [обращение:rubbish]")
	f.SendMessage(502, "Во дворе не горят фонари [обращение:lighting]")
	eventually(t, "two appeals", func() bool { return len(openAppealsOf(t, r)) == 2 })
	f.AddReply(post, -f.GroupID(), cid, "Вывезем сегодня.")
	eventually(t, "the wall appeal answered", func() bool { return len(openAppealsOf(t, r)) == 1 })
	// The page's message in the dialog, as the community sends it from VK.
	ctx := context.Background()
	if _, err := c.Reply(ctx, openAppealsOf(t, r)[0].Ref, "Фонари починят завтра."); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the dialog appeal answered", func() bool { return len(openAppealsOf(t, r)) == 0 })
	ms := f.SentMessages()
	if len(ms) != 1 || ms[0].PeerID != 502 || ms[0].RandomID == 0 {
		t.Fatalf("sent on the fake: %+v", ms)
	}
	a, err := r.DB.AppealByComment(moderation.MakeID(Network, c.account, "wall:-"+strconv.Itoa(f.GroupID())+":"+strconv.Itoa(cid)))
	if err != nil || a.AnsweredBy != "page" {
		t.Fatalf("wall appeal = %+v, %v", a, err)
	}
}

func TestConnector_Reply_Refs(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	ctx := context.Background()
	tests := []struct {
		name, ref string
		wantErr   error
	}{
		{"photo comments are answered by hand", "photo:-1:5", moderation.ErrUnsupported},
		{"a bad ref", "wall:x", moderation.ErrItem},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Reply(ctx, tt.ref, "Ответ"); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Reply(%q) = %v, want %v", tt.ref, err, tt.wantErr)
			}
		})
	}
	// The same answer sent twice (a retry after a lost response) is one message.
	id := f.SendMessage(501, "Вопрос")
	ref := "msg:501:1:" + strconv.Itoa(id)
	for range 2 {
		if _, err := c.Reply(ctx, ref, "Ответ"); err != nil {
			t.Fatal(err)
		}
	}
	if ms := f.SentMessages(); len(ms) != 1 {
		t.Fatalf("a retried reply was sent %d times", len(ms))
	}
}

// What the card may offer «Ответить» for: wall comments and messages; a
// deleted comment has nothing to reply to.
func TestPipeline_CanReply_ByKindAndDeletion(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	r := startPipeline(t, t.TempDir(), c, nil)
	tests := []struct {
		name string
		ap   moderation.Appeal
		want bool
	}{
		{"wall comment", moderation.Appeal{Account: c.account, Ref: "wall:-1:5"}, true},
		{"private message", moderation.Appeal{Account: c.account, Ref: "msg:501:1:7"}, true},
		{"board post: by hand", moderation.Appeal{Account: c.account, Ref: "board:3:5"}, false},
		{"photo comment: by hand", moderation.Appeal{Account: c.account, Ref: "photo:-1:5"}, false},
		{"deleted comment", moderation.Appeal{Account: c.account, Ref: "wall:-1:5", Deleted: true}, false},
		{"unknown account", moderation.Appeal{Account: "other", Ref: "wall:-1:5"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Pipe.CanReply(&tt.ap); got != tt.want {
				t.Fatalf("CanReply = %v, want %v", got, tt.want)
			}
		})
	}
}

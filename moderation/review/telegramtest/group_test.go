package telegramtest_test

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// TestServer_Group checks the discussion group's shapes as the Bot API
// sends them (§5.5): the forward, a thread of replies, sender_chat, an
// edit, and the group methods' state.
func TestServer_Group(t *testing.T) {
	s := telegramtest.New("")
	defer s.Close()
	const group, channel = int64(-1001), int64(-1002)
	s.AddGroup(group, telegramtest.Chat{ID: channel, Title: "Канал"}, 42)
	post := s.Post(group, "пост")
	top := s.Comment(group, telegramtest.User{ID: 7, FirstName: "A"}, post, "комментарий")
	reply := s.CommentAs(group, telegramtest.Chat{ID: -1009, Title: "Другой"}, top, "ответ")
	s.Edit(group, top, "исправлено")

	r := getUpdates(t, s, url.Values{})
	if !r.OK || len(r.Result) != 4 {
		t.Fatalf("updates %+v", r)
	}
	fw, c, rp, ed := r.Result[0].Message, r.Result[1].Message, r.Result[2].Message, r.Result[3].EditedMessage
	if !fw.IsAutomaticForward || fw.SenderChat == nil || fw.SenderChat.ID != channel || fw.ID != int(post) {
		t.Errorf("forward %+v", fw)
	}
	if c.ReplyToMessage == nil || !c.ReplyToMessage.IsAutomaticForward || c.MessageThreadID != int(post) || c.From.ID != 7 {
		t.Errorf("comment %+v", c)
	}
	if rp.ID != int(reply) || rp.SenderChat == nil || rp.SenderChat.ID != -1009 || rp.MessageThreadID != int(post) ||
		rp.ReplyToMessage == nil || rp.ReplyToMessage.ID != int(top) || rp.ReplyToMessage.ReplyToMessage != nil {
		t.Errorf("reply %+v", rp)
	}
	if ed == nil || ed.ID != int(top) || ed.Text != "исправлено" || ed.EditDate == 0 {
		t.Errorf("edit %+v", ed)
	}

	call := func(method string, form url.Values) updatesResp {
		resp, err := s.Client().PostForm(s.URL()+"/bot"+s.Token()+"/"+method, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return updatesResp{OK: resp.StatusCode == 200, Code: resp.StatusCode}
	}
	g := strconv.FormatInt(group, 10)
	if !call("banChatMember", url.Values{"chat_id": {g}, "user_id": {"7"}, "until_date": {"2000000000"}}).OK ||
		!call("banChatSenderChat", url.Values{"chat_id": {g}, "sender_chat_id": {"-1009"}}).OK {
		t.Fatal("ban calls refused")
	}
	if r := call("restrictChatMember", url.Values{"chat_id": {g}, "user_id": {"8"}}); r.Code != 400 {
		t.Errorf("restrict without permissions: %d", r.Code)
	}
	bans := s.Bans(group)
	if bans[7].Method != "banChatMember" || bans[7].Until.Unix() != 2000000000 || bans[-1009].Method != "banChatSenderChat" {
		t.Errorf("bans %+v", bans)
	}
	if !call("deleteMessage", url.Values{"chat_id": {g}, "message_id": {strconv.FormatInt(top, 10)}}).OK {
		t.Fatal("delete refused")
	}
	if r := call("deleteMessage", url.Values{"chat_id": {g}, "message_id": {strconv.FormatInt(top, 10)}}); r.Code != 400 {
		t.Errorf("second delete: %d, want 400 message to delete not found", r.Code)
	}
}

package telegramtest_test

import (
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"testing"

	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// TestServer_Channel checks the channel's shapes: channel_post only to an
// admin bot and only when asked for, the forward's forward_origin (the
// post's id and date; the forward dated a second later), an album's items
// sharing media_group_id and date, edited_channel_post.
func TestServer_Channel(t *testing.T) {
	s := telegramtest.New("")
	defer s.Close()
	const group, channel = int64(-1001), int64(-1002)
	s.AddGroup(group, telegramtest.Chat{ID: channel, Title: "Канал", Username: "kanal"})

	// Not the channel's admin: the forward alone.
	id, fwd := s.PublishPost(group, "первый")
	r := getUpdates(t, s, url.Values{})
	if len(r.Result) != 1 || r.Result[0].Message == nil {
		t.Fatalf("a non-admin bot: %+v", r.Result)
	}
	m := r.Result[0].Message
	o := m.ForwardOrigin
	if !m.IsAutomaticForward || m.ID != int(fwd) || o == nil || o.MessageOriginChannel == nil ||
		o.MessageOriginChannel.MessageID != int(id) || o.MessageOriginChannel.Chat.ID != channel ||
		m.Date != o.MessageOriginChannel.Date+1 {
		t.Errorf("forward %+v origin %+v", m, o)
	}
	next := strconv.FormatInt(r.Result[0].ID+1, 10)

	s.SetChannelAdmin(group, true)
	s.PublishAlbum(group, 2, "альбом")
	s.EditPost(group, id, "первый (исправлен)")
	r = getUpdates(t, s, url.Values{"offset": {next}, "allowed_updates": {`["message","channel_post","edited_channel_post"]`}})
	// The album: a channel_post and a forward per item; then the edit.
	if len(r.Result) != 5 {
		t.Fatalf("updates %+v", r.Result)
	}
	a, b := r.Result[0].ChannelPost, r.Result[2].ChannelPost
	if a == nil || b == nil || a.MediaGroupID == "" || a.MediaGroupID != b.MediaGroupID || a.Date != b.Date ||
		a.Chat.ID != channel || a.Caption != "альбом" || len(a.Photo) == 0 {
		t.Errorf("album items %+v %+v", a, b)
	}
	if e := r.Result[4].EditedChannelPost; e == nil || e.ID != int(id) || e.Text != "первый (исправлен)" || e.EditDate == 0 {
		t.Errorf("edit %+v", r.Result[4])
	}

	// A poller not asking for channel posts never gets them.
	next = strconv.FormatInt(r.Result[4].ID+1, 10)
	s.PublishPost(group, "второй")
	r = getUpdates(t, s, url.Values{"offset": {next}, "allowed_updates": {`["message","edited_message"]`}})
	if len(r.Result) != 1 || r.Result[0].Message == nil {
		t.Errorf("without channel_post asked for: %+v", r.Result)
	}

	// getChat and getChatMemberCount; an unknown chat is 400 chat not found.
	s.SetChannelInfo(group, telegramtest.ChannelInfo{Description: "о канале", Members: 77})
	call := func(method string, chat int64) (int, map[string]json.RawMessage) {
		resp, err := s.Client().PostForm(s.URL()+"/bot"+s.Token()+"/"+method, url.Values{"chat_id": {strconv.FormatInt(chat, 10)}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var out map[string]json.RawMessage
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		return resp.StatusCode, out
	}
	code, out := call("getChat", channel)
	var ch struct {
		Type, Title, Username, Description string
		Linked                             int64 `json:"linked_chat_id"`
	}
	if json.Unmarshal(out["result"], &ch) != nil || code != 200 || ch.Type != "channel" || ch.Title != "Канал" ||
		ch.Username != "kanal" || ch.Description != "о канале" || ch.Linked != group {
		t.Errorf("getChat %d %s", code, out["result"])
	}
	if code, out := call("getChatMemberCount", channel); code != 200 || string(out["result"]) != "77" {
		t.Errorf("getChatMemberCount %d %s", code, out["result"])
	}
	if code, out := call("getChat", -1009); code != 400 || string(out["description"]) != `"Bad Request: chat not found"` {
		t.Errorf("unknown chat %d %s", code, out["description"])
	}
}

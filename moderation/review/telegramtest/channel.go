package telegramtest

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The channel's side of a discussion group (docs/platform-apis.md §5.5),
// added for connectors/telegram's page reader: the channel's own posts as
// channel_post updates (only to a bot that is an admin of the channel),
// their automatic forwards into the group with forward_origin, edits as
// edited_channel_post, getChat and getChatMemberCount.

// ChannelInfo is what getChat and getChatMemberCount report of a channel
// beside its Chat (title, username).
type ChannelInfo struct {
	Description string
	Members     int
}

// channelState is a channel's side of its group.
type channelState struct {
	admin bool // the bot is an admin of the channel: it gets channel_post
	// noForward: posts are not forwarded into the group (a test knob, for
	// the channel_post path alone).
	noForward bool
	info      ChannelInfo
	posts     map[int64]*channelPost // channel message id → post
}

type channelPost struct {
	date    time.Time
	text    string
	album   string
	forward int64 // the forward's message id in the group
}

// SetChannelAdmin makes the bot an admin of the group's channel (true) or
// not (default): only an admin bot receives channel_post updates.
func (s *Server) SetChannelAdmin(chatID int64, admin bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channelOf(chatID).admin = admin
}

// SetForwardPosts turns the automatic forwards of the channel's posts
// into the group off (false) or on (default). Telegram forwards every post
// of a channel with a linked group; this knob lets a test see the
// channel_post path alone.
func (s *Server) SetForwardPosts(chatID int64, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channelOf(chatID).noForward = !on
}

// SetChannelInfo sets the group's channel's description and subscribers.
func (s *Server) SetChannelInfo(chatID int64, info ChannelInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channelOf(chatID).info = info
}

// channelOf is the state of a group's channel; call with mu held.
func (s *Server) channelOf(chatID int64) *channelState {
	g := s.groups[chatID]
	if g.ch == nil {
		g.ch = &channelState{posts: make(map[int64]*channelPost)}
	}
	return g.ch
}

// PublishPost publishes text in the group's channel: a channel_post update
// (to an admin bot) and its automatic forward into the group. It returns
// the post's id in the channel and the forward's id in the group (the
// root of the post's comment thread).
func (s *Server) PublishPost(chatID int64, text string) (postID, forwardID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := s.publish(chatID, []string{text}, "")
	return ids[0][0], ids[0][1]
}

// PublishAlbum publishes an album of n photos with a caption on the first:
// n channel messages of one media_group_id and one date, each forwarded.
// It returns the channel message ids.
func (s *Server) PublishAlbum(chatID int64, n int, caption string) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	texts := make([]string, n)
	texts[0] = caption
	s.nextAlbum++
	var out []int64
	for _, p := range s.publish(chatID, texts, "album"+strconv.Itoa(s.nextAlbum)) {
		out = append(out, p[0])
	}
	return out
}

// EditPost edits a channel post: an edited_channel_post update (to an
// admin bot). The forward in the group is left as it was (whether
// Telegram edits it too is not known here).
func (s *Server) EditPost(chatID, postID int64, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.channelOf(chatID)
	p := st.posts[postID]
	if p == nil {
		return
	}
	p.text = text
	if st.admin {
		body := s.channelPostJSON(chatID, postID, p)
		body["edit_date"] = time.Now().Unix()
		s.pushUpdate(map[string]any{"edited_channel_post": body})
	}
}

// publish posts the messages (one post, or an album's items) and returns
// [channel id, forward id] of each; call with mu held.
func (s *Server) publish(chatID int64, texts []string, album string) [][2]int64 {
	g := s.groups[chatID]
	st := s.channelOf(chatID)
	date := time.Now()
	var out [][2]int64
	for _, text := range texts {
		s.nextMsg[g.channel.ID]++
		id := s.nextMsg[g.channel.ID]
		p := &channelPost{date: date, text: text, album: album}
		st.posts[id] = p
		if st.admin {
			s.pushUpdate(map[string]any{"channel_post": s.channelPostJSON(chatID, id, p)})
		}
		if st.noForward {
			out = append(out, [2]int64{id, 0})
			continue
		}
		ch := g.channel
		p.forward = s.groupMessage(chatID, &User{ID: TelegramUserID, FirstName: "Telegram"},
			&groupMsg{sender: &ch, forward: true, origin: id, originDate: date, album: album}, 0, text)
		out = append(out, [2]int64{id, p.forward})
	}
	return out
}

// channelPostJSON renders a post as channel_post has it: the channel as
// chat and sender_chat, no from; call with mu held.
func (s *Server) channelPostJSON(chatID, id int64, p *channelPost) map[string]any {
	ch := s.groups[chatID].channel
	out := map[string]any{
		"message_id":  id,
		"date":        p.date.Unix(),
		"chat":        channelJSON(ch),
		"sender_chat": channelJSON(ch),
	}
	if p.album != "" {
		out["media_group_id"] = p.album
		out["photo"] = []any{map[string]any{"file_id": "ph" + strconv.FormatInt(id, 10), "file_unique_id": "u", "width": 90, "height": 90}}
		if p.text != "" {
			out["caption"] = p.text
		}
	} else {
		out["text"] = p.text
	}
	return out
}

func channelJSON(ch Chat) map[string]any {
	out := map[string]any{"id": ch.ID, "type": "channel", "title": ch.Title}
	if ch.Username != "" {
		out["username"] = ch.Username
	}
	return out
}

// forwardOrigin adds what an automatic forward says of its channel post;
// call with mu held. The forward's own date is set a second after the
// post's: whether Telegram dates the forward exactly as the post is not
// known here, so a reader must date the post by forward_origin.date.
func forwardOrigin(out map[string]any, ch Chat, meta *groupMsg) {
	if meta.origin == 0 {
		return
	}
	out["forward_origin"] = map[string]any{"type": "channel", "chat": channelJSON(ch),
		"message_id": meta.origin, "date": meta.originDate.Unix()}
	out["date"] = meta.originDate.Add(time.Second).Unix()
	if meta.album != "" {
		// The group's copy of an album has its own media_group_id.
		out["media_group_id"] = "fwd-" + meta.album
	}
}

// channelCall answers getChat and getChatMemberCount for a group's channel
// or the group itself; ok is false for anything else. Call with mu held.
func (s *Server) channelCall(method string, p map[string]string) (result any, aerr *apiError, ok bool) {
	if method != "getChat" && method != "getChatMemberCount" {
		return nil, nil, false
	}
	chatID, e := int64Param(p, "chat_id")
	if e != nil {
		return nil, e, true
	}
	for gid, g := range s.groups {
		switch chatID {
		case g.channel.ID:
			st := s.channelOf(gid)
			if method == "getChatMemberCount" {
				return st.info.Members, nil, true
			}
			out := channelJSON(g.channel)
			out["linked_chat_id"] = gid
			if st.info.Description != "" {
				out["description"] = st.info.Description
			}
			out["accent_color_id"] = 0
			out["max_reaction_count"] = 11
			return out, nil, true
		case gid:
			if method == "getChatMemberCount" {
				return len(g.admins) + 1, nil, true
			}
			return map[string]any{"id": gid, "type": "supergroup", "title": "Обсуждение",
				"linked_chat_id": g.channel.ID, "accent_color_id": 0, "max_reaction_count": 11}, nil, true
		}
	}
	return nil, badRequest("chat not found"), true
}

// channelKinds are the update types the fake filters by allowed_updates.
// Only these: the fake's other updates are delivered whatever a poller
// asks for, as before (the review bot's tests rely on it).
var channelKinds = []string{"channel_post", "edited_channel_post"}

// dropUnwanted removes the queued channel updates a poller's
// allowed_updates (JSON) does not list: Telegram never delivers a type
// not asked for ("" or "[]": every type). Call with mu held.
func (s *Server) dropUnwanted(list string) {
	var types []string
	if strings.TrimSpace(list) == "" || json.Unmarshal([]byte(list), &types) != nil || len(types) == 0 {
		return
	}
	s.updates = slices.DeleteFunc(s.updates, func(u update) bool {
		for _, k := range channelKinds {
			if _, ok := u.body[k]; ok && !slices.Contains(types, k) {
				return true
			}
		}
		return false
	})
}

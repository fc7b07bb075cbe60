package telegramtest

import (
	"strconv"
	"time"
)

// A discussion group: the supergroup linked to a channel, where each
// channel post arrives as an automatic forward and the comments are the
// messages in its thread (docs/platform-apis.md §5.5). Added for
// connectors/telegram; the review bot's behaviour is unchanged.

// TelegramUserID is the service user automatic forwards come from.
const TelegramUserID = 777000

// Chat is a chat posting in a group on its own behalf (sender_chat).
type Chat struct {
	ID       int64
	Title    string
	Username string
}

// Ban is a ban or restriction the bot placed in a group.
type Ban struct {
	Method     string // banChatMember, restrictChatMember or banChatSenderChat
	Until      time.Time
	Permission string // restrictChatMember's permissions JSON
}

type group struct {
	channel Chat
	admins  []int64
	bans    map[int64]Ban // user or sender chat id
	meta    map[int64]*groupMsg
	// botRights: the bot's rights (member.go); nil: an admin with both.
	botRights *BotRights
	ch        *channelState // the channel's side (channel.go); nil until used
}

type groupMsg struct {
	sender  *Chat
	forward bool
	thread  int64
	// An automatic forward's channel post (channel.go): its id in the
	// channel, its date and album.
	origin     int64
	originDate time.Time
	album      string
}

// AddGroup makes chatID a discussion supergroup linked to channel, with
// the given administrators.
func (s *Server) AddGroup(chatID int64, channel Chat, admins ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups == nil {
		s.groups = make(map[int64]*group)
	}
	s.groups[chatID] = &group{channel: channel, admins: admins, bans: make(map[int64]Ban), meta: make(map[int64]*groupMsg)}
}

// Post publishes a channel post: it arrives in the group as an automatic
// forward (from the channel, is_automatic_forward), and as channel_post to
// a bot that is an admin of the channel (channel.go). It returns the
// forward's message id, the root of the post's comment thread.
func (s *Server) Post(chatID int64, text string) int64 {
	_, fwd := s.PublishPost(chatID, text)
	return fwd
}

// Comment posts text in the group as user, replying to replyTo (the
// forward or another comment; 0: not a reply).
func (s *Server) Comment(chatID int64, user User, replyTo int64, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := user
	return s.groupMessage(chatID, &u, &groupMsg{}, replyTo, text)
}

// CommentAs posts text on behalf of a chat (another channel, the channel
// itself, or the group for an anonymous admin): sender_chat is set.
func (s *Server) CommentAs(chatID int64, as Chat, replyTo int64, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := as
	return s.groupMessage(chatID, &User{ID: 136817688, FirstName: "Channel", Username: "Channel_Bot"}, &groupMsg{sender: &c}, replyTo, text)
}

// Edit changes a group message's text: an edited_message update.
func (s *Server) Edit(chatID, messageID int64, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.find(chatID, messageID)
	if m == nil {
		return
	}
	m.Text = text
	m.Edits++
	body := s.groupJSON(m, true)
	body["edit_date"] = time.Now().Unix()
	s.pushUpdate(map[string]any{"edited_message": body})
}

// Bans returns the bans and restrictions placed in a group, by user or
// sender chat id.
func (s *Server) Bans(chatID int64) map[int64]Ban {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int64]Ban)
	if g := s.groups[chatID]; g != nil {
		for k, v := range g.bans {
			out[k] = v
		}
	}
	return out
}

// groupMessage stores a message and pushes its update; call with mu held.
func (s *Server) groupMessage(chatID int64, from *User, meta *groupMsg, replyTo int64, text string) int64 {
	g := s.groups[chatID]
	s.nextMsg[chatID]++
	m := &Message{ID: s.nextMsg[chatID], ChatID: chatID, From: from, Text: text, ReplyTo: replyTo, Date: time.Now()}
	if replyTo != 0 {
		if p := g.meta[replyTo]; p != nil {
			meta.thread = p.thread
			if p.forward {
				meta.thread = replyTo
			}
		}
	}
	s.msgs[chatID] = append(s.msgs[chatID], m)
	g.meta[m.ID] = meta
	s.pushUpdate(map[string]any{"message": s.groupJSON(m, true)})
	return m.ID
}

// groupJSON renders a group message as the Bot API does: the parent in
// reply_to_message (one level), the thread, sender_chat, the forward flag.
func (s *Server) groupJSON(m *Message, withParent bool) map[string]any {
	g := s.groups[m.ChatID]
	meta := g.meta[m.ID]
	out := map[string]any{
		"message_id": m.ID,
		"date":       m.Date.Unix(),
		"chat":       map[string]any{"id": m.ChatID, "type": "supergroup", "title": "Обсуждение"},
		"text":       m.Text,
		"from":       userJSON(*m.From),
	}
	if meta == nil {
		return out
	}
	if meta.sender != nil {
		sc := map[string]any{"id": meta.sender.ID, "type": "channel", "title": meta.sender.Title}
		if meta.sender.ID == m.ChatID {
			sc["type"] = "supergroup"
		}
		if meta.sender.Username != "" {
			sc["username"] = meta.sender.Username
		}
		out["sender_chat"] = sc
	}
	if meta.forward {
		out["is_automatic_forward"] = true
		forwardOrigin(out, g.channel, meta)
	}
	if meta.thread != 0 {
		out["message_thread_id"] = meta.thread
	}
	if withParent && m.ReplyTo != 0 {
		if p := s.find(m.ChatID, m.ReplyTo); p != nil {
			out["reply_to_message"] = s.groupJSON(p, false)
		}
	}
	return out
}

// groupCall answers the group methods for a known group; ok is false for
// anything else, which call handles as before. Call with mu held.
func (s *Server) groupCall(method string, p map[string]string) (result any, aerr *apiError, ok bool) {
	chatID, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		return nil, nil, false
	}
	g := s.groups[chatID]
	if g == nil {
		// The channel: its creator only.
		for _, gg := range s.groups {
			if gg.channel.ID == chatID && method == "getChatAdministrators" {
				return []any{map[string]any{"status": "creator", "user": userJSON(User{ID: 1, FirstName: "Owner"})}}, nil, true
			}
		}
		return nil, nil, false
	}
	switch method {
	case "getChatMember":
		res, e := s.chatMember(g, p) // member.go
		return res, e, true
	case "getChatAdministrators":
		out := []any{}
		for _, id := range g.admins {
			out = append(out, map[string]any{"status": "administrator", "user": userJSON(User{ID: id, FirstName: "Admin"})})
		}
		return out, nil, true
	case "banChatMember", "restrictChatMember":
		uid, e := int64Param(p, "user_id")
		if e != nil {
			return nil, e, true
		}
		b := Ban{Method: method, Permission: p["permissions"]}
		if method == "restrictChatMember" && p["permissions"] == "" {
			return nil, badRequest("permissions are required"), true
		}
		if u, _ := strconv.ParseInt(p["until_date"], 10, 64); u > 0 {
			b.Until = time.Unix(u, 0)
		}
		g.bans[uid] = b
		return true, nil, true
	case "banChatSenderChat":
		sid, e := int64Param(p, "sender_chat_id")
		if e != nil {
			return nil, e, true
		}
		g.bans[sid] = Ban{Method: method}
		return true, nil, true
	case "unbanChatMember", "unbanChatSenderChat":
		key := "user_id"
		if method == "unbanChatSenderChat" {
			key = "sender_chat_id"
		}
		id, e := int64Param(p, key)
		if e != nil {
			return nil, e, true
		}
		delete(g.bans, id)
		return true, nil, true
	}
	return nil, nil, false
}

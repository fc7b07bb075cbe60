package maxtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/strazh/strazh/connectors/max/maxapi"
)

// The moderators' chat side, for a review bot: the bot sends and edits
// messages with inline keyboards, a user presses a button by its label,
// the bot answers the callback.

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	chat, err := strconv.ParseInt(r.URL.Query().Get("chat_id"), 10, 64)
	var body maxapi.NewMessage
	if err != nil || json.NewDecoder(r.Body).Decode(&body) != nil {
		writeErr(w, 400, "proto.payload", "chat_id and a JSON body required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mid, seq := s.nextMid()
	m := &maxapi.Message{Sender: &maxapi.User{UserID: BotID, Name: "strazh", IsBot: true},
		Recipient: maxapi.Recipient{ChatID: chat, ChatType: "chat"}, Timestamp: s.now(),
		Body: maxapi.Body{Mid: mid, Seq: seq, Text: body.Text, Attachments: body.Attachments}}
	if body.Link != nil && body.Link.Type == "reply" {
		m.Link = &maxapi.LinkedMessage{Type: "reply", ChatID: chat, Message: &maxapi.Body{Mid: body.Link.Mid}}
	}
	s.chats[chat] = append(s.chats[chat], m)
	s.sentByID[mid] = m
	s.formats[mid] = body.Format
	writeJSON(w, map[string]any{"message": m})
}

func (s *Server) editMessage(w http.ResponseWriter, r *http.Request) {
	var body maxapi.NewMessage
	if json.NewDecoder(r.Body).Decode(&body) != nil {
		writeErr(w, 400, "proto.payload", "a JSON body required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.sentByID[r.URL.Query().Get("message_id")]
	if m == nil {
		writeErr(w, 404, "not.found", "Message not found")
		return
	}
	m.Body.Text, m.Body.Attachments = body.Text, body.Attachments
	s.edits[m.Body.Mid]++
	s.formats[m.Body.Mid] = body.Format
	writeJSON(w, map[string]any{"success": true})
}

func (s *Server) deleteMessage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mid := r.URL.Query().Get("message_id")
	m := s.sentByID[mid]
	if m == nil {
		writeErr(w, 404, "not.found", "Message not found")
		return
	}
	delete(s.sentByID, mid)
	ms := s.chats[m.Recipient.ChatID]
	for i := range ms {
		if ms[i] == m {
			s.chats[m.Recipient.ChatID] = append(ms[:i:i], ms[i+1:]...)
			break
		}
	}
	writeJSON(w, map[string]any{"success": true})
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request) {
	var a maxapi.Answer
	id := r.URL.Query().Get("callback_id")
	if id == "" || json.NewDecoder(r.Body).Decode(&a) != nil {
		writeErr(w, 400, "proto.payload", "callback_id and a JSON body required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = append(s.answers, Answered{CallbackID: id, Answer: a})
	writeJSON(w, map[string]any{"success": true})
}

// Messages returns copies of what the bot has in a chat, oldest first.
func (s *Server) Messages(chat int64) []maxapi.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]maxapi.Message, 0, len(s.chats[chat]))
	for _, m := range s.chats[chat] {
		out = append(out, *m)
	}
	return out
}

// Press presses the button labelled label on the bot's message mid as a
// user: a message_callback update arrives. It returns the callback id.
func (s *Server) Press(mid, label string, user maxapi.User) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.sentByID[mid]
	if m == nil {
		return "", fmt.Errorf("maxtest: no message %s", mid)
	}
	for _, a := range m.Body.Attachments {
		for _, row := range maxapi.KeyboardOf(a) {
			for _, b := range row {
				if b.Text == label && b.Type == "callback" {
					s.seq++
					id := fmt.Sprintf("cb.%d", s.seq)
					cp := *m
					s.push(maxapi.Update{Type: maxapi.UpdateMessageCallback, UserLocale: "ru", Message: &cp,
						Callback: &maxapi.Callback{Timestamp: s.now(), CallbackID: id, Payload: b.Payload, User: user}})
					return id, nil
				}
			}
		}
	}
	return "", fmt.Errorf("maxtest: no button %q on %s", label, mid)
}

// Answers lists the callback answers received.
func (s *Server) Answers() []Answered {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Answered(nil), s.answers...)
}

// Say sends text to a chat as a user (a message_created update), as a
// moderator typing a command. It returns the message id.
func (s *Server) Say(chat int64, user maxapi.User, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	mid, seq := s.nextMid()
	u := user
	m := maxapi.Message{Sender: &u, Recipient: maxapi.Recipient{ChatID: chat, ChatType: "chat"},
		Timestamp: s.now(), Body: maxapi.Body{Mid: mid, Seq: seq, Text: text}}
	s.push(maxapi.Update{Type: maxapi.UpdateMessageCreated, Message: &m})
	return mid
}

// SayReply is Say as a reply to the message replyTo (a link of type
// reply, as MAX sends it), as a moderator answering a card.
func (s *Server) SayReply(chat int64, user maxapi.User, replyTo, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	mid, seq := s.nextMid()
	u := user
	m := maxapi.Message{Sender: &u, Recipient: maxapi.Recipient{ChatID: chat, ChatType: "chat"},
		Timestamp: s.now(), Body: maxapi.Body{Mid: mid, Seq: seq, Text: text},
		Link: &maxapi.LinkedMessage{Type: "reply", ChatID: chat, Message: &maxapi.Body{Mid: replyTo}}}
	if orig := s.sentByID[replyTo]; orig != nil {
		m.Link.Sender = orig.Sender
		m.Link.Message = &maxapi.Body{Mid: replyTo, Seq: orig.Body.Seq, Text: orig.Body.Text}
	}
	s.push(maxapi.Update{Type: maxapi.UpdateMessageCreated, Message: &m})
	return mid
}

// Forward puts a copy of the bot's message mid, with its buttons, into
// another chat (as a moderator forwarding a card), and returns the copy's
// id; its buttons can be pressed there.
func (s *Server) Forward(mid string, chat int64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.sentByID[mid]
	if m == nil {
		return "", fmt.Errorf("maxtest: no message %s", mid)
	}
	nmid, seq := s.nextMid()
	cp := *m
	cp.Recipient.ChatID = chat
	cp.Body.Mid, cp.Body.Seq = nmid, seq
	s.chats[chat] = append(s.chats[chat], &cp)
	s.sentByID[nmid] = &cp
	return nmid, nil
}

// Message is a copy of the bot's message mid.
func (s *Server) Message(mid string) (maxapi.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.sentByID[mid]
	if m == nil {
		return maxapi.Message{}, false
	}
	return *m, true
}

// Edits is how often the bot edited message mid.
func (s *Server) Edits(mid string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.edits[mid]
}

// Format is the format the bot sent or last edited message mid with
// ("" plain text, "html", "markdown").
func (s *Server) Format(mid string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.formats[mid]
}

// Buttons lists the labels of a message's inline keyboard, row by row.
func Buttons(m maxapi.Message) []string {
	var out []string
	for _, a := range m.Body.Attachments {
		for _, row := range maxapi.KeyboardOf(a) {
			for _, b := range row {
				out = append(out, b.Text)
			}
		}
	}
	return out
}

// Wait returns once cond holds, checking it after every request the fake
// serves (and every 10ms, for state that changes without one), or ctx's
// error.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	tk := time.NewTicker(10 * time.Millisecond)
	defer tk.Stop()
	for {
		s.mu.Lock()
		served := s.served
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-served:
		case <-tk.C:
		}
	}
}

package telegramtest

import "time"

// SendReply posts text to the chat as user in reply to message replyTo
// (reply_to_message is set, as when the user answers a forced reply); it
// returns the message's ID.
func (s *Server) SendReply(chatID int64, user User, replyTo int64, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMsg[chatID]++
	u := user
	m := &Message{ID: s.nextMsg[chatID], ChatID: chatID, From: &u, Text: text, ReplyTo: replyTo, Date: time.Now()}
	s.msgs[chatID] = append(s.msgs[chatID], m)
	s.pushUpdate(map[string]any{"message": s.messageJSON(m)})
	return m.ID
}

package maxtest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/strazh/strazh/connectors/max/maxapi"
)

// Channel is what GET /chats/{ChannelID} answers about the channel.
type Channel struct {
	Title   string // default "Администрация"
	Link    string // default https://max.ru/adm_test
	Members int
}

// SetChannel sets the channel's description.
func (s *Server) SetChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channel = c
}

func (s *Server) getChat(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("chat"), 10, 64)
	if err != nil || id != ChannelID {
		writeErr(w, 404, "not.found", "Chat not found")
		return
	}
	s.mu.Lock()
	c := s.channel
	s.mu.Unlock()
	if c.Title == "" {
		c.Title = "Администрация"
	}
	if c.Link == "" {
		c.Link = "https://max.ru/adm_test"
	}
	writeJSON(w, maxapi.Chat{ChatID: ChannelID, Type: "channel", Title: c.Title, Link: c.Link, ParticipantsCount: c.Members, IsPublic: true})
}

// AddPostAt publishes a channel post dated at (no update: an old post).
func (s *Server) AddPostAt(text string, at time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	mid, seq := s.nextMid()
	p := &post{Message: maxapi.Message{
		Recipient: maxapi.Recipient{ChatID: ChannelID, ChatType: "channel"},
		Timestamp: at.UnixMilli(), Body: maxapi.Body{Mid: mid, Seq: seq, Text: text},
		URL: "https://max.ru/c/test/" + mid,
	}}
	s.posts = append(s.posts, p)
	return mid
}

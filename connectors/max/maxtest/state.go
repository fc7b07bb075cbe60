// Package maxtest is a stateful fake of the MAX bot API (docs §6) for
// tests and the demo: a channel with posts and comments, /updates with
// markers, a moderators' chat with the bot's messages, inline keyboards
// and callbacks pressed by a user, 429 with a retry hint, outages and a
// broken token. Every shape is the one maxapi reads.
package maxtest

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/strazh/strazh/connectors/max/maxapi"
)

// Token is the valid bot token unless Options.Token says otherwise.
const Token = "max-test-token"

// ChannelID is the fake's channel.
const ChannelID int64 = -70801090403050

// BotID is the bot's own user id.
const BotID int64 = 900

// Options shape a Server.
type Options struct {
	Token string // default Token
	// PushComments makes the fake emit comment_created/comment_edited
	// updates (a push MAX may or may not have: unverified).
	PushComments bool
	// DeletesPerSecond is the per-chat delete limit (default 2, §6.3);
	// one more within a second gets 429 with Retry-After: 1.
	DeletesPerSecond int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

type comment struct {
	maxapi.Message
	deleted bool
}

type post struct {
	maxapi.Message
	comments []*comment
}

// Call is one request the fake served.
type Call struct {
	Method, Path string
	Query        string
	Status       int
	At           time.Time // when the request arrived
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	opts Options
	h    http.Handler

	mu       sync.Mutex
	token    string
	down     int // status of an outage, 0: up
	fail     []fault
	expired  int64 // markers below it answer 400 (ExpireMarkers)
	seq      int64
	lastTs   int64
	posts    []*post // oldest first
	channel  Channel // GET /chats/{ChannelID} (page.go)
	byMid    map[string]*comment
	updates  []maxapi.Update // update i has marker i+1
	wake     chan struct{}   // closed and replaced when an update arrives
	deletes  map[int64][]time.Time
	admins   []maxapi.User
	guard    guardState                  // the admins' rights (guard.go)
	chats    map[int64][]*maxapi.Message // messages the bot sent, by chat
	sentByID map[string]*maxapi.Message
	answers  []Answered
	edits    map[string]int
	formats  map[string]string
	served   chan struct{} // closed and replaced after every request
	sub      *subscription
	calls    []Call
}

type fault struct {
	path       string // "" any
	status     int
	retryAfter int
	body       string // Answer: this body with status 200
	page       bool   // FailPage: body is a proxy's HTML page with status
}

// Answered is one POST /answers.
type Answered struct {
	CallbackID string
	Answer     maxapi.Answer
}

// New builds a fake; serve it with httptest.NewServer(s) or use Client.
func New(o Options) *Server {
	if o.Token == "" {
		o.Token = Token
	}
	if o.DeletesPerSecond == 0 {
		o.DeletesPerSecond = 2
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{opts: o, token: o.Token, byMid: map[string]*comment{}, wake: make(chan struct{}),
		deletes: map[int64][]time.Time{}, chats: map[int64][]*maxapi.Message{}, sentByID: map[string]*maxapi.Message{},
		edits: map[string]int{}, formats: map[string]string{}, served: make(chan struct{}),
		admins: []maxapi.User{{UserID: BotID, Name: "strazh", IsBot: true}, {UserID: 1, Name: "Администратор канала"}}}
	s.h = s.routes()
	return s
}

// now is the time of a new message, Unix ms: strictly increasing, as a
// busy channel's comments a millisecond apart (s.mu held).
func (s *Server) now() int64 {
	t := max(s.opts.Now().UnixMilli(), s.lastTs+1)
	s.lastTs = t
	return t
}

// nextMid makes a unique message id; s.mu held.
func (s *Server) nextMid() (string, int64) {
	s.seq++
	return fmt.Sprintf("mid.%016x", s.seq), s.seq
}

// push records an update and wakes the long polls; s.mu held.
func (s *Server) push(u maxapi.Update) {
	u.Timestamp = s.now()
	s.updates = append(s.updates, u)
	close(s.wake)
	s.wake = make(chan struct{})
}

// AddPost publishes a channel post (and its message_created update).
func (s *Server) AddPost(text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	mid, seq := s.nextMid()
	p := &post{Message: maxapi.Message{
		Recipient: maxapi.Recipient{ChatID: ChannelID, ChatType: "channel"},
		Timestamp: s.now(), Body: maxapi.Body{Mid: mid, Seq: seq, Text: text},
		URL: "https://max.ru/c/test/" + mid,
	}}
	s.posts = append(s.posts, p)
	m := p.Message
	s.push(maxapi.Update{Type: maxapi.UpdateMessageCreated, Message: &m})
	return mid
}

// AddComment writes a comment by a user under a post; user 0 with no
// name gives a comment without a sender, as docs/platform-apis.md §6.5's
// list example shows one (the author field is unverified).
func (s *Server) AddComment(postMid string, userID int64, name, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.post(postMid)
	if p == nil {
		panic("maxtest: no post " + postMid)
	}
	mid, seq := s.nextMid()
	c := &comment{Message: maxapi.Message{
		Recipient: maxapi.Recipient{ChatID: ChannelID, ChatType: "channel", PostID: postMid},
		Timestamp: s.now(), Body: maxapi.Body{Mid: mid, Seq: seq, Text: text},
	}}
	if userID != 0 || name != "" {
		c.Sender = &maxapi.User{UserID: userID, Name: name}
	}
	p.comments = append(p.comments, c)
	s.byMid[mid] = c
	if s.opts.PushComments {
		m := c.Message
		s.push(maxapi.Update{Type: maxapi.UpdateCommentCreated, Message: &m})
	}
	return mid
}

// EditComment changes a comment's text, as its author would.
func (s *Server) EditComment(mid, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.byMid[mid]
	if c == nil || c.deleted {
		return fmt.Errorf("maxtest: no comment %s", mid)
	}
	c.Body.Text = text
	if s.opts.PushComments {
		m := c.Message
		s.push(maxapi.Update{Type: maxapi.UpdateCommentEdited, Message: &m})
	}
	return nil
}

// Deleted reports whether a comment was deleted.
func (s *Server) Deleted(mid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.byMid[mid]
	return c != nil && c.deleted
}

// SetToken changes the valid token (the old one then gets 401).
func (s *Server) SetToken(t string) {
	s.mu.Lock()
	s.token = t
	s.mu.Unlock()
}

// SetDown makes every request fail with status (503, say); 0 ends it.
func (s *Server) SetDown(status int) {
	s.mu.Lock()
	s.down = status
	s.mu.Unlock()
}

// Fail makes the next n requests to path ("" any; "/messages/{mid}/comments"
// style paths as served) fail with status; a 429 carries Retry-After.
func (s *Server) Fail(path string, n, status, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail = append(s.fail, fault{path: path, status: status, retryAfter: retryAfter})
	}
}

// ExpireMarkers makes /updates refuse (400) every marker given so far, as
// MAX could once its retention (unverified, §6.2) has passed them.
func (s *Server) ExpireMarkers() {
	s.mu.Lock()
	s.expired = int64(len(s.updates)) + 1
	s.mu.Unlock()
}

// Answer makes the next n requests to path ("" any) answer body with
// status 200 (a shape the client may not read: a field of another type).
func (s *Server) Answer(path string, n int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail = append(s.fail, fault{path: path, status: http.StatusOK, body: body})
	}
}

// FailPage makes the next n requests to path ("" any) answer status with
// an HTML page, as a proxy or load balancer in front of MAX does (no MAX
// error envelope).
func (s *Server) FailPage(path string, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail = append(s.fail, fault{path: path, status: status, page: true,
			body: fmt.Sprintf("<html><head><title>%d</title></head><body><center><h1>%d</h1></center><hr><center>nginx</center></body></html>", status, status)})
	}
}

// Calls lists the requests served whose path is path ("" all).
func (s *Server) Calls(path string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if path == "" || c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) post(mid string) *post {
	for _, p := range s.posts {
		if p.Body.Mid == mid {
			return p
		}
	}
	return nil
}

// DeletedCount is how many comments were deleted.
func (s *Server) DeletedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.byMid {
		if c.deleted {
			n++
		}
	}
	return n
}

// Package telegramtest is a stateful fake of the Telegram Bot API for tests
// and the demo. It serves /bot<token>/<method> with multipart, form, JSON
// or query parameters, keeps the messages it was sent with their inline
// keyboards, lets a test press a button by its label as a given user or
// send a command, long-polls getUpdates with offset semantics, records
// answerCallbackQuery, and can be scripted to fail: outages (Down/Up),
// 429 with retry_after, any error code, a per-chat rate limit.
package telegramtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// DefaultToken is the bot token New uses when given "".
const DefaultToken = "123456:TEST-token"

// User is a Telegram user who presses buttons or sends commands.
type User struct {
	ID        int64
	FirstName string
	LastName  string
	Username  string
}

// Button is one inline keyboard button.
type Button struct {
	Text string
	Data string // callback_data
}

// Message is a message as the fake keeps it.
type Message struct {
	ID        int64
	ChatID    int64
	From      *User  // nil for the bot's own messages
	Text      string // what the user sees: tags removed, entities decoded
	HTML      string // the text as sent (with parse_mode HTML)
	ParseMode string
	Links     []string // targets of <a href> links
	Keyboard  [][]Button
	ReplyTo   int64
	Date      time.Time
	Edits     int
	Deleted   bool
	// Document is the file a sendDocument call carried (nil: a text
	// message); Text is then its caption.
	Document *Document
}

// Buttons lists the labels of the keyboard, row by row.
func (m Message) Buttons() []string {
	var out []string
	for _, row := range m.Keyboard {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

// Answer is a recorded answerCallbackQuery.
type Answer struct {
	QueryID   string
	User      User   // who pressed
	Data      string // the button's callback_data
	ChatID    int64
	MessageID int64
	Text      string
	ShowAlert bool
}

// Request is one call the fake received.
type Request struct {
	Method string
	Params map[string]string
	Status int // HTTP status answered; 0 when the connection was dropped
	At     time.Time
}

// Command is a bot command set with setMyCommands.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

type update struct {
	id   int64
	body map[string]any
}

type query struct {
	user      User
	data      string
	chatID    int64
	messageID int64
	answered  bool
}

type failure struct {
	method     string
	n          int
	code       int
	desc       string
	retryAfter int
}

// Server is the fake. Its zero value is not usable; call New.
type Server struct {
	srv   *httptest.Server
	token string

	mu         sync.Mutex
	msgs       map[int64][]*Message
	nextMsg    map[int64]int64
	updates    []update
	nextUpdate int64
	nextQuery  int64
	queries    map[string]*query
	answers    []Answer
	requests   []Request
	commands   map[string][]Command // scope JSON → commands
	down       bool
	failures   []failure
	limitN     int
	limitWin   time.Duration
	sends      map[int64][]time.Time
	polling    int              // long polls waiting for an update
	groups     map[int64]*group // discussion groups (group.go)
	nextAlbum  int              // media_group_id of PublishAlbum (channel.go)
	changed    chan struct{}
	closed     chan struct{}
	closeOnce  sync.Once
}

// New starts a fake serving token ("" for DefaultToken). Close it when done.
func New(token string) *Server {
	if token == "" {
		token = DefaultToken
	}
	s := &Server{
		token:      token,
		msgs:       make(map[int64][]*Message),
		nextMsg:    make(map[int64]int64),
		nextUpdate: 1000,
		nextQuery:  4000,
		queries:    make(map[string]*query),
		commands:   make(map[string][]Command),
		sends:      make(map[int64][]time.Time),
		changed:    make(chan struct{}),
		closed:     make(chan struct{}),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the server's base URL, for telegram.api_url.
func (s *Server) URL() string { return s.srv.URL }

// Handler serves the fake's Bot API, for mounting it on another server
// (strazh sim serves it beside the simulated network on one address).
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// Token is the bot token the fake accepts.
func (s *Server) Token() string { return s.token }

// Client returns an HTTP client for the fake (its connections close with it).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close ends pending long polls and stops the server.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// notify wakes everyone waiting for a change; call with mu held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Down makes the fake unreachable: every request's connection is dropped
// without an answer, including long polls in progress, until Up.
func (s *Server) Down() {
	s.mu.Lock()
	s.down = true
	s.notify()
	s.mu.Unlock()
	s.srv.CloseClientConnections()
}

// Polling is how many getUpdates long polls are waiting for an update
// (tests wait for one before pushing, instead of sleeping).
func (s *Server) Polling() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polling
}

// Up makes the fake reachable again.
func (s *Server) Up() {
	s.mu.Lock()
	s.down = false
	s.notify()
	s.mu.Unlock()
}

// FailNext makes the next n calls of method ("" for any method except
// getUpdates) fail with the error code and description; retryAfter > 0
// adds parameters.retry_after.
func (s *Server) FailNext(method string, n, code int, description string, retryAfter int) {
	s.mu.Lock()
	s.failures = append(s.failures, failure{method: method, n: n, code: code, desc: description, retryAfter: retryAfter})
	s.mu.Unlock()
}

// RateLimit makes the next n calls of method answer 429 with retry_after.
func (s *Server) RateLimit(method string, n, retryAfter int) {
	s.FailNext(method, n, http.StatusTooManyRequests, fmt.Sprintf("Too Many Requests: retry after %d", retryAfter), retryAfter)
}

// LimitChat answers 429 to a sendMessage beyond n messages per window to
// one chat, as Telegram does beyond 20 a minute to a group. n 0 lifts it.
func (s *Server) LimitChat(n int, window time.Duration) {
	s.mu.Lock()
	s.limitN, s.limitWin = n, window
	s.mu.Unlock()
}

func copyMessage(m *Message) Message {
	c := *m
	c.Links = slices.Clone(m.Links)
	c.Keyboard = make([][]Button, len(m.Keyboard))
	for i, row := range m.Keyboard {
		c.Keyboard[i] = slices.Clone(row)
	}
	if m.From != nil {
		u := *m.From
		c.From = &u
	}
	return c
}

// Messages lists the chat's messages in order, the bot's and the users',
// deleted ones included (Deleted set).
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.msgs[chatID]))
	for _, m := range s.msgs[chatID] {
		out = append(out, copyMessage(m))
	}
	return out
}

// BotMessages lists the messages the bot sent to the chat.
func (s *Server) BotMessages(chatID int64) []Message {
	var out []Message
	for _, m := range s.Messages(chatID) {
		if m.From == nil {
			out = append(out, m)
		}
	}
	return out
}

// Message returns one message.
func (s *Server) Message(chatID, messageID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.find(chatID, messageID); m != nil {
		return copyMessage(m), true
	}
	return Message{}, false
}

func (s *Server) find(chatID, messageID int64) *Message {
	for _, m := range s.msgs[chatID] {
		if m.ID == messageID {
			return m
		}
	}
	return nil
}

// Answers lists the recorded answerCallbackQuery calls.
func (s *Server) Answers() []Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answers)
}

// Requests lists every call received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Calls counts the calls of method that were answered with status
// (0: any status).
func (s *Server) Calls(method string, status int) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && (status == 0 || r.Status == status) {
			n++
		}
	}
	return n
}

// Commands returns the commands set for a scope (its JSON as sent, "" for
// the default scope).
func (s *Server) Commands(scope string) []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[scope])
}

// AllCommands returns the commands of every scope set.
func (s *Server) AllCommands() map[string][]Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]Command, len(s.commands))
	for k, v := range s.commands {
		out[k] = slices.Clone(v)
	}
	return out
}

// PendingUpdates counts updates not yet confirmed by the bot.
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

func userJSON(u User) map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName}
	if u.LastName != "" {
		m["last_name"] = u.LastName
	}
	if u.Username != "" {
		m["username"] = u.Username
	}
	return m
}

func chatJSON(chatID int64) map[string]any {
	typ := "supergroup"
	if chatID > 0 {
		typ = "private"
	}
	return map[string]any{"id": chatID, "type": typ, "title": "strazh review"}
}

// RestartUpdateIDs makes the next update's id next, below or above the
// ids before: Telegram picks the next id at random after a week without
// updates (Bot API, "Getting updates"). An offset from before the restart
// (above every id issued since) then confirms nothing and the new updates
// are returned, as seen on the real API (go-telegram-bot-api issue 156).
// The updates waiting are dropped: a week on, Telegram keeps none (it
// keeps them 24 hours).
func (s *Server) RestartUpdateIDs(next int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpdate = next - 1
	s.updates = nil
}

func (s *Server) pushUpdate(body map[string]any) int64 {
	s.nextUpdate++
	body["update_id"] = s.nextUpdate
	s.updates = append(s.updates, update{id: s.nextUpdate, body: body})
	s.notify()
	return s.nextUpdate
}

// Press presses the button whose label is label (or, failing an exact
// match, the shortest label containing it) on a message, as user: the bot
// receives a callback_query update.
func (s *Server) Press(chatID, messageID int64, label string, user User) error {
	_, err := s.PressQuery(chatID, messageID, label, user)
	return err
}

// PressQuery is Press returning the callback query's ID, to find its
// answer among Answers.
func (s *Server) PressQuery(chatID, messageID int64, label string, user User) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.find(chatID, messageID)
	if m == nil || m.Deleted {
		return "", fmt.Errorf("telegramtest: no message %d in chat %d", messageID, chatID)
	}
	var btn *Button
	for _, row := range m.Keyboard {
		for i := range row {
			b := &row[i]
			switch {
			case b.Text == label:
				btn = b
			case btn == nil || btn.Text != label:
				if strings.Contains(strings.ToLower(b.Text), strings.ToLower(label)) &&
					(btn == nil || utf8.RuneCountInString(b.Text) < utf8.RuneCountInString(btn.Text)) {
					btn = b
				}
			}
		}
	}
	if btn == nil {
		return "", fmt.Errorf("telegramtest: no button %q on message %d (buttons: %q)", label, messageID, copyMessage(m).Buttons())
	}
	s.nextQuery++
	id := strconv.FormatInt(s.nextQuery, 10)
	s.queries[id] = &query{user: user, data: btn.Data, chatID: chatID, messageID: messageID}
	s.pushUpdate(map[string]any{"callback_query": map[string]any{
		"id":            id,
		"from":          userJSON(user),
		"message":       s.messageJSON(m),
		"chat_instance": "-88",
		"data":          btn.Data,
	}})
	return id, nil
}

// SendCommand posts text (a command such as "/pending", or any text) to the
// chat as user; the bot receives a message update. It returns the
// message's ID.
func (s *Server) SendCommand(chatID int64, user User, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMsg[chatID]++
	u := user
	m := &Message{ID: s.nextMsg[chatID], ChatID: chatID, From: &u, Text: text, Date: time.Now()}
	s.msgs[chatID] = append(s.msgs[chatID], m)
	body := s.messageJSON(m)
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		body["entities"] = []any{map[string]any{"type": "bot_command", "offset": 0, "length": utf8.RuneCountInString(cmd)}}
	}
	s.pushUpdate(map[string]any{"message": body})
	return m.ID
}

func (s *Server) messageJSON(m *Message) map[string]any {
	out := map[string]any{
		"message_id": m.ID,
		"date":       m.Date.Unix(),
		"chat":       chatJSON(m.ChatID),
		"text":       m.Text,
	}
	if m.From != nil {
		out["from"] = userJSON(*m.From)
	} else {
		out["from"] = map[string]any{"id": 123456, "is_bot": true, "first_name": "strazh", "username": "strazh_bot"}
	}
	if len(m.Keyboard) > 0 {
		rows := make([]any, len(m.Keyboard))
		for i, row := range m.Keyboard {
			r := make([]any, len(row))
			for j, b := range row {
				r[j] = map[string]any{"text": b.Text, "callback_data": b.Data}
			}
			rows[i] = r
		}
		out["reply_markup"] = map[string]any{"inline_keyboard": rows}
	}
	if m.ReplyTo != 0 {
		out["reply_to_message"] = map[string]any{"message_id": m.ReplyTo, "date": m.Date.Unix(), "chat": chatJSON(m.ChatID)}
	}
	return out
}

package maxapi

import (
	"encoding/json"
	"time"
)

// User is a MAX user or bot.
type User struct {
	UserID    int64  `json:"user_id"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Name      string `json:"name,omitempty"`
	Username  string `json:"username,omitempty"`
	IsBot     bool   `json:"is_bot,omitempty"`
}

// DisplayName is Name, or first and last name.
func (u *User) DisplayName() string {
	if u.Name != "" {
		return u.Name
	}
	if u.LastName != "" {
		return u.FirstName + " " + u.LastName
	}
	return u.FirstName
}

// Recipient is where a message lives. PostID is set on channel comments.
type Recipient struct {
	ChatID   int64  `json:"chat_id,omitempty"`
	ChatType string `json:"chat_type,omitempty"` // dialog, chat, channel
	UserID   int64  `json:"user_id,omitempty"`
	PostID   string `json:"post_id,omitempty"`
}

// Body is a message's content.
type Body struct {
	Mid         string       `json:"mid"`
	Seq         int64        `json:"seq,omitempty"`
	Text        string       `json:"text,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Attachment is one attachment; Payload is kept raw (its shape depends on
// Type: image, video, file, inline_keyboard, ...).
type Attachment struct {
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Message is a message, a channel post or a comment.
type Message struct {
	Sender    *User          `json:"sender,omitempty"`
	Recipient Recipient      `json:"recipient"`
	Timestamp int64          `json:"timestamp"` // Unix milliseconds
	Body      Body           `json:"body"`
	URL       string         `json:"url,omitempty"`
	Link      *LinkedMessage `json:"link,omitempty"`
}

// Time is Timestamp as a time.
func (m *Message) Time() time.Time { return time.UnixMilli(m.Timestamp) }

// LinkedMessage is a forwarded or replied-to message.
type LinkedMessage struct {
	Type    string `json:"type"` // forward, reply
	Sender  *User  `json:"sender,omitempty"`
	ChatID  int64  `json:"chat_id,omitempty"`
	Message *Body  `json:"message,omitempty"`
}

// Callback is a press of an inline keyboard button.
type Callback struct {
	Timestamp  int64  `json:"timestamp"`
	CallbackID string `json:"callback_id"`
	Payload    string `json:"payload,omitempty"`
	User       User   `json:"user"`
}

// Update types the clients handle (§6.2; the comment_* ones come from an
// unmerged Go client branch and are unverified).
const (
	UpdateMessageCreated  = "message_created"
	UpdateMessageEdited   = "message_edited"
	UpdateMessageRemoved  = "message_removed"
	UpdateMessageCallback = "message_callback"
	UpdateCommentCreated  = "comment_created"
	UpdateCommentEdited   = "comment_edited"
	UpdateCommentRemoved  = "comment_removed"
)

// Update is one event of /updates or a webhook delivery. Fields are set
// as Type needs.
type Update struct {
	Type      string    `json:"update_type"`
	Timestamp int64     `json:"timestamp"`
	Message   *Message  `json:"message,omitempty"`
	Callback  *Callback `json:"callback,omitempty"`
	// message_removed / comment_removed
	MessageID  string `json:"message_id,omitempty"`
	ChatID     int64  `json:"chat_id,omitempty"`
	UserID     int64  `json:"user_id,omitempty"`
	PostID     string `json:"post_id,omitempty"`
	UserLocale string `json:"user_locale,omitempty"`
}

// Button is one inline keyboard button.
type Button struct {
	Type    string `json:"type"` // callback, link, ...
	Text    string `json:"text"`
	Payload string `json:"payload,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Keyboard builds an inline_keyboard attachment from rows of buttons.
func Keyboard(rows [][]Button) Attachment {
	p, _ := json.Marshal(struct {
		Buttons [][]Button `json:"buttons"`
	}{rows}) // cannot fail: strings only
	return Attachment{Type: "inline_keyboard", Payload: p}
}

// KeyboardOf reads the buttons of an inline_keyboard attachment (nil if a
// is another kind).
func KeyboardOf(a Attachment) [][]Button {
	if a.Type != "inline_keyboard" {
		return nil
	}
	var p struct {
		Buttons [][]Button `json:"buttons"`
	}
	_ = json.Unmarshal(a.Payload, &p)
	return p.Buttons
}

// NewMessage is the body of a message to send or edit.
type NewMessage struct {
	Text        string       `json:"text"`
	Format      string       `json:"format,omitempty"` // markdown, html
	Notify      *bool        `json:"notify,omitempty"`
	Attachments []Attachment `json:"attachments"`
	Link        *NewLink     `json:"link,omitempty"`
}

// NewLink makes a message a reply to mid.
type NewLink struct {
	Type string `json:"type"` // reply
	Mid  string `json:"mid"`
}

// Answer is the body of POST /answers.
type Answer struct {
	Notification string      `json:"notification,omitempty"`
	Message      *NewMessage `json:"message,omitempty"`
}

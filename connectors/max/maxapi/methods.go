package maxapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Me returns the bot itself (GET /me); it checks the token.
func (c *Client) Me(ctx context.Context) (*User, error) {
	var u User
	if err := c.do(ctx, http.MethodGet, "me", nil, nil, &u, 0); err != nil {
		return nil, err
	}
	return &u, nil
}

// UpdatesRequest is one long poll.
type UpdatesRequest struct {
	Marker  *int64        // nil: only the latest updates (§6.2)
	Limit   int           // 1..1000 (0: MAX's 100)
	Timeout time.Duration // 0..90s, whole seconds
	Types   []string      // empty: all
}

// Updates long-polls GET /updates. The returned marker confirms every
// update before it: pass it to the next call only after handling these.
func (c *Client) Updates(ctx context.Context, r UpdatesRequest) ([]Update, int64, error) {
	q := url.Values{}
	if r.Marker != nil {
		q.Set("marker", strconv.FormatInt(*r.Marker, 10))
	}
	if r.Limit > 0 {
		q.Set("limit", strconv.Itoa(r.Limit))
	}
	secs := int(r.Timeout / time.Second)
	q.Set("timeout", strconv.Itoa(secs))
	if len(r.Types) > 0 {
		q.Set("types", strings.Join(r.Types, ","))
	}
	var out struct {
		Updates []Update `json:"updates"`
		Marker  *int64   `json:"marker"`
	}
	if err := c.do(ctx, http.MethodGet, "updates", q, nil, &out, time.Duration(secs)*time.Second); err != nil {
		return nil, 0, err
	}
	next := int64(0)
	if out.Marker != nil {
		next = *out.Marker
	} else if r.Marker != nil {
		next = *r.Marker
	}
	return out.Updates, next, nil
}

// ChatMessages lists a chat's or channel's messages, newest first
// (GET /messages?chat_id=&count=), count 1..100.
func (c *Client) ChatMessages(ctx context.Context, chatID int64, count int) ([]Message, error) {
	q := url.Values{"chat_id": {strconv.FormatInt(chatID, 10)}, "count": {strconv.Itoa(count)}}
	var out struct {
		Messages []Message `json:"messages"`
	}
	if err := c.do(ctx, http.MethodGet, "messages", q, nil, &out, 0); err != nil {
		return nil, err
	}
	return out.Messages, nil
}

// Send posts a message to a chat (POST /messages?chat_id=).
func (c *Client) Send(ctx context.Context, chatID int64, m NewMessage) (*Message, error) {
	q := url.Values{"chat_id": {strconv.FormatInt(chatID, 10)}}
	if m.Attachments == nil {
		m.Attachments = []Attachment{}
	}
	var out struct {
		Message Message `json:"message"`
	}
	if err := c.do(ctx, http.MethodPost, "messages", q, m, &out, 0); err != nil {
		return nil, err
	}
	return &out.Message, nil
}

// Edit replaces the bot's own message (PUT /messages?message_id=); empty
// Attachments removes the keyboard.
func (c *Client) Edit(ctx context.Context, mid string, m NewMessage) error {
	if m.Attachments == nil {
		m.Attachments = []Attachment{}
	}
	return c.success(ctx, http.MethodPut, "messages", url.Values{"message_id": {mid}}, m)
}

// DeleteMessage deletes a message (DELETE /messages?message_id=).
func (c *Client) DeleteMessage(ctx context.Context, mid string) error {
	return c.success(ctx, http.MethodDelete, "messages", url.Values{"message_id": {mid}}, nil)
}

// AnswerCallback answers a button press (POST /answers?callback_id=).
func (c *Client) AnswerCallback(ctx context.Context, callbackID string, a Answer) error {
	return c.success(ctx, http.MethodPost, "answers", url.Values{"callback_id": {callbackID}}, a)
}

// ChatAdmins lists a chat's or channel's admins
// (GET /chats/{chatId}/members/admins).
func (c *Client) ChatAdmins(ctx context.Context, chatID int64) ([]User, error) {
	var out struct {
		Members []User `json:"members"`
	}
	if err := c.do(ctx, http.MethodGet, "chats/"+strconv.FormatInt(chatID, 10)+"/members/admins", nil, nil, &out, 0); err != nil {
		return nil, err
	}
	return out.Members, nil
}

package maxapi

import (
	"context"
	"net/http"
	"strconv"
)

// Chat is a group chat or channel as GET /chats/{chatId} gives it.
// unverified: the field names (MAX's public reference lists title, link
// and participants_count; docs/platform-apis.md §6 does not).
type Chat struct {
	ChatID            int64  `json:"chat_id"`
	Type              string `json:"type"`
	Title             string `json:"title"`
	Link              string `json:"link,omitempty"`
	ParticipantsCount int    `json:"participants_count"`
	IsPublic          bool   `json:"is_public"`
}

// Chat reads a chat's or channel's description.
func (c *Client) Chat(ctx context.Context, chatID int64) (*Chat, error) {
	var out Chat
	if err := c.do(ctx, http.MethodGet, "chats/"+strconv.FormatInt(chatID, 10), nil, nil, &out, 0); err != nil {
		return nil, err
	}
	return &out, nil
}

package maxapi

import (
	"context"
	"net/http"
	"strconv"
)

// Member is a chat member as GET /chats/{chatId}/members/admins lists it:
// the user and, for an admin, whether they own the chat and their rights
// (read_all_messages, write, edit, delete, pin_message, change_chat_info,
// add_remove_members, add_admins, …, docs/platform-apis.md §6.3; the field
// names is_owner and permissions are unverified).
type Member struct {
	User
	IsOwner     bool     `json:"is_owner,omitempty"`
	IsAdmin     bool     `json:"is_admin,omitempty"`
	Permissions []string `json:"permissions,omitempty"`
}

// ChatAdminMembers is ChatAdmins with each admin's ownership and rights.
func (c *Client) ChatAdminMembers(ctx context.Context, chatID int64) ([]Member, error) {
	var out struct {
		Members []Member `json:"members"`
	}
	if err := c.do(ctx, http.MethodGet, "chats/"+strconv.FormatInt(chatID, 10)+"/members/admins", nil, nil, &out, 0); err != nil {
		return nil, err
	}
	return out.Members, nil
}

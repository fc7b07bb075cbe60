package telegram

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/strazh/strazh/moderation"
)

// The account guard's view of the discussion group (moderation.Guarded):
// its administrators (getChatAdministrators) and the bot's own rights
// there (getChatMember: can_delete_messages, can_restrict_members). The
// Bot API reports no group setting strazh watches, so Settings is
// unsupported. The bot token never expires by time.

// Managers lists the group's creator and administrators.
func (c *Connector) Managers(ctx context.Context) ([]moderation.Manager, error) {
	var ms []struct {
		Status string `json:"status"`
		User   struct {
			ID        int64  `json:"id"`
			FirstName string `json:"first_name"`
			LastName  string `json:"last_name"`
		} `json:"user"`
	}
	form := url.Values{"chat_id": {strconv.FormatInt(c.cfg.ChatID, 10)}}
	if err := c.api.call(ctx, "getChatAdministrators", form, &ms, 0); err != nil {
		return nil, fmt.Errorf("telegram: managers: %w", err)
	}
	out := make([]moderation.Manager, 0, len(ms))
	for _, m := range ms {
		role := m.Status // creator or administrator
		if role != "creator" {
			role = "administrator"
		}
		out = append(out, moderation.Manager{ID: strconv.FormatInt(m.User.ID, 10),
			Name: strings.TrimSpace(m.User.FirstName + " " + m.User.LastName), Role: role})
	}
	return out, nil
}

// Access reports the bot's rights in the group; what strazh needs is to
// delete messages and to ban (restrict) members. A token Telegram refuses
// is a broken "bot" token.
func (c *Connector) Access(ctx context.Context) (moderation.Access, error) {
	a := moderation.Access{Needed: []string{"bot:delete_messages", "bot:restrict_members"}}
	var me struct {
		ID int64 `json:"id"`
	}
	if err := c.api.call(ctx, "getMe", nil, &me, 0); err != nil {
		if moderation.Classify(err) == moderation.ClassCredentials {
			err = &moderation.TokenError{Token: "bot", Err: err}
		}
		return a, fmt.Errorf("telegram: access: %w", err)
	}
	var m struct {
		Status      string `json:"status"`
		CanDelete   bool   `json:"can_delete_messages"`
		CanRestrict bool   `json:"can_restrict_members"`
	}
	form := url.Values{"chat_id": {strconv.FormatInt(c.cfg.ChatID, 10)}, "user_id": {strconv.FormatInt(me.ID, 10)}}
	if err := c.api.call(ctx, "getChatMember", form, &m, 0); err != nil {
		return a, fmt.Errorf("telegram: access: %w", err)
	}
	switch {
	case m.Status == "creator":
		a.Rights = []string{"bot:delete_messages", "bot:restrict_members"}
	case m.Status == "administrator":
		if m.CanDelete {
			a.Rights = append(a.Rights, "bot:delete_messages")
		}
		if m.CanRestrict {
			a.Rights = append(a.Rights, "bot:restrict_members")
		}
	}
	return a, nil
}

// Settings: the Bot API reports none that strazh watches.
func (c *Connector) Settings(context.Context) (map[string]string, error) {
	return nil, fmt.Errorf("telegram: group settings: %w", moderation.ErrUnsupported)
}

var _ moderation.Guarded = (*Connector)(nil)

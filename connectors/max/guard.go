package max

import (
	"context"
	"fmt"
	"strconv"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/moderation"
)

// The account guard's view of the channel (moderation.Guarded): its admins
// and the bot's own rights among them (GET /chats/{chatId}/members/admins,
// §6.3). MAX reports no channel setting strazh watches; the bot token does
// not expire by time.

// neededRights: reading the comments and deleting them (bans are strazh's
// own blacklist, BanLocal). Unverified which right deleting a comment
// needs; delete, as for messages.
var neededRights = []string{"bot:read_all_messages", "bot:delete"}

// legacyRights are the old names of the rights (§6.3).
var legacyRights = map[string]string{"delete_message": "delete", "post_edit_delete_message": "delete", "edit_message": "edit"}

// Managers lists the channel's admins, the bot among them.
func (c *Connector) Managers(ctx context.Context) ([]moderation.Manager, error) {
	ms, err := c.api.ChatAdminMembers(ctx, c.cfg.ChannelID)
	if err != nil {
		return nil, fmt.Errorf("max: managers: %w", maxapi.Classed(err))
	}
	out := make([]moderation.Manager, 0, len(ms))
	for _, m := range ms {
		role := "administrator"
		if m.IsOwner {
			role = "creator"
		}
		out = append(out, moderation.Manager{ID: strconv.FormatInt(m.UserID, 10), Name: m.DisplayName(), Role: role})
	}
	return out, nil
}

// Access reports the bot's rights in the channel. A token MAX refuses is
// a broken "bot" token.
func (c *Connector) Access(ctx context.Context) (moderation.Access, error) {
	a := moderation.Access{Needed: neededRights}
	me, err := c.api.Me(ctx)
	if err != nil {
		err = maxapi.Classed(err)
		if moderation.Classify(err) == moderation.ClassCredentials {
			err = &moderation.TokenError{Token: "bot", Err: err}
		}
		return a, fmt.Errorf("max: access: %w", err)
	}
	ms, err := c.api.ChatAdminMembers(ctx, c.cfg.ChannelID)
	if err != nil {
		return a, fmt.Errorf("max: access: %w", maxapi.Classed(err))
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if m.UserID != me.UserID {
			continue
		}
		for _, p := range m.Permissions {
			if n, ok := legacyRights[p]; ok {
				p = n
			}
			if !seen[p] {
				seen[p] = true
				a.Rights = append(a.Rights, "bot:"+p)
			}
		}
	}
	return a, nil
}

// Settings: MAX reports none that strazh watches.
func (c *Connector) Settings(context.Context) (map[string]string, error) {
	return nil, fmt.Errorf("max: channel settings: %w", moderation.ErrUnsupported)
}

var _ moderation.Guarded = (*Connector)(nil)

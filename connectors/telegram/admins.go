package telegram

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/strazh/strazh/moderation"
)

// admins are the users never moderated: the administrators (and creator)
// of the discussion group and, where the bot may list them, of the channel.
type admins struct {
	ids map[int64]bool
	at  time.Time // last loaded
}

// chatAdmins lists a chat's administrators.
func (c *Connector) chatAdmins(ctx context.Context, chat int64) ([]int64, error) {
	var ms []struct {
		User struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	form := url.Values{"chat_id": {strconv.FormatInt(chat, 10)}}
	if err := c.api.call(ctx, "getChatAdministrators", form, &ms, 0); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.User.ID)
	}
	return ids, nil
}

// refreshAdmins reloads the admins when AdminsRefresh has passed (force:
// now). The group's list is required (a failure is returned); the
// channel's is best effort, since the bot need not be a channel admin.
func (c *Connector) refreshAdmins(ctx context.Context, force bool) error {
	c.mu.Lock()
	due := force || c.now().Sub(c.admins.at) >= c.cfg.AdminsRefresh
	c.mu.Unlock()
	if !due {
		return nil
	}
	group, err := c.chatAdmins(ctx, c.cfg.ChatID)
	if err != nil {
		return err
	}
	ids := make(map[int64]bool, len(group))
	for _, id := range group {
		ids[id] = true
	}
	channel, err := c.chatAdmins(ctx, c.cfg.ChannelID)
	switch {
	case err == nil:
		for _, id := range channel {
			ids[id] = true
		}
	case moderation.Classify(err) == moderation.ClassRetry:
		return err
	default:
		// Not a channel admin: the channel's admins who are not admins of
		// the group are moderated like anyone else.
		c.log.Warn("cannot list the channel's admins; only the group's are exempt", "err", err)
	}
	c.mu.Lock()
	c.admins = admins{ids: ids, at: c.now()}
	c.mu.Unlock()
	return nil
}

package telegram

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/strazh/strazh/moderation"
)

// The channel for the public registry and the publication cadence (§1.3,
// §2.1): getChat(channel) for the title and link, getChatMemberCount for
// the subscribers. The Bot API has no state organisation's mark, so
// PageInfo never reports one, and no channel history: the posts are those
// recorded as they arrived (channelposts.go), so the last post is known
// only to a connector that records them (the daemon's).

var _ moderation.PageReader = (*Connector)(nil)

// chatInfo is getChat's ChatFullInfo, the fields the registry reads.
type chatInfo struct {
	ID         int64  `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Username   string `json:"username"`
	InviteLink string `json:"invite_link"` // for an admin bot only
}

// lastPostWindow is how far back PageInfo looks for the last recorded post.
const lastPostWindow = 90 * 24 * time.Hour

// PageInfo reads the channel's title, link and subscribers, and the date
// of its last post where the posts are recorded.
func (c *Connector) PageInfo(ctx context.Context) (moderation.PageInfo, error) {
	if c.isClosed() {
		return moderation.PageInfo{}, errClosed
	}
	form := url.Values{"chat_id": {strconv.FormatInt(c.cfg.ChannelID, 10)}}
	var ch chatInfo
	if err := c.api.call(ctx, "getChat", form, &ch, 0); err != nil {
		return moderation.PageInfo{}, fmt.Errorf("telegram: page info: %w", err)
	}
	var members int
	if err := c.api.call(ctx, "getChatMemberCount", form, &members, 0); err != nil {
		return moderation.PageInfo{}, fmt.Errorf("telegram: page info: %w", err)
	}
	info := moderation.PageInfo{Name: ch.Title, Followers: members}
	switch {
	case ch.Username != "":
		info.URL = "https://t.me/" + ch.Username
	case ch.InviteLink != "":
		info.URL = ch.InviteLink
	}
	if sink := c.postSink(); sink != nil {
		// The recorded posts are strazh's, not the network's: unreadable,
		// they leave the last post out, not the channel's data.
		ps, err := sink.Posts(c.account, c.now().Add(-lastPostWindow), time.Time{})
		switch {
		case err != nil:
			c.log.Warn("recorded channel posts unreadable: the last post is left out", "err", err)
		case len(ps) > 0:
			info.LastPost = ps[len(ps)-1].At
		}
	}
	return info, nil
}

// Posts lists the channel's posts recorded since, newest first. Without
// a store (RecordPosts) there are none to list: Telegram keeps no history
// a bot can read.
func (c *Connector) Posts(ctx context.Context, since time.Time) ([]moderation.Post, error) {
	if c.isClosed() {
		return nil, errClosed
	}
	sink := c.postSink()
	if sink == nil {
		return nil, fmt.Errorf("telegram: posts: the Bot API lists no channel history; they are counted as they arrive by the daemon: %w", moderation.ErrUnsupported)
	}
	ps, err := sink.Posts(c.account, since, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("telegram: posts: %w", err)
	}
	slices.Reverse(ps)
	return ps, nil
}

func (c *Connector) postSink() postStore {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sink
}

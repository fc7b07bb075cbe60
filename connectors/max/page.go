package max

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/strazh/strazh/moderation"
)

// The channel for the public registry and the publication cadence (§1.3,
// §2.1): GET /chats/{id} for the title, link and subscribers, the
// channel's messages (GET /messages) for its posts. Everything in a
// channel is the channel's own post. MAX documents no state organisation's
// mark in its bot API, so PageInfo never reports one.

var _ moderation.PageReader = (*Connector)(nil)

// postsPerRead is one GET /messages page, the API's maximum: the channel's
// paging back in time is not used (unverified), so a channel posting more
// than this in the window is counted as this many.
const postsPerRead = 100

// PageInfo reads the channel's title, link, subscribers and last post.
func (c *Connector) PageInfo(ctx context.Context) (moderation.PageInfo, error) {
	if c.isClosed() {
		return moderation.PageInfo{}, errClosed
	}
	ch, err := c.api.Chat(ctx, c.cfg.ChannelID)
	if err != nil {
		return moderation.PageInfo{}, fmt.Errorf("max: page info: %w", err)
	}
	info := moderation.PageInfo{Name: ch.Title, URL: ch.Link, Followers: ch.ParticipantsCount}
	last, err := c.api.ChatMessages(ctx, c.cfg.ChannelID, 1)
	if err != nil {
		return moderation.PageInfo{}, fmt.Errorf("max: page info: %w", err)
	}
	if len(last) > 0 {
		info.LastPost = last[0].Time()
	}
	return info, nil
}

// Posts lists the channel's posts published at or after since, newest
// first (at most postsPerRead).
func (c *Connector) Posts(ctx context.Context, since time.Time) ([]moderation.Post, error) {
	if c.isClosed() {
		return nil, errClosed
	}
	ms, err := c.api.ChatMessages(ctx, c.cfg.ChannelID, postsPerRead)
	if err != nil {
		return nil, fmt.Errorf("max: posts: %w", err)
	}
	var out []moderation.Post
	for _, m := range ms {
		if m.Body.Mid == "" || m.Time().Before(since) {
			continue
		}
		out = append(out, moderation.Post{Network: Network, Account: c.account, ID: m.Body.Mid, URL: m.URL, At: m.Time()})
	}
	slices.SortStableFunc(out, func(a, b moderation.Post) int { return b.At.Compare(a.At) })
	return out, nil
}

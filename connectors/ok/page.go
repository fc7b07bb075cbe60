package ok

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/strazh/strazh/moderation"
)

// The group for the public registry and the publication cadence (§1.3,
// §2.1): group.getInfo for the name, link and members, the group's topics
// (mediatopic.getTopics) for its own posts.

var _ moderation.PageReader = (*Connector)(nil)

// groupInfoFields are what the registry reads. unverified: the names
// shortname and members_count (OK's docs of 2017 list them for
// group.getInfo). OK documents no state organisation's mark, so PageInfo
// never reports one.
const groupInfoFields = "uid,name,shortname,members_count"

// PageInfo reads the group's name, link and members, and the date of its
// newest own topic.
func (c *Connector) PageInfo(ctx context.Context) (moderation.PageInfo, error) {
	if c.isClosed() {
		return moderation.PageInfo{}, errClosed
	}
	var info []struct {
		UID       okID            `json:"uid"`
		Name      string          `json:"name"`
		Shortname string          `json:"shortname"`
		Members   json.RawMessage `json:"members_count"`
	}
	p := map[string]string{"uids": c.gid, "fields": groupInfoFields}
	if err := c.api.call(ctx, "group.getInfo", values(p), &info); err != nil {
		return moderation.PageInfo{}, fmt.Errorf("ok: page info: %w", err)
	}
	if len(info) == 0 {
		return moderation.PageInfo{}, fmt.Errorf("ok: page info: group %s not found", c.gid)
	}
	g := info[0]
	out := moderation.PageInfo{Name: g.Name, URL: "https://ok.ru/" + cmp.Or(g.Shortname, "group/"+c.gid)}
	_ = json.Unmarshal(g.Members, &out.Followers) // a number, or absent
	posts, err := c.ownTopics(ctx, time.Time{})
	if err != nil {
		return moderation.PageInfo{}, fmt.Errorf("ok: page info: %w", err)
	}
	if len(posts) > 0 {
		out.LastPost = posts[0].At
	}
	return out, nil
}

// Posts lists the group's own topics published at or after since, newest
// first. OK's paging of mediatopic.getTopics is unverified, so one page of
// maxTopics is read: a group posting more than that in the window is
// counted as maxTopics.
func (c *Connector) Posts(ctx context.Context, since time.Time) ([]moderation.Post, error) {
	if c.isClosed() {
		return nil, errClosed
	}
	ps, err := c.ownTopics(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("ok: posts: %w", err)
	}
	return ps, nil
}

func (c *Connector) ownTopics(ctx context.Context, since time.Time) ([]moderation.Post, error) {
	var topics struct {
		MediaTopics []struct {
			ID        string `json:"id"`
			CreatedMS int64  `json:"created_ms"`
			AuthorRef string `json:"author_ref"`
		} `json:"media_topics"`
	}
	if err := c.api.call(ctx, "mediatopic.getTopics", values(topicsParams(c.gid, maxTopics)), &topics); err != nil {
		return nil, err
	}
	var out []moderation.Post
	for _, t := range topics.MediaTopics {
		at := time.UnixMilli(t.CreatedMS)
		// A topic by a member (author_ref user:…) is not the group's own.
		if t.ID == "" || at.Before(since) || (t.AuthorRef != "" && t.AuthorRef != "group:"+c.gid) {
			continue
		}
		out = append(out, moderation.Post{Network: Network, Account: c.account, ID: t.ID,
			URL: "https://ok.ru/group/" + c.gid + "/topic/" + t.ID, At: at})
	}
	slices.SortStableFunc(out, func(a, b moderation.Post) int { return b.At.Compare(a.At) })
	return out, nil
}

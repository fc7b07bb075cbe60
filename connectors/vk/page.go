package vk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

// The page for the public registry and the publication cadence (§1.3,
// §2.1): groups.getById for the name, link, mark and members, wall.get
// filter=owner for the community's own posts.

var _ moderation.PageReader = (*Connector)(nil)

// pageGroup is a community as groups.getById gives it with pageFields.
type pageGroup struct {
	vkGroup
	Members  int `json:"members_count"`
	Verified int `json:"verified"`
	// StateMark: see stateMarked.
	StateMark json.RawMessage `json:"is_government_organization"`
}

// pageFields are the groups.getById fields the registry reads.
const pageFields = "members_count,verified," + stateMarkField

// stateMarkField is the field of the state organisation's mark (the grey
// «Государственная организация» check VK gives pages confirmed through
// Gosuslugi). unverified: VK's public API schema documents only
// "verified" (its general check, given on request to popular pages);
// "is_government_organization" is the field VK's own apps ask for. It is
// the one seam to change when VK documents the mark.
const stateMarkField = "is_government_organization"

// stateMarked reads the state mark: true, 1 or "1"; anything else (absent,
// false, 0) is no mark. VK's general "verified" check is not the state's,
// so it never counts here.
func stateMarked(g *pageGroup) bool {
	switch string(g.StateMark) {
	case "true", "1", `"1"`:
		return true
	}
	return false
}

// pagePost is one wall.get item as the cadence reads it.
type pagePost struct {
	ID       int    `json:"id"`
	FromID   int    `json:"from_id"`
	Date     int64  `json:"date"`
	PostType string `json:"post_type"`
	IsPinned int    `json:"is_pinned"`
}

// own reports whether the post is a publication of the community itself:
// from the community, an ordinary post. A repost (copy), a suggested or a
// postponed post is not one (§1.4: count post_type "post" only).
func (c *Connector) own(po *pagePost) bool {
	return po.FromID == -c.cfg.GroupID && (po.PostType == "post" || po.PostType == "")
}

// PageInfo reads the community's name, link, state mark and members
// (groups.getById, community token) and the date of its last own post
// (wall.get, user or service token; left out without one).
func (c *Connector) PageInfo(ctx context.Context) (moderation.PageInfo, error) {
	if c.isClosed() {
		return moderation.PageInfo{}, fmt.Errorf("vk: page info: %w", errClosed)
	}
	var raw json.RawMessage
	p := api.Params{"group_id": c.cfg.GroupID, "fields": pageFields}
	if err := c.api.call(ctx, community, "groups.getById", p, &raw); err != nil {
		return moderation.PageInfo{}, fmt.Errorf("vk: page info: %w", err)
	}
	gs, err := decodePageGroups(raw)
	if err != nil {
		return moderation.PageInfo{}, fmt.Errorf("vk: page info: %w", err)
	}
	if len(gs) == 0 {
		return moderation.PageInfo{}, fmt.Errorf("vk: page info: groups.getById: community %d not in the answer", c.cfg.GroupID)
	}
	g := &gs[0]
	info := moderation.PageInfo{Name: g.Name, URL: pageURL(c.cfg.GroupID, g.ScreenName),
		Verified: new(stateMarked(g)), Followers: g.Members}
	posts, err := c.ownPosts(ctx, time.Time{}, 1)
	switch {
	case errors.Is(err, moderation.ErrUnsupported):
		// No token can read the wall: the last post is left out.
	case err != nil:
		return moderation.PageInfo{}, fmt.Errorf("vk: page info: %w", err)
	case len(posts) > 0:
		info.LastPost = posts[0].At
	}
	return info, nil
}

// Posts lists the community's own posts published at or after since,
// newest first, paging wall.get (filter=owner) until an older one.
func (c *Connector) Posts(ctx context.Context, since time.Time) ([]moderation.Post, error) {
	if c.isClosed() {
		return nil, fmt.Errorf("vk: posts: %w", errClosed)
	}
	ps, err := c.ownPosts(ctx, since, 0)
	if err != nil {
		return nil, fmt.Errorf("vk: posts: %w", err)
	}
	return ps, nil
}

// maxOwnPages bounds the paging of ownPosts (100 posts a page): a page
// that posts more than 2000 times in the window is counted as 2000.
const maxOwnPages = 20

// ownPosts pages wall.get filter=owner from the newest until a post older
// than since (the pinned post, which may be old, comes first and does not
// stop it) or until limit posts (0: no limit).
func (c *Connector) ownPosts(ctx context.Context, since time.Time, limit int) ([]moderation.Post, error) {
	var out []moderation.Post
	for page, off := 0, 0; page < maxOwnPages; page++ {
		var r struct {
			Count int        `json:"count"`
			Items []pagePost `json:"items"`
		}
		p := api.Params{"owner_id": -c.cfg.GroupID, "filter": "owner", "count": pageSize, "offset": off}
		if err := c.api.call(ctx, c.read, "wall.get", p, &r); err != nil {
			return nil, err
		}
		old := false
		for i := range r.Items {
			po := &r.Items[i]
			at := time.Unix(po.Date, 0)
			if at.Before(since) {
				old = old || po.IsPinned == 0
				continue
			}
			if !c.own(po) {
				continue
			}
			out = append(out, moderation.Post{Network: Network, Account: c.account, ID: strconv.Itoa(po.ID),
				URL: postURL(c.cfg.GroupID, po.ID), At: at})
		}
		off += len(r.Items)
		if old || len(r.Items) < pageSize || off >= r.Count {
			break
		}
		if limit > 0 && len(out) > limit {
			break // past the pinned post: the newest is among them
		}
	}
	sortNewest(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// sortNewest orders posts newest first (a pinned post came first).
func sortNewest(ps []moderation.Post) {
	slices.SortStableFunc(ps, func(a, b moderation.Post) int { return b.At.Compare(a.At) })
}

// decodePageGroups reads groups.getById in either shape (see decodeGroups).
func decodePageGroups(raw json.RawMessage) ([]pageGroup, error) {
	var list []pageGroup
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var obj struct {
		Groups *[]pageGroup `json:"groups"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil || obj.Groups == nil {
		return nil, fmt.Errorf("groups.getById: neither a list nor an object with groups: %s", excerpt(raw))
	}
	return *obj.Groups, nil
}

// pageURL is the community's public link: its short name, else club<id>.
func pageURL(groupID int, screenName string) string {
	if screenName == "" {
		screenName = "club" + strconv.Itoa(groupID)
	}
	return "https://vk.com/" + screenName
}

func postURL(groupID, postID int) string {
	return fmt.Sprintf("https://vk.com/wall-%d_%d", groupID, postID)
}

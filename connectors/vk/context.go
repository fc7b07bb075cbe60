package vk

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

// maxContexts bounds the cache of post and comment texts shown as context
// on review cards; when full it starts over (as the names cache does).
const maxContexts = 20000

// postsPerCall is how many posts one wall.getById asks for (VK takes 100).
const postsPerCall = 100

// contexts caches the opening texts of posts and comments (cut to
// moderation.MaxContextText) by "owner_id" + "_" + id, so each is fetched
// once, and notes the parent of each reply delivered in the current Fetch.
// Only Fetch touches it, under fetchMu.
type contexts struct {
	posts    map[string]string
	comments map[string]string
	parents  map[string]string // comment ID → "owner_parent" of the current batch
	page     string            // the community's title (groups.getById), once known
	pageDone bool              // the title was asked for
}

func (x *contexts) put(m *map[string]string, k, text string) {
	if *m == nil || len(*m) >= maxContexts {
		*m = make(map[string]string)
	}
	(*m)[k] = moderation.CutContext(text)
}

// noteComment remembers a wall comment's text (a later reply to it needs no
// call) and, for a reply, which comment it answers.
func (c *Connector) noteComment(cm *moderation.Comment, owner int, vc *vkComment) {
	if cm.Kind != moderation.KindWallComment {
		return
	}
	o := strconv.Itoa(owner)
	c.ctx.put(&c.ctx.comments, o+"_"+strconv.Itoa(vc.ID), vc.Text)
	parent := vc.ReplyToComment
	if parent == 0 && len(vc.ParentsStack) > 0 {
		parent = vc.ParentsStack[len(vc.ParentsStack)-1]
	}
	if parent != 0 {
		cm.ReplyTo = moderation.MakeID(Network, c.account, "wall:"+o+":"+strconv.Itoa(parent))
		if c.ctx.parents == nil {
			c.ctx.parents = make(map[string]string)
		}
		c.ctx.parents[cm.ID] = o + "_" + strconv.Itoa(parent)
	}
}

// fillContext sets Comment.Context of the comments in ups: the page's
// title and, for wall comments, the post's opening text and, for a reply,
// the parent's text. What
// is not cached is asked for in one wall.getById per 100 posts and one
// wall.getComment per parent; a failure leaves the field empty (context
// is for the moderator's eyes, never a reason to hold reading back).
func (c *Connector) fillContext(ctx context.Context, ups []moderation.Update) {
	defer clear(c.ctx.parents)
	if !c.ctx.pageDone {
		c.ctx.pageDone = true
		c.ctx.page = c.pageTitle(ctx)
	}
	var missing []string
	want := map[string]bool{}
	for i := range ups {
		cm := &ups[i].Comment
		if cm.Kind != moderation.KindWallComment || ups[i].Type != moderation.UpdateComment {
			continue
		}
		if k := postKey(cm); k != "" && !want[k] {
			if _, ok := c.ctx.posts[k]; !ok {
				want[k] = true
				missing = append(missing, k)
			}
		}
	}
	for len(missing) > 0 && ctx.Err() == nil {
		n := min(len(missing), postsPerCall)
		c.fetchPosts(ctx, missing[:n])
		missing = missing[n:]
	}
	for i := range ups {
		cm := &ups[i].Comment
		if ups[i].Type != moderation.UpdateComment && ups[i].Type != moderation.UpdateRestored {
			continue
		}
		x := moderation.Context{Page: c.ctx.page}
		if cm.Kind == moderation.KindWallComment {
			x.Post = c.ctx.posts[postKey(cm)]
			if p := c.ctx.parents[cm.ID]; p != "" {
				x.Parent = c.parentText(ctx, p)
			}
		}
		if x != (moderation.Context{}) {
			cm.Context = &x
		}
	}
}

// postKey is "owner_post" of a wall comment, from its Ref ("wall:owner:id").
func postKey(cm *moderation.Comment) string {
	parts := strings.Split(cm.Ref, ":")
	if len(parts) != 3 || cm.PostID == "" {
		return ""
	}
	return parts[1] + "_" + cm.PostID
}

// fetchPosts caches the texts of posts (keys "owner_post"); posts VK does
// not return are cached empty, so they are not asked for again.
func (c *Connector) fetchPosts(ctx context.Context, keys []string) {
	var raw json.RawMessage
	if err := c.api.call(ctx, c.read, "wall.getById", api.Params{"posts": strings.Join(keys, ",")}, &raw); err != nil {
		c.log.Debug("post texts for the review cards not read", "err", err)
		return
	}
	for _, k := range keys {
		c.ctx.put(&c.ctx.posts, k, "")
	}
	for _, p := range listItems[struct {
		ID      int    `json:"id"`
		OwnerID int    `json:"owner_id"`
		Text    string `json:"text"`
	}](raw) {
		c.ctx.put(&c.ctx.posts, strconv.Itoa(p.OwnerID)+"_"+strconv.Itoa(p.ID), p.Text)
	}
}

// parentText is the cached text of comment k ("owner_id"), asked for with
// wall.getComment when not seen before.
func (c *Connector) parentText(ctx context.Context, k string) string {
	if s, ok := c.ctx.comments[k]; ok {
		return s
	}
	owner, id, _ := strings.Cut(k, "_")
	var raw json.RawMessage
	err := c.api.call(ctx, user, "wall.getComment", api.Params{"owner_id": owner, "comment_id": id}, &raw)
	if err != nil {
		c.log.Debug("parent comment for the review card not read", "err", err)
		return ""
	}
	text := ""
	if items := listItems[struct {
		Text string `json:"text"`
	}](raw); len(items) > 0 {
		text = items[0].Text
	}
	c.ctx.put(&c.ctx.comments, k, text)
	return c.ctx.comments[k]
}

// pageTitle is the community's name from groups.getById (community token).
func (c *Connector) pageTitle(ctx context.Context) string {
	var raw json.RawMessage
	if err := c.api.call(ctx, community, "groups.getById", api.Params{"group_id": c.cfg.GroupID}, &raw); err != nil {
		c.log.Debug("community title for the review cards not read", "err", err)
		return ""
	}
	var wrapped struct {
		Groups []struct {
			Name string `json:"name"`
		} `json:"groups"`
	}
	if json.Unmarshal(raw, &wrapped) == nil && len(wrapped.Groups) > 0 {
		return moderation.CutContext(wrapped.Groups[0].Name)
	}
	if gs := listItems[struct {
		Name string `json:"name"`
	}](raw); len(gs) > 0 {
		return moderation.CutContext(gs[0].Name)
	}
	return ""
}

// listItems reads a list that VK gives as an array (5.131) or as
// {"items": [...]} (5.199, §1.2); anything else is an empty list.
func listItems[T any](raw json.RawMessage) []T {
	var list []T
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var obj struct {
		Items []T `json:"items"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return obj.Items
	}
	return nil
}

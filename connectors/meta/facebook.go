package meta

import (
	"context"
	"net/url"
	"strconv"

	"github.com/strazh/strazh/moderation"
)

// Facebook Page reading (§3.1).

// fbPostFields and fbCommentFields are the fields asked of /feed and of a
// post's /comments.
const (
	fbPostFields    = "id,message,created_time,permalink_url"
	fbCommentFields = "id,message,created_time,from,parent{id},is_hidden,permalink_url"
	fbCommentsLimit = 100
	fbFeedLimit     = 100
)

type fbPost struct {
	ID        string `json:"id"`
	Message   string `json:"message"`
	Created   string `json:"created_time"`
	Permalink string `json:"permalink_url"`
}

type fbFrom struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type fbComment struct {
	ID      string  `json:"id"`
	Message string  `json:"message"`
	Created string  `json:"created_time"`
	From    *fbFrom `json:"from"`
	Parent  *struct {
		ID string `json:"id"`
	} `json:"parent"`
	Hidden    bool   `json:"is_hidden"`
	Permalink string `json:"permalink_url"`
}

// fbPosts lists the Page's newest posts (GET /{page-id}/feed), paging up
// to recent_posts.
func (c *Connector) fbPosts(ctx context.Context) ([]*postState, error) {
	var out []*postState
	var ls listing
	after := ""
	for len(out) < c.set.recentPosts {
		q := url.Values{"fields": {fbPostFields}, "limit": {strconv.Itoa(min(fbFeedLimit, c.set.recentPosts-len(out)))}}
		if after != "" {
			q.Set("after", after)
		}
		var pg page[fbPost]
		if err := c.api.get(ctx, c.set.id+"/feed", q, &pg); err != nil {
			return nil, err
		}
		added := 0
		for _, p := range pg.Data {
			t, _ := parseGraphTime(p.Created)
			if ls.add(&postState{ID: p.ID, Time: t.Unix(), URL: p.Permalink, Text: moderation.CutContext(p.Message)}) {
				added++
			}
		}
		out = ls.posts
		if after = ls.next(after, pg.after(), added); after == "" {
			break
		}
	}
	return out, nil
}

// fbComments reads a post's comments and replies (filter=stream: all
// levels, flat, with parent), newest first, until a known one.
func (c *Connector) fbComments(ctx context.Context, p *postState) ([]moderation.Update, error) {
	var ups []moderation.Update
	texts := map[string]string{}
	after := ""
	for pageN := 0; pageN < pagesPerPost; pageN++ {
		q := url.Values{"filter": {"stream"}, "order": {"reverse_chronological"},
			"fields": {fbCommentFields}, "limit": {strconv.Itoa(fbCommentsLimit)}}
		if after != "" {
			q.Set("after", after)
		}
		var pg page[fbComment]
		if err := c.api.get(ctx, p.ID+"/comments", q, &pg); err != nil {
			return nil, err
		}
		for i := range pg.Data {
			texts[pg.Data[i].ID] = pg.Data[i].Message
		}
		reached := false
		for i := range pg.Data {
			fc := &pg.Data[i]
			parent := ""
			if fc.Parent != nil {
				parent = texts[fc.Parent.ID]
			}
			cm, date := c.fbComment(p, fc, parent)
			up, ok, known := c.observe(p, cm, date)
			reached = reached || known
			if ok {
				ups = append(ups, up)
			}
		}
		if reached {
			break
		}
		if after = pg.after(); after == "" {
			break
		}
		if pageN == pagesPerPost-1 {
			c.log.Warn("more new comments under a post than a cycle reads; older ones skipped", "post_id", p.ID, "read", len(ups))
		}
	}
	return ups, nil
}

// fbComment converts a Facebook comment; parentText is the answered
// comment's text when known.
func (c *Connector) fbComment(p *postState, fc *fbComment, parentText string) (moderation.Comment, int64) {
	t := c.commentTime(fc.Created, fc.ID)
	cm := moderation.Comment{
		Network: Facebook, Account: c.account, Kind: KindPostComment,
		ID:  moderation.MakeID(Facebook, c.account, fc.ID),
		Ref: fc.ID, PostID: p.ID, Permalink: fc.Permalink, Text: fc.Message, Created: t,
		Author:  c.fbAuthor(fc.From),
		Context: c.context(p, parentText),
	}
	// A reply names its parent comment (a top-level comment's parent, in
	// a webhook, is the post): the page's or a manager's reply answers
	// the appeal it is under.
	if fc.Parent != nil && fc.Parent.ID != "" && fc.Parent.ID != p.ID {
		cm.ReplyTo = moderation.MakeID(Facebook, c.account, fc.Parent.ID)
	}
	if cm.Permalink == "" {
		cm.Permalink = p.URL
	}
	return cm, t.Unix()
}

// fbAuthor: `from` comes only with a Page token (§3.1); the Page itself
// and the managers named in the config are never moderated.
func (c *Connector) fbAuthor(f *fbFrom) moderation.Author {
	if f == nil {
		return moderation.Author{}
	}
	a := moderation.Author{ID: f.ID, Name: f.Name, IsPage: f.ID == c.set.id}
	a.IsManager = !a.IsPage && c.manager[f.ID]
	if f.ID != "" {
		a.ProfileURL = "https://www.facebook.com/" + f.ID
	}
	return a
}

package meta

import (
	"context"
	"net/url"
	"strconv"

	"github.com/strazh/strazh/moderation"
)

// Instagram reading (§4).

const (
	igMediaFields = "id,caption,timestamp,permalink,comments_count"
	// igCommentFields asks for the replies with each comment by field
	// expansion, saving a /replies call per comment. unverified: that
	// `replies{...}` expands on /{ig-media-id}/comments (the docs show
	// GET /{ig-comment-id}/replies).
	igCommentFields = "id,text,timestamp,username,from{id,username},hidden,parent_id," +
		"replies{id,text,timestamp,username,from{id,username},hidden,parent_id}"
	igCommentsLimit = 50
	igMediaLimit    = 100
)

type igMedia struct {
	ID        string `json:"id"`
	Caption   string `json:"caption"`
	Timestamp string `json:"timestamp"`
	Permalink string `json:"permalink"`
}

type igFrom struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

type igComment struct {
	ID        string  `json:"id"`
	Text      string  `json:"text"`
	Timestamp string  `json:"timestamp"`
	Username  string  `json:"username"`
	From      *igFrom `json:"from"`
	Hidden    bool    `json:"hidden"`
	ParentID  string  `json:"parent_id"`
	Replies   *struct {
		Data []igComment `json:"data"`
	} `json:"replies"`
}

// igMedia lists the account's newest media (GET /{ig-user-id}/media).
func (c *Connector) igMedia(ctx context.Context) ([]*postState, error) {
	var out []*postState
	var ls listing
	after := ""
	for len(out) < c.set.recentPosts {
		q := url.Values{"fields": {igMediaFields}, "limit": {strconv.Itoa(min(igMediaLimit, c.set.recentPosts-len(out)))}}
		if after != "" {
			q.Set("after", after)
		}
		var pg page[igMedia]
		if err := c.api.get(ctx, c.set.id+"/media", q, &pg); err != nil {
			return nil, err
		}
		added := 0
		for _, m := range pg.Data {
			t, _ := parseGraphTime(m.Timestamp)
			if ls.add(&postState{ID: m.ID, Time: t.Unix(), URL: m.Permalink, Text: moderation.CutContext(m.Caption)}) {
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

// igComments reads a media's comments with their replies. unverified:
// that Instagram lists comments newest first (reading stops at the first
// page holding a known comment; a reply to an older comment is caught by
// the webhook).
func (c *Connector) igComments(ctx context.Context, p *postState) ([]moderation.Update, error) {
	var ups []moderation.Update
	after := ""
	for pageN := 0; pageN < pagesPerPost; pageN++ {
		q := url.Values{"fields": {igCommentFields}, "limit": {strconv.Itoa(igCommentsLimit)}}
		if after != "" {
			q.Set("after", after)
		}
		var pg page[igComment]
		if err := c.api.get(ctx, p.ID+"/comments", q, &pg); err != nil {
			return nil, err
		}
		reached := false
		for i := range pg.Data {
			top := &pg.Data[i]
			cm, date := c.igComment(p, top, "")
			up, ok, known := c.observe(p, cm, date)
			reached = reached || known
			if ok {
				ups = append(ups, up)
			}
			if top.Replies == nil {
				continue
			}
			for j := range top.Replies.Data {
				r := &top.Replies.Data[j]
				if r.ParentID == "" {
					r.ParentID = top.ID // replies attach to the top level (§4)
				}
				cm, date := c.igComment(p, r, top.Text)
				if up, ok, _ := c.observe(p, cm, date); ok {
					ups = append(ups, up)
				}
			}
		}
		if reached {
			break
		}
		if after = pg.after(); after == "" {
			break
		}
	}
	return ups, nil
}

// igComment converts an Instagram comment.
func (c *Connector) igComment(p *postState, ic *igComment, parentText string) (moderation.Comment, int64) {
	t := c.commentTime(ic.Timestamp, ic.ID)
	cm := moderation.Comment{
		Network: Instagram, Account: c.account, Kind: KindMediaComment,
		ID:  moderation.MakeID(Instagram, c.account, ic.ID),
		Ref: ic.ID, Text: ic.Text, Created: t,
		Author: c.igAuthor(ic.From, ic.Username),
	}
	if p != nil {
		cm.PostID, cm.Permalink = p.ID, p.URL
	}
	cm.Context = c.context(p, parentText)
	if ic.ParentID != "" {
		cm.ReplyTo = moderation.MakeID(Instagram, c.account, ic.ParentID)
	}
	return cm, t.Unix()
}

// igAuthor: the account itself and the managers named in the config
// (matched on from.id only) are never moderated.
func (c *Connector) igAuthor(f *igFrom, username string) moderation.Author {
	a := moderation.Author{Name: username}
	if f != nil {
		a.ID = f.ID
		if f.Username != "" {
			a.Name = f.Username
		}
		a.IsManager = f.ID != c.set.id && c.manager[f.ID]
	}
	if a.ID == "" {
		a.ID = username // no id without from{}: the username still names the author
	}
	a.IsPage = a.ID == c.set.id
	if a.Name != "" {
		a.ProfileURL = "https://www.instagram.com/" + a.Name + "/"
	}
	return a
}

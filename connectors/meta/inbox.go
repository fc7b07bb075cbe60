package meta

import (
	"cmp"
	"encoding/json"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
)

// drain turns the webhook deliveries stored after the cursor into updates
// and moves the cursor over them. An unreadable delivery is logged and
// passed over: polling reads the comment it was about.
func (c *Connector) drain(cur *cursor) ([]moderation.Update, error) {
	var ups []moderation.Update
	err := c.inbox.InboxAfter(c.account, cur.Inbox, inboxBatch, func(seq uint64, body []byte) error {
		cur.Inbox = seq
		var d delivery
		if err := json.Unmarshal(body, &d); err != nil {
			c.log.Warn("unreadable webhook delivery skipped; polling covers it", "seq", seq, "err", err)
			return nil
		}
		if up, ok := c.fromDelivery(cur, &d); ok {
			ups = append(ups, up)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ups, nil
}

// fbChange is the value of a Page `feed` change (§3.3).
type fbChange struct {
	Item      string  `json:"item"`
	Verb      string  `json:"verb"`
	CommentID string  `json:"comment_id"`
	PostID    string  `json:"post_id"`
	ParentID  string  `json:"parent_id"`
	From      *fbFrom `json:"from"`
	Message   string  `json:"message"`
	Created   int64   `json:"created_time"` // unix seconds here
}

// igChange is the value of an Instagram `comments` change (§4).
type igChange struct {
	ID    string  `json:"id"`
	Text  string  `json:"text"`
	From  *igFrom `json:"from"`
	Media *struct {
		ID string `json:"id"`
	} `json:"media"`
	ParentID string `json:"parent_id"`
}

// fromDelivery converts one stored change; comments of the account's
// own posts update the cursor's memory, so polling does not deliver them
// again.
func (c *Connector) fromDelivery(cur *cursor, d *delivery) (moderation.Update, bool) {
	var ch struct {
		Field string          `json:"field"`
		Value json.RawMessage `json:"value"`
	}
	if json.Unmarshal(d.Change, &ch) != nil {
		return moderation.Update{}, false
	}
	switch {
	case c.network == Facebook && d.Object == "page" && ch.Field == "feed":
		var v fbChange
		if json.Unmarshal(ch.Value, &v) != nil || v.Item != "comment" || v.CommentID == "" {
			return moderation.Update{}, false
		}
		p := cur.post(v.PostID)
		if v.Verb == verbRemove {
			cm := moderation.Comment{Network: Facebook, Account: c.account, Kind: KindPostComment,
				ID: moderation.MakeID(Facebook, c.account, v.CommentID), Ref: v.CommentID, PostID: v.PostID}
			return moderation.Update{Type: moderation.UpdateDeleted, Comment: cm, By: "webhook"}, true
		}
		if v.Verb != verbAdd && v.Verb != verbEdited {
			return moderation.Update{}, false
		}
		created := v.Created
		if created <= 0 {
			// No created_time (or 0): the entry's time, else now. Dated
			// 1970 it would be passed over as older than strazh's start,
			// and the post's memory would keep polling from reading it.
			created = cmp.Or(max(d.Time, 0), time.Now().Unix())
		}
		fc := fbComment{ID: v.CommentID, Message: v.Message, From: v.From,
			Created: time.Unix(created, 0).UTC().Format(graphTime)}
		if v.ParentID != "" {
			fc.Parent = &struct {
				ID string `json:"id"`
			}{v.ParentID}
		}
		post := p
		if post == nil {
			post = &postState{ID: v.PostID}
		}
		cm, date := c.fbComment(post, &fc, "")
		if v.Verb == verbEdited {
			cm.Edited = time.Unix(d.Time, 0)
		}
		return c.pushed(p, cm, date)
	case c.network == Instagram && d.Object == "instagram" && ch.Field == "comments":
		var v igChange
		if json.Unmarshal(ch.Value, &v) != nil || v.ID == "" {
			return moderation.Update{}, false
		}
		var p *postState
		if v.Media != nil {
			p = cur.post(v.Media.ID)
		}
		// The change carries no timestamp: the entry's time stands in,
		// else the arrival (never 1970, see the Facebook case).
		ic := igComment{ID: v.ID, Text: v.Text, From: v.From, ParentID: v.ParentID,
			Timestamp: time.Unix(cmp.Or(max(d.Time, 0), time.Now().Unix()), 0).UTC().Format(graphTime)}
		post := p
		if post == nil && v.Media != nil {
			post = &postState{ID: v.Media.ID}
		}
		cm, date := c.igComment(post, &ic, "")
		return c.pushed(p, cm, date)
	}
	return moderation.Update{}, false
}

// pushed delivers a pushed comment, noting it in the post's memory when
// the post is known; the pipeline drops a version it decided already.
func (c *Connector) pushed(p *postState, cm moderation.Comment, date int64) (moderation.Update, bool) {
	if p != nil {
		p.see(cm.Ref, cm.Version(), date)
	}
	return moderation.Update{Type: moderation.UpdateComment, Comment: cm}, true
}

// Committed drops the deliveries the committed cursor covers
// (moderation.Committer).
func (c *Connector) Committed(raw []byte) {
	cur, err := decodeCursor(raw)
	if err != nil || cur.Inbox == 0 {
		return
	}
	if err := c.inbox.DropInbox(c.account, cur.Inbox); err != nil {
		c.log.Warn("cannot drop decided webhook deliveries; they are read again after a restart", "err", err)
	}
}

// memInbox keeps deliveries in memory: for a connector given no store
// (tests, `strazh check`). A restart loses what it holds; polling then
// reads those comments.
type memInbox struct {
	mu    sync.Mutex
	seq   map[string]uint64
	items map[string][]memItem
	keys  map[string]bool
}

type memItem struct {
	seq  uint64
	body []byte
}

func newMemInbox() *memInbox {
	return &memInbox{seq: map[string]uint64{}, items: map[string][]memItem{}, keys: map[string]bool{}}
}

func (m *memInbox) PutInbox(account, key string, body []byte) (uint64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := account + "\x00" + key
	if m.keys[k] {
		return 0, false, nil
	}
	m.keys[k] = true
	m.seq[account]++
	s := m.seq[account]
	m.items[account] = append(m.items[account], memItem{s, append([]byte(nil), body...)})
	return s, true, nil
}

func (m *memInbox) InboxAfter(account string, seq uint64, limit int, fn func(uint64, []byte) error) error {
	m.mu.Lock()
	var list []memItem
	for _, it := range m.items[account] {
		if it.seq > seq && len(list) < limit {
			list = append(list, it)
		}
	}
	m.mu.Unlock()
	for _, it := range list {
		if err := fn(it.seq, it.body); err != nil {
			return err
		}
	}
	return nil
}

func (m *memInbox) DropInbox(account string, upTo uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	list := m.items[account]
	i := 0
	for i < len(list) && list[i].seq <= upTo {
		i++
	}
	m.items[account] = list[i:]
	return nil
}

package meta

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// cursorVersion is the format of the cursor below.
const cursorVersion = 1

// keepPerPost bounds the comments remembered per post, and so the cursor
// (100 posts × 50 ≈ 200 KB of JSON, written with every batch). Anything
// older than the oldest remembered counts as read (Low), so reading still
// stops there; an edit of an older comment is seen by the webhook only.
const keepPerPost = 50

// cursor is what the pipeline persists for a Facebook Page or an
// Instagram account (as JSON).
type cursor struct {
	V int `json:"v"`
	// Posts are the recent posts (media), newest first.
	Posts []*postState `json:"p,omitempty"`
	// Inbox is the last webhook delivery this cursor covers.
	Inbox uint64 `json:"i,omitempty"`
}

// postState is what was read of one post's comments.
type postState struct {
	ID   string `json:"id"`
	Time int64  `json:"t"` // created, unix seconds
	URL  string `json:"u,omitempty"`
	Text string `json:"x,omitempty"` // opening of the post, for the card's context
	// Seen maps the newest comments' ids to their text version and date, so
	// an edit (a new version) is seen and nothing is delivered twice.
	Seen map[string]seen `json:"s,omitempty"`
	// Low is the date of the oldest comment in Seen once it was pruned:
	// anything older was read before, and is not delivered again.
	Low int64 `json:"l,omitempty"`
}

type seen struct {
	V uint32 `json:"v"` // low bits of moderation.Comment.Version
	D int64  `json:"d"` // created, unix seconds
}

func decodeCursor(raw []byte) (cursor, error) {
	cur := cursor{V: cursorVersion}
	if len(raw) == 0 {
		return cur, nil
	}
	if err := json.Unmarshal(raw, &cur); err != nil {
		return cursor{V: cursorVersion}, fmt.Errorf("cursor: %w", err)
	}
	if cur.V != cursorVersion {
		return cursor{V: cursorVersion}, fmt.Errorf("cursor: unknown version %d", cur.V)
	}
	for _, p := range cur.Posts {
		if p == nil {
			return cursor{V: cursorVersion}, fmt.Errorf("cursor: empty post")
		}
	}
	return cur, nil
}

func (c *cursor) encode() []byte {
	b, _ := json.Marshal(c) // cannot fail: strings and ints
	return b
}

// post finds a post by id.
func (c *cursor) post(id string) *postState {
	for _, p := range c.Posts {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// setPosts replaces the list with the network's newest posts, keeping what
// was read of those known; at most n.
func (c *cursor) setPosts(latest []*postState, n int) {
	out := make([]*postState, 0, min(len(latest), n))
	for _, p := range latest {
		if len(out) == n {
			break
		}
		if old := c.post(p.ID); old != nil {
			old.Text, old.URL = p.Text, p.URL
			p = old
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b *postState) int { return int(b.Time - a.Time) })
	c.Posts = out
}

// known reports whether a comment was delivered before (in Seen or older
// than memory), and with which version.
func (p *postState) known(id string, date int64) (seen, bool) {
	if s, ok := p.Seen[id]; ok {
		return s, true
	}
	return seen{}, date < p.Low
}

// see records a delivered comment and prunes the memory.
func (p *postState) see(id string, v uint64, date int64) {
	if p.Seen == nil {
		p.Seen = map[string]seen{}
	}
	p.Seen[id] = seen{V: uint32(v), D: date}
	if len(p.Seen) <= keepPerPost {
		return
	}
	dates := slices.Sorted(func(yield func(int64) bool) {
		for _, s := range p.Seen {
			if !yield(s.D) {
				return
			}
		}
	})
	low := dates[len(dates)-keepPerPost]
	for _, k := range slices.Sorted(maps.Keys(p.Seen)) {
		if p.Seen[k].D < low {
			delete(p.Seen, k)
		}
	}
	p.Low = max(p.Low, low)
}

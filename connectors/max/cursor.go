package max

import (
	"encoding/json"
	"fmt"
	"slices"
)

// cursorVersion is the format of the cursor below.
const cursorVersion = 1

// cursor is what the pipeline persists for a MAX account (as JSON).
type cursor struct {
	V int `json:"v"`
	// Marker is the /updates position (nil: none yet, MAX gives the latest).
	Marker *int64 `json:"marker,omitempty"`
	// Posts are the recent posts, newest first, at most recent_posts.
	Posts []postPos `json:"posts,omitempty"`
}

// postPos is how far a post's comments were read: the newest comment
// time seen and the comments at exactly that millisecond.
type postPos struct {
	Mid   string   `json:"mid"`
	Time  int64    `json:"t"` // the post's time, Unix ms
	URL   string   `json:"url,omitempty"`
	After int64    `json:"after,omitempty"`
	AtMid []string `json:"at,omitempty"`
	// Back is what is left of a burst of new comments larger than a cycle
	// reads (nil: nothing).
	Back *backlog `json:"back,omitempty"`
}

// backlog is the part of a burst not read yet: the comments older than
// Before (Unix ms, exclusive: the next page's before) down to the post's
// position before the burst (After, AtMid).
type backlog struct {
	Before int64    `json:"before"`
	After  int64    `json:"after,omitempty"`
	AtMid  []string `json:"at,omitempty"`
	// Read are the comments of Before's millisecond (Before-1) delivered
	// already: the next page asks for that millisecond again.
	Read []string `json:"read,omitempty"`
}

// known reports whether a comment at ts with mid was read before the burst.
func (b *backlog) known(ts int64, mid string) bool {
	return ts < b.After || (ts == b.After && slices.Contains(b.AtMid, mid))
}

// known reports whether a comment at ts with mid was read before.
func (p *postPos) known(ts int64, mid string) bool {
	return ts < p.After || (ts == p.After && slices.Contains(p.AtMid, mid))
}

// see moves the position over a comment.
func (p *postPos) see(ts int64, mid string) {
	switch {
	case ts > p.After:
		p.After, p.AtMid = ts, []string{mid}
	case ts == p.After && !slices.Contains(p.AtMid, mid):
		p.AtMid = append(p.AtMid, mid)
	}
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
	// The pipeline may hand the same cursor back; never share its slices.
	cur.Posts = slices.Clone(cur.Posts)
	for i := range cur.Posts {
		cur.Posts[i].AtMid = slices.Clone(cur.Posts[i].AtMid)
		if b := cur.Posts[i].Back; b != nil {
			cp := *b
			cp.AtMid, cp.Read = slices.Clone(b.AtMid), slices.Clone(b.Read)
			cur.Posts[i].Back = &cp
		}
	}
	return cur, nil
}

func (c *cursor) encode() []byte {
	b, _ := json.Marshal(c) // cannot fail: ints and strings
	return b
}

// addPost puts a post in its place (newest first) unless known, keeping
// at most n posts.
func (c *cursor) addPost(p postPos, n int) {
	for _, q := range c.Posts {
		if q.Mid == p.Mid {
			return
		}
	}
	i, _ := slices.BinarySearchFunc(c.Posts, p.Time, func(q postPos, t int64) int {
		switch {
		case q.Time > t:
			return -1
		case q.Time < t:
			return 1
		}
		return 0
	})
	c.Posts = slices.Insert(c.Posts, i, p)
	if len(c.Posts) > n {
		c.Posts = c.Posts[:n]
	}
}

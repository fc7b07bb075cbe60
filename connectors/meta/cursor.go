package meta

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
)

// cursorVersion is the format of the cursor below. Version 1 kept Seen as
// a JSON object of comment ids (about 65 bytes a comment, 230–290 KB for
// 100 busy posts, written with every batch); it is still read.
const cursorVersion = 2

// keepPerPost bounds the comments remembered per post, and so the cursor
// (100 posts × 50 ≈ 70 KB, written with every batch). Anything older than
// the oldest remembered counts as read (Low), so reading still stops
// there; an edit of an older comment is seen by the webhook only.
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
	// Seen maps the newest comments (a hash of their id) to their text
	// version and date, so an edit (a new version) is seen and nothing is
	// delivered twice. Two ids of one post sharing a hash at worst deliver
	// a comment again as an edit, which the pipeline drops by its version.
	Seen map[uint32]seen `json:"-"`
	// Packed is Seen in the file: per comment the id hash (4 bytes), the
	// version (4) and the date after the post's as a zigzag varint, in
	// hash order, base64.
	Packed string `json:"k,omitempty"`
	// SeenV1 is Seen as version 1 wrote it (read only).
	SeenV1 map[string]seen `json:"s,omitempty"`
	// Low is the date of the oldest comment in Seen once it was pruned:
	// anything older was read before, and is not delivered again.
	Low int64 `json:"l,omitempty"`
}

type seen struct {
	V uint32 `json:"v"` // low bits of moderation.Comment.Version
	D int64  `json:"d"` // created, unix seconds
}

// seenKey is the hash a comment id is remembered by: 32 bits are plenty
// among a post's 50 newest (two sharing one are told apart by version).
func seenKey(id string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()
}

func decodeCursor(raw []byte) (cursor, error) {
	cur := cursor{V: cursorVersion}
	if len(raw) == 0 {
		return cur, nil
	}
	if err := json.Unmarshal(raw, &cur); err != nil {
		return cursor{V: cursorVersion}, fmt.Errorf("cursor: %w", err)
	}
	if cur.V != cursorVersion && cur.V != 1 {
		return cursor{V: cursorVersion}, fmt.Errorf("cursor: unknown version %d", cur.V)
	}
	for i, p := range cur.Posts {
		if p == nil {
			return cursor{V: cursorVersion}, fmt.Errorf("cursor: empty post")
		}
		if err := p.unpack(); err != nil {
			return cursor{V: cursorVersion}, fmt.Errorf("cursor: post %d (%s): %w", i, p.ID, err)
		}
	}
	cur.V = cursorVersion
	return cur, nil
}

// unpack fills Seen from Packed, or from a version 1 SeenV1.
func (p *postState) unpack() error {
	if len(p.SeenV1) > 0 {
		p.Seen = make(map[uint32]seen, len(p.SeenV1))
		for id, s := range p.SeenV1 {
			p.Seen[seenKey(id)] = s
		}
		p.SeenV1 = nil
	}
	if p.Packed == "" {
		return nil
	}
	b, err := base64.RawStdEncoding.DecodeString(p.Packed)
	if err != nil {
		return fmt.Errorf("seen comments: %w", err)
	}
	p.Packed = ""
	p.Seen = make(map[uint32]seen, len(b)/10)
	for len(b) > 0 {
		if len(b) < 9 {
			return fmt.Errorf("seen comments: %d bytes left over", len(b))
		}
		k, v := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])
		d, n := binary.Varint(b[8:])
		if n <= 0 {
			return fmt.Errorf("seen comments: bad date")
		}
		p.Seen[k] = seen{V: v, D: p.Time + d}
		b = b[8+n:]
	}
	return nil
}

// pack is Seen as Packed.
func (p *postState) pack() string {
	if len(p.Seen) == 0 {
		return ""
	}
	b := make([]byte, 0, len(p.Seen)*12)
	for _, k := range slices.Sorted(maps.Keys(p.Seen)) {
		s := p.Seen[k]
		b = binary.LittleEndian.AppendUint32(b, k)
		b = binary.LittleEndian.AppendUint32(b, s.V)
		b = binary.AppendVarint(b, s.D-p.Time)
	}
	return base64.RawStdEncoding.EncodeToString(b)
}

func (c *cursor) encode() []byte {
	out := cursor{V: cursorVersion, Inbox: c.Inbox, Posts: make([]*postState, len(c.Posts))}
	for i, p := range c.Posts {
		q := *p
		q.Packed, q.SeenV1 = p.pack(), nil
		out.Posts[i] = &q
	}
	b, _ := json.Marshal(out) // cannot fail: strings and ints
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
	if s, ok := p.Seen[seenKey(id)]; ok {
		return s, true
	}
	return seen{}, date < p.Low
}

// see records a delivered comment and prunes the memory.
func (p *postState) see(id string, v uint64, date int64) {
	if p.Seen == nil {
		p.Seen = map[uint32]seen{}
	}
	p.Seen[seenKey(id)] = seen{V: uint32(v), D: date}
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

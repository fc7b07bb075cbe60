package vk

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// cursorVersion is the format of the cursor below.
const cursorVersion = 1

// maxCursorPosts bounds the per-post map between catch-ups, which prune it
// to the catch-up window.
const maxCursorPosts = 2000

// cursor is what the pipeline persists for a VK account (as JSON).
type cursor struct {
	V int `json:"v"`
	// Ts is the long-poll position: the ts of the next a_check.
	Ts string `json:"ts,omitempty"`
	// Posts maps a wall post id to the highest comment id seen under it;
	// Topics a board topic id to its highest post id. Catch-up reads on
	// from there.
	Posts  map[int]int `json:"posts,omitempty"`
	Topics map[int]int `json:"topics,omitempty"`
	// Videos and Market map a video or market item to the highest comment
	// id seen under it; Peers a dialog to its last message id. Catch-up
	// reads on from there.
	Videos map[int]int `json:"videos,omitempty"`
	Market map[int]int `json:"market,omitempty"`
	Peers  map[int]int `json:"peers,omitempty"`
	// Photo is the highest photo comment id seen (photos.getAllComments
	// cannot start from one; the catch-up skips ids up to it).
	Photo int `json:"photo,omitempty"`
	// Sums is, per wall post, a hash of the versions of the comments the
	// last catch-up read (top level and the first replies of each thread)
	// up to an id: a different hash over the same ids means a comment was
	// edited (or deleted) meanwhile, so the post's comments are delivered
	// again and the pipeline decides the changed versions.
	Sums map[int]postSum `json:"sums,omitempty"`
	// Threads maps the first comment of a thread longer than the replies a
	// wall.getComments page carries to its reply count: a thread is read
	// again only when its count changed.
	Threads map[int]int `json:"threads,omitempty"`
	// Caught is when the last catch-up finished (unix seconds).
	Caught int64 `json:"caught,omitempty"`
	// Gap is set while a catch-up is owed and has not read through: the
	// long poll lost history (failed:3, failed:1 skipping ahead) or strazh
	// restarted, and the catch-up failed (a broken user token, say). It
	// keeps the positions from before the gap, since later comments move
	// Posts and Topics past it; the catch-up reads from these until one
	// succeeds, after the token is fixed and across restarts.
	Gap *gap `json:"gap,omitempty"`
}

// gap is the reading position from when events may have been missed.
type gap struct {
	Posts  map[int]int `json:"posts,omitempty"`
	Topics map[int]int `json:"topics,omitempty"`
	Videos map[int]int `json:"videos,omitempty"`
	Market map[int]int `json:"market,omitempty"`
	Peers  map[int]int `json:"peers,omitempty"`
	Photo  int         `json:"photo,omitempty"`
	Caught int64       `json:"caught,omitempty"`
}

// postSum is the version hash of a post's comments with ids up to Max.
type postSum struct {
	Max int    `json:"m"`
	Sum uint64 `json:"s"`
}

// openGap records that a catch-up is owed from the current positions,
// unless one is owed already (its positions are older, so they stay).
func (c *cursor) openGap() {
	if c.Gap == nil {
		c.Gap = &gap{Posts: maps.Clone(c.Posts), Topics: maps.Clone(c.Topics), Videos: maps.Clone(c.Videos),
			Market: maps.Clone(c.Market), Peers: maps.Clone(c.Peers), Photo: c.Photo, Caught: c.Caught}
	}
}

// photoStart is the highest photo comment id seen before the gap.
func (c *cursor) photoStart() int {
	if c.Gap != nil {
		return c.Gap.Photo
	}
	return c.Photo
}

// videoStart, marketStart and peerStart are postStart for a video, a
// market item and a dialog.
func (c *cursor) videoStart(id int) int {
	if c.Gap != nil {
		return c.Gap.Videos[id]
	}
	return c.Videos[id]
}

func (c *cursor) marketStart(id int) int {
	if c.Gap != nil {
		return c.Gap.Market[id]
	}
	return c.Market[id]
}

func (c *cursor) peerStart(id int) int {
	if c.Gap != nil {
		return c.Gap.Peers[id]
	}
	return c.Peers[id]
}

// postStart is where the catch-up reads a post's comments from: the
// position before the gap, when one is open. A post the gap does not know
// had no comment seen before it: read from the start.
func (c *cursor) postStart(post int) int {
	if c.Gap != nil {
		return c.Gap.Posts[post]
	}
	return c.Posts[post]
}

// topicStart is postStart for a board topic.
func (c *cursor) topicStart(topic int) int {
	if c.Gap != nil {
		return c.Gap.Topics[topic]
	}
	return c.Topics[topic]
}

// caughtAt is when the catch-up before the gap finished.
func (c *cursor) caughtAt() int64 {
	if c.Gap != nil {
		return c.Gap.Caught
	}
	return c.Caught
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
	// The pipeline may hand the same cursor back; never share its maps.
	cur.Posts = maps.Clone(cur.Posts)
	cur.Topics = maps.Clone(cur.Topics)
	cur.Videos = maps.Clone(cur.Videos)
	cur.Market = maps.Clone(cur.Market)
	cur.Peers = maps.Clone(cur.Peers)
	cur.Sums = maps.Clone(cur.Sums)
	cur.Threads = maps.Clone(cur.Threads)
	return cur, nil
}

func (c *cursor) encode() []byte {
	b, _ := json.Marshal(c) // cannot fail: ints and strings
	return b
}

// see records a comment id under a post (or topic) in m.
func see(m *map[int]int, object, id int) {
	if *m == nil {
		*m = map[int]int{}
	}
	if id > (*m)[object] {
		(*m)[object] = id
	}
	if len(*m) > maxCursorPosts {
		keys := slices.Sorted(maps.Keys(*m))
		for _, k := range keys[:len(keys)-maxCursorPosts] {
			delete(*m, k)
		}
	}
}

// eventSet remembers delivered event_ids with the long-poll position of the
// answer that carried them, so that an event VK sends again (after failed:1)
// is dropped, while one the pipeline asks for again by handing back an older
// cursor is delivered again.
type eventSet struct {
	pos   map[string]int64
	order []string // oldest first, for eviction
	max   int
}

// newEventSet keeps up to n ids. It grows with use, so an idle page costs
// next to nothing (pre-sized, it took 0.9 MB per page).
func newEventSet(n int) eventSet {
	return eventSet{pos: make(map[string]int64), max: n}
}

// delivered reports whether id was delivered in an answer at or before the
// cursor position from (which the pipeline therefore has).
func (s *eventSet) delivered(id, from string) bool {
	p, ok := s.pos[id]
	if !ok {
		return false
	}
	f, err := strconv.ParseInt(from, 10, 64)
	return err == nil && p <= f
}

// add records id as delivered in the answer ending at position at.
func (s *eventSet) add(id, at string) {
	p, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return
	}
	if _, ok := s.pos[id]; !ok {
		s.order = append(s.order, id)
	}
	s.pos[id] = p
	if len(s.order) > s.max {
		drop := s.order[:len(s.order)-s.max]
		for _, d := range drop {
			delete(s.pos, d)
		}
		s.order = slices.Clone(s.order[len(drop):])
	}
}

package ok

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// cursorVersion is the format of the cursor below.
const cursorVersion = 1

const (
	// keepPerTopic bounds the comments remembered per topic: more than one
	// page, so the newest page a cycle reads is always known.
	keepPerTopic = 150
	// keepAuthors bounds the author → comment map named by unplaced bans.
	keepAuthors = 1000
)

// cursor is what the pipeline persists for an OK account (as JSON).
type cursor struct {
	V int `json:"v"`
	// Topics maps a watched topic id to what was read of it.
	Topics map[string]*topicState `json:"t,omitempty"`
	// Authors maps an author to the ref of a comment of theirs read (the
	// last noted: a cycle reads newest first), named when a ban carried
	// from another page cannot be placed.
	Authors map[string]string `json:"a,omitempty"`
}

// topicState is what was read of one topic's comments.
type topicState struct {
	// Seen maps the newest comments' ids to their version and date, so an
	// edit (a new version) is seen and nothing is delivered twice.
	Seen map[string]seen `json:"s,omitempty"`
	// Low is the date (unix seconds) of the oldest comment in Seen:
	// anything older was read before or is out of memory, and is not
	// delivered again.
	Low int64 `json:"l,omitempty"`
}

type seen struct {
	V uint32 `json:"v"` // low bits of moderation.Comment.Version
	D int64  `json:"d"` // date, unix seconds
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
	return cur, nil
}

func (c *cursor) encode() []byte {
	b, _ := json.Marshal(c) // cannot fail: strings and ints
	return b
}

// prune keeps the newest keepPerTopic comments (and all of those sharing
// the oldest kept date) and moves Low up to them.
func (t *topicState) prune() {
	if len(t.Seen) <= keepPerTopic {
		return
	}
	dates := make([]int64, 0, len(t.Seen))
	for _, s := range t.Seen {
		dates = append(dates, s.D)
	}
	slices.Sort(dates)
	low := dates[len(dates)-keepPerTopic]
	for id, s := range t.Seen {
		if s.D < low {
			delete(t.Seen, id)
		}
	}
	t.Low = max(t.Low, low)
}

// noteAuthor records a comment ref of author, bounding the map.
func (c *cursor) noteAuthor(author, ref string) {
	if c.Authors == nil {
		c.Authors = map[string]string{}
	}
	c.Authors[author] = ref
	if len(c.Authors) > keepAuthors {
		for _, k := range slices.Sorted(maps.Keys(c.Authors))[:len(c.Authors)-keepAuthors] {
			if k != author {
				delete(c.Authors, k)
			}
		}
	}
}

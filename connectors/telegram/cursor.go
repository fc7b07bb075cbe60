package telegram

import (
	"encoding/json"
	"fmt"
)

// cursorVersion is the format of the cursor below.
const cursorVersion = 1

// maxPosts bounds the channel posts remembered in the cursor.
const maxPosts = 200

// cursor is what the pipeline persists for a Telegram account (as JSON).
type cursor struct {
	V int `json:"v"`
	// Offset is the getUpdates offset: the next update_id to read.
	Offset int64 `json:"offset,omitempty"`
	// Posts are the message ids, in the discussion group, of the latest
	// automatic forwards of the channel's posts: the roots of the comment
	// threads, so replies in a thread opened before a restart are still
	// known as comments. Oldest first.
	Posts []int64 `json:"posts,omitempty"`
	// Since is when the channel's own posts began to be counted (unix
	// seconds; 0 in a cursor from before they were): the Bot API lists no
	// history, so a week starting earlier is counted short.
	Since int64 `json:"since,omitempty"`
}

func decodeCursor(b []byte) (cursor, error) {
	var c cursor
	if len(b) == 0 {
		return cursor{V: cursorVersion}, nil
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return cursor{}, fmt.Errorf("cursor: %w", err)
	}
	if c.V != cursorVersion {
		return cursor{}, fmt.Errorf("cursor: version %d, want %d", c.V, cursorVersion)
	}
	return c, nil
}

func (c cursor) encode() []byte {
	b, _ := json.Marshal(c) // plain ints: cannot fail
	return b
}

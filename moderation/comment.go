// Package moderation is the core of strazh: the comment model, decisions,
// the pipeline and the small interfaces it consumes (connectors, the rule
// engine, the store and the human reviewer). It imports no SDK, no bbolt and
// no Telegram code; those live in children and adapters that cmd/strazh wires.
package moderation

import (
	"hash/fnv"
	"time"
)

// Kind says where on the network a comment lives.
type Kind string

// Kinds of moderated content. Connectors may add their own.
const (
	KindWallComment   Kind = "wall_comment"
	KindPhotoComment  Kind = "photo_comment"
	KindVideoComment  Kind = "video_comment"
	KindMarketComment Kind = "market_comment"
	KindBoardPost     Kind = "board_post"
	KindMessage       Kind = "message" // a private message to the page
)

// Author is who wrote a comment, as the network knows them.
type Author struct {
	ID         string `json:"id"`                    // network's user ID, as a string ("123", "-456" for a community)
	Name       string `json:"name,omitempty"`        // display name, for the moderator's view
	ProfileURL string `json:"profile_url,omitempty"` // link to the author's page
	// IsPage is true when the page (community) itself wrote it; IsManager when
	// one of its managers did. Both are never moderated.
	IsPage    bool `json:"is_page,omitempty"`
	IsManager bool `json:"is_manager,omitempty"`
}

// Exempt reports whether the author is never moderated.
func (a Author) Exempt() bool { return a.IsPage || a.IsManager }

// Comment is one comment or private message, in one version of its text.
type Comment struct {
	Network string `json:"network"` // "vk", "ok", "facebook", "instagram", "sim"
	Account string `json:"account"` // the configured account name
	Kind    Kind   `json:"kind"`
	// ID is stable and unique across networks and accounts; connectors build it
	// as "<network>:<account>:<network-local id>" via MakeID.
	ID string `json:"id"`
	// Ref is the connector's own locator for acting on the comment (for VK
	// e.g. "wall:-123:456"); opaque to the core, stored with the decision so
	// that actions can be retried after a restart.
	Ref       string    `json:"ref"`
	PostID    string    `json:"post_id,omitempty"`
	Permalink string    `json:"permalink,omitempty"`
	Author    Author    `json:"author"`
	Text      string    `json:"text"`
	Links     []string  `json:"links,omitempty"`       // URLs found in attachments (the text's own links are found by the rules)
	Attach    []string  `json:"attachments,omitempty"` // attachment kinds or descriptions ("photo", "doc:x.apk")
	Created   time.Time `json:"created"`
	// Edited is set when this version is an edit of an earlier one.
	Edited time.Time `json:"edited,omitzero"`
	// ReplyTo is the ID (as MakeID builds it) of the comment this one
	// answers, when the network says; empty for a top-level comment and
	// for a private message. A page's reply closes the appeal it answers.
	ReplyTo string `json:"reply_to,omitempty"`
	// Context is what the comment answers, for the moderator's view only
	// (never part of Version, never read by the rules); nil when the
	// network gives none.
	Context *Context `json:"context,omitempty"`
}

// MaxContextText is how many characters of a post or parent comment a
// connector puts in Context.
const MaxContextText = 300

// Context is the thread around a comment as the connector saw it.
type Context struct {
	Page   string `json:"page,omitempty"`   // the page's title on the network ("Администрация района")
	Post   string `json:"post,omitempty"`   // the opening text of the post (photo, video, topic) commented on
	Parent string `json:"parent,omitempty"` // for a reply: the text of the comment it answers
}

// CutContext is s's first MaxContextText characters (runes), for Context.
func CutContext(s string) string {
	i := 0
	for k := range s {
		if i == MaxContextText {
			return s[:k]
		}
		i++
	}
	return s
}

// MakeID builds a comment ID unique across networks and accounts.
func MakeID(network, account, local string) string {
	return network + ":" + account + ":" + local
}

// Version identifies one version of a comment's text. An edit that changes
// the text gives a new version; a restore or a re-delivered event gives the
// same one, so it is never decided twice.
func (c *Comment) Version() uint64 {
	h := fnv.New64a()
	h.Write([]byte(c.Text))
	for _, l := range c.Links {
		h.Write([]byte{0})
		h.Write([]byte(l))
	}
	for _, a := range c.Attach {
		h.Write([]byte{1})
		h.Write([]byte(a))
	}
	return h.Sum64()
}

// UpdateType says what a connector observed.
type UpdateType uint8

const (
	// UpdateComment is a new comment or a new version of an edited one.
	UpdateComment UpdateType = iota + 1
	// UpdateRestored is a comment that came back after deletion; it is
	// recorded but not moderated again unless its text changed.
	UpdateRestored
	// UpdateBlocked and UpdateUnblocked are bans made or lifted in the
	// network by hand, so the blacklist stays true.
	UpdateBlocked
	UpdateUnblocked
	// UpdateDeleted is a comment deleted on the network by someone other
	// than strazh (a manager in the network's own interface, or the
	// author). Comment needs only ID (Ref where known); By says who
	// deleted, as the network reports it. A pending review of the comment
	// is closed as deleted on the network. Connectors that cannot see
	// deletions never send it.
	UpdateDeleted
)

// Update is one thing a connector delivers.
type Update struct {
	Type    UpdateType
	Comment Comment // for UpdateComment, UpdateRestored and UpdateDeleted
	// For UpdateBlocked/UpdateUnblocked:
	Author Author
	Until  time.Time // zero: forever
	Reason string
	By     string // who banned (UpdateDeleted: who deleted), as the network reports it
}

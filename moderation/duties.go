package moderation

import (
	"context"
	"time"
)

// The decree's duties beyond deleting (issue 15): citizens' appeals
// answered on time, the accounts guarded, a public registry and the
// publication cadence. These are the shapes the connectors, the store, the
// review channels and the report share; each part is optional, so a
// connector declares what its network allows by implementing the
// interface.

// LabelAppeal is the label the appeals rule pack gives a citizen's
// question or report of a problem. Such a rule only tags the comment (it
// never changes the verdict); the topic is the rule's id after "appeals."
// ("appeals.roads" → roads).
const LabelAppeal = "appeal"

// Appeal is one citizen's appeal on a page and whether the page answered it.
type Appeal struct {
	DecisionID uint64    `json:"decision_id"`
	Network    string    `json:"network"`
	Account    string    `json:"account"`
	CommentID  string    `json:"comment_id"`
	Ref        string    `json:"ref"` // Comment.Ref, where a reply goes
	PostID     string    `json:"post_id,omitempty"`
	Permalink  string    `json:"permalink,omitempty"`
	Kind       Kind      `json:"kind,omitempty"` // the comment's (a message is answered in its dialog, PostID); "" on older records
	Author     Author    `json:"author"`
	Topic      string    `json:"topic"` // roads, water, heating, … ("other" when none is named)
	Text       string    `json:"text"`
	OpenedAt   time.Time `json:"opened_at"` // the comment's creation
	Deadline   time.Time `json:"deadline"`
	EditedAt   time.Time `json:"edited_at,omitzero"` // the author's edit Text is (zero: as written); an open appeal follows edits
	// Answered is the first public answer by the page or one of its
	// managers (seen by the connector, or posted from strazh); zero while open.
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	AnsweredBy string    `json:"answered_by,omitempty"` // "page", "manager:<id>", a moderator ("telegram:123")
	ReplyRef   string    `json:"reply_ref,omitempty"`
	RemindedAt time.Time `json:"reminded_at,omitzero"`
	// Deleted: the comment was removed (by its мат, say); the appeal is
	// still counted.
	Deleted bool `json:"deleted,omitempty"`
	// Closed: a moderator closed the appeal without a reply from strazh
	// (ClosedElsewhere: answered off the network, AnsweredAt/By set too;
	// ClosedNotAppeal: tagged wrongly, out of the counts), or the store did
	// (ClosedExpired: never answered by the history horizon, counted late);
	// "" otherwise. Records before it load as not closed.
	Closed   string    `json:"closed,omitempty"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"` // "telegram:123", "web:anna", "cli"
}

// How a moderator closes an appeal without posting (Appeal.Closed; the
// CLI's -as values).
const (
	ClosedElsewhere = "elsewhere"  // answered by phone, in person, on a network strazh cannot post on
	ClosedNotAppeal = "not-appeal" // the appeals pack tagged it wrongly
	// ClosedExpired: still unanswered when it left the history the reports
	// read (store.HistoryRetention after it opened); closed by ExpiredBy.
	ClosedExpired = "expired"
)

// ExpiredBy is the ClosedBy of an expired appeal: strazh itself.
const ExpiredBy = "strazh"

// Open reports whether the appeal still waits for the page's answer.
func (a *Appeal) Open() bool { return a.AnsweredAt.IsZero() && a.Closed == "" }

// NotAppeal reports whether a moderator said it is not an appeal: it stays
// recorded but is out of every appeal count.
func (a *Appeal) NotAppeal() bool { return a.Closed == ClosedNotAppeal }

// Expired reports whether the appeal was closed unanswered at the history
// horizon: it waits no more, and counts as not answered in time.
func (a *Appeal) Expired() bool { return a.Closed == ClosedExpired }

// OnTime reports whether the appeal was answered before its deadline.
func (a *Appeal) OnTime() bool { return !a.AnsweredAt.IsZero() && !a.AnsweredAt.After(a.Deadline) }

// Replier is a connector that can answer a comment publicly as the page
// (VK wall.createComment from the community, messages.send for a private
// message). A network without it is answered by hand, and the card says so.
type Replier interface {
	Reply(ctx context.Context, ref, text string) (replyRef string, err error)
}

// PageInfo is what a network reports about an account's page, for the
// public registry.
type PageInfo struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
	// Verified is the network's state "verified" mark: true or false where
	// the network reports one (VK), nil where it documents none (OK, MAX,
	// Telegram), which the registry shows as «не известно», never «нет».
	Verified  *bool     `json:"verified,omitempty"`
	Followers int       `json:"followers,omitempty"`
	LastPost  time.Time `json:"last_post,omitzero"`
}

// Post is one of the page's own publications.
type Post struct {
	Network string    `json:"network"`
	Account string    `json:"account"`
	ID      string    `json:"id"`
	URL     string    `json:"url,omitempty"`
	At      time.Time `json:"at"`
}

// PageReader is a connector that can describe its page and list the page's
// own posts (for the registry and the cadence of §2.1).
type PageReader interface {
	PageInfo(ctx context.Context) (PageInfo, error)
	// Posts lists the page's own posts published at or after since, newest
	// first.
	Posts(ctx context.Context, since time.Time) ([]Post, error)
}

// Manager is a person who manages a page.
type Manager struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Role string `json:"role"` // the network's word: administrator, editor, moderator, advertiser, creator
}

// Access is what a connector's credentials can do now.
type Access struct {
	Rights  []string  `json:"rights"`           // held, in the network's words (VK: wall, manage, messages, …)
	Needed  []string  `json:"needed"`           // what strazh needs for this account's configuration
	Expires time.Time `json:"expires,omitzero"` // zero: does not expire by time
}

// Guarded is a connector that can report its page's managers, its
// credentials' rights and the settings that matter (§1.2.2 account
// security).
type Guarded interface {
	Managers(ctx context.Context) ([]Manager, error)
	Access(ctx context.Context) (Access, error)
	// Settings are the page settings strazh watches, by name
	// ("comments": "on"/"off", "obscenity_filter": "on"/"off", …).
	Settings(ctx context.Context) (map[string]string, error)
}

// SecurityEvent is something the account guard saw.
type SecurityEvent struct {
	At      time.Time `json:"at"`
	Network string    `json:"network"`
	Account string    `json:"account"`
	// Kind: manager_added, manager_removed, manager_role, token_broken,
	// token_right_lost, token_expiring, setting_changed.
	Kind    string `json:"kind"`
	Subject string `json:"subject,omitempty"` // a manager's id, a right, a setting's name
	Detail  string `json:"detail,omitempty"`  // "editor → administrator", "on → off", …
}

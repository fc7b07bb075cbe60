package moderation

import (
	"errors"
	"time"
)

// Store errors.
var (
	ErrNotFound       = errors.New("not found")
	ErrAlreadyDecided = errors.New("already decided")
	// ErrNothingToUndo: an undo of a decision that neither deleted nor
	// banned anything (a kept comment, an action that never happened).
	ErrNothingToUndo = errors.New("nothing to undo")
)

// The durable memory of strazh, split by what each consumer needs, so a
// second implementation (or a fake) provides only what its consumer uses.
// moderation/store implements all of them on bbolt; moderation/storetest
// is the conformance suite every implementation must pass. The learner's
// Examples and ModelVersions are in examples.go; the reviewer's own state
// (cards, outbox) is cardstore.Store.
//
// Every method is one transaction. The write order that makes crashes
// safe: a decision is committed with its actions pending, in the same
// transaction as the cursor that covers it; actions run after that, and
// their outcome is recorded after they ran. At start-up every decision with
// pending actions is carried out again (deleting twice is harmless: the
// connector treats "already gone" as done).

// Decisions records what was decided and what was done.
type Decisions interface {
	// Commit records decisions and then the account's cursor, in one
	// transaction: all of it or, on error, none of it (no decision, no
	// cursor, no ID assigned). A decision whose comment version (Comment.ID,
	// Version) was decided before, or earlier in the same batch, is dropped.
	// Commit assigns IDs (increasing), DecidedAt when zero and
	// Comment.Account when empty, in place, and returns the recorded
	// decisions in order. A decision of another account is an error. A nil
	// cursor leaves the saved one as it is. Done ban and unban actions keep
	// the blacklist in step (see Bans).
	Commit(account string, ds []*Decision, cursor []byte) ([]*Decision, error)
	// Get returns one decision (an error wrapping ErrNotFound).
	Get(id uint64) (*Decision, error)
	// Update changes one decision atomically: fn sees the stored record and
	// edits it; an error from fn aborts the change (the record stays as it
	// was) and is returned as is. An unknown id wraps ErrNotFound; fn must
	// not change the identity (ID, Comment.ID, Comment.Account, Version):
	// that is an error too. The pending lists and the blacklist follow the
	// new record.
	Update(id uint64, fn func(d *Decision) error) (*Decision, error)
}

// Pending lists the decisions with work left (the pipeline at start and on
// rescans, `strazh review`).
type Pending interface {
	// PendingActions lists decisions of the account (all when "") that still
	// have pending actions, oldest first.
	PendingActions(account string) ([]*Decision, error)
	// PendingReviews lists decisions of the account (all when "") awaiting a
	// human, oldest first.
	PendingReviews(account string) ([]*Decision, error)
}

// Cursors keeps each account's reading position. Cursors are written by
// Decisions.Commit only, with the decisions they cover.
type Cursors interface {
	// Cursor returns the account's saved cursor, nil if there is none.
	Cursor(account string) ([]byte, error)
}

// Audit reads decisions back (`strazh audit`, statistics).
type Audit interface {
	// Query calls fn for each decision matching q, oldest first (by
	// decision time, then ID). An error from fn stops the query and is
	// returned as is. fn may call the store.
	Query(q Query, fn func(*Decision) error) error
}

// Bans is the blacklist: one entry per (account, author). It is kept in
// step with decisions: a ban action recorded as done (by Commit or Update)
// adds or refreshes the author's entry (never shortening a longer ban), a
// done unban removes it. PutBan and
// RemoveBan record bans made by hand in the network or from the CLI.
type Bans interface {
	// PutBan adds or replaces the author's entry (Account and Author.ID
	// are required; At defaults to now).
	PutBan(e BlacklistEntry) error
	// RemoveBan removes the author's entry; an absent one is not an error.
	RemoveBan(account, author string) error
	// Blacklist lists the account's entries (every account's when ""), by
	// account, then author ID.
	Blacklist(account string) ([]BlacklistEntry, error)
}

// Store is everything the pipeline uses.
type Store interface {
	Decisions
	Pending
	Cursors
	Audit
	Bans
	// Epoch is when strazh first started on this state: comments created
	// before it are not moderated unless the account asks for backfill. It
	// does not change once set.
	Epoch() time.Time
}

// Query selects decisions for audit. Zero fields match everything.
type Query struct {
	Since, Until time.Time // by decision time, Until exclusive
	Account      string
	Author       string    // Author.ID
	Verdicts     []Verdict // final verdicts
	Limit        int       // at most this many, the newest ones, still oldest first (0: all)
}

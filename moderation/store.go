package moderation

import (
	"errors"
	"time"
)

// Store errors.
var (
	ErrNotFound       = errors.New("not found")
	ErrAlreadyDecided = errors.New("already decided")
)

// Store is the durable memory of the pipeline (implemented by
// moderation/store on bbolt). Every method is one transaction.
//
// The write order that makes crashes safe: a decision is committed with its
// actions pending, in the same transaction as the cursor that covers it;
// actions run after that, and their outcome is recorded after they ran. At
// start-up every decision with pending actions is carried out again
// (deleting twice is harmless: the connector treats "already gone" as done).
type Store interface {
	// Cursor returns the account's saved cursor, nil if there is none.
	Cursor(account string) ([]byte, error)
	// Commit records decisions and then the account's cursor, in one
	// transaction. A decision whose comment version was decided before is
	// dropped; Commit returns the ones it recorded, with IDs assigned.
	// cursor nil leaves the saved cursor as it is.
	Commit(account string, ds []*Decision, cursor []byte) ([]*Decision, error)
	// Get returns one decision (ErrNotFound).
	Get(id uint64) (*Decision, error)
	// Update changes one decision atomically: fn sees the stored record and
	// edits it; an error from fn aborts the change and is returned.
	Update(id uint64, fn func(d *Decision) error) (*Decision, error)
	// PendingActions lists decisions of the account (all when "") that still
	// have pending actions, oldest first.
	PendingActions(account string) ([]*Decision, error)
	// PendingReviews lists decisions awaiting a human, oldest first.
	PendingReviews(account string) ([]*Decision, error)
	// Query calls fn for each decision matching q, oldest first.
	Query(q Query, fn func(*Decision) error) error
	// Blacklist: kept in step with ban/unban actions recorded as done, and
	// with bans made by hand in the network.
	PutBan(e BlacklistEntry) error
	RemoveBan(account, author string) error
	Blacklist(account string) ([]BlacklistEntry, error)
	// Epoch is when strazh first started on this state: comments created
	// before it are not moderated unless the account asks for backfill.
	Epoch() time.Time
}

// Query selects decisions for audit. Zero fields match everything.
type Query struct {
	Since, Until time.Time // by decision time, Until exclusive
	Account      string
	Author       string    // Author.ID
	Verdicts     []Verdict // final verdicts
	Limit        int       // at most this many, the newest ones (0: all)
}

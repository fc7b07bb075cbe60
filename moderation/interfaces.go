package moderation

import (
	"context"
	"time"
)

// Capabilities says which actions a network allows.
type Capabilities struct {
	Delete  bool
	Ban     bool
	Unban   bool
	Restore bool // undo a deletion (or unhide where that is all there is)
	// BanLocal: the network cannot block an author; a ban is strazh's own
	// blacklist (the author's next comments are deleted on sight).
	BanLocal bool
	// BanNoEnd: the network's block has no end date (Facebook's Page
	// block), so strazh lifts a timed ban itself when it runs out.
	BanNoEnd bool
}

// Has reports whether the action is supported.
func (c Capabilities) Has(a ActionType) bool {
	switch a {
	case ActDelete:
		return c.Delete
	case ActBan:
		return c.Ban
	case ActUnban:
		return c.Unban
	case ActRestore:
		return c.Restore
	}
	return false
}

// BanRequest describes a ban to place.
type BanRequest struct {
	Until   time.Time // zero: forever
	Label   string    // why, as a rule label (obscenity, spam, insult, ...), for the network's reason code
	Comment string    // text shown to the user where the network allows it
	Visible bool      // show Comment to the banned user
	// Ref is the Ref of the comment the ban was decided on ("": a ban
	// carried from another page), for a network that bans only through a
	// comment of the author (OK): that one, never another of theirs.
	Ref string
}

// Source delivers new and edited comments of one account. Fetch blocks
// until it has something or a poll interval passes (it may return an empty
// batch), reading from the cursor the pipeline persisted (nil on the first
// start). The pipeline saves the returned cursor only after every update of
// the batch is durably decided, so a crash re-delivers, never skips.
// The cursor is opaque to the core: each connector encodes its own state
// (long poll ts, highest comment ID per post, ...).
type Source interface {
	Fetch(ctx context.Context, cursor []byte) (updates []Update, next []byte, err error)
}

// Poller is a Source that polls the network rather than waiting on it:
// after a batch with no updates the pipeline calls Fetch again no sooner
// than PollInterval from the start of that call, with jitter. A Source
// whose Fetch blocks until something comes (a long poll) need not declare
// it; the pipeline's own idle pause then applies only to a Fetch that
// returned empty at once.
type Poller interface {
	PollInterval() time.Duration
}

// Committer is a Source told when a batch is durably stored: Committed
// gets the cursor that was recorded with it. The pipeline reads ahead (the
// next Fetch may come before the last batch is stored), so a network that
// forgets what it confirmed (Telegram's getUpdates offset) confirms only
// what Committed reported, and nothing is lost on a crash.
type Committer interface {
	Committed(cursor []byte)
}

// Actor carries out actions on one account. Deleting a comment that is
// already gone, and restoring one that is not deleted, count as success.
// ref is Comment.Ref; author is Author.ID.
type Actor interface {
	Capabilities() Capabilities
	Delete(ctx context.Context, ref string) error
	Restore(ctx context.Context, ref string) error
	Ban(ctx context.Context, author string, ban BanRequest) error
	Unban(ctx context.Context, author string) error
}

// Parallel is an Actor whose actions gain from running side by side (VK
// packs the deletions waiting for one token's rate into one request): the
// pipeline carries out up to ParallelActions decisions of the account at
// once. Without it, one after another.
type Parallel interface {
	ParallelActions() int
}

// Connector is one account on one network. New does no I/O; Connect
// verifies the credentials and prepares reading (it may be retried);
// Close is bounded by ctx.
type Connector interface {
	Source
	Actor
	Connect(ctx context.Context) error
	Close(ctx context.Context) error
}

// Evaluator is the rule engine: text in, verdict and matched rules out. It
// is safe for concurrent use and does no I/O; h answers context questions
// (nil: a new author on an empty page). Evaluate fills out, which the caller
// resets and may reuse.
type Evaluator interface {
	Evaluate(c *Comment, h History, out *Result)
}

// History answers the rule engine's questions about authors and context on
// one account. Counts cover the window from since up to the comment.
type History interface {
	// Violations counts the author's comments that got delete or ban.
	Violations(account, author string, since time.Time) int
	// Comments counts the author's comments.
	Comments(account, author string, since time.Time) int
	// Similar counts comments by anyone whose fingerprint is at least
	// minSimilarity similar to fp (implementations may stop counting at
	// pipeline.MaxSimilar).
	Similar(account string, fp Fingerprint, minSimilarity float64, since time.Time) int
	// SimilarByAuthor is Similar for the comments of one author (a repeat
	// by the same person, as opposed to residents asking the same).
	SimilarByAuthor(account, author string, fp Fingerprint, minSimilarity float64, since time.Time) int
	// Known reports whether the author commented on this account before.
	Known(account, author string) bool
}

// DistrictHistory is a History that also counts across every page of one
// network that the daemon runs (a district): rules with
// `violations: {scope: district}` ask it. A History without it counts the
// comment's own page.
type DistrictHistory interface {
	// DistrictViolations is Violations summed over the network's pages.
	DistrictViolations(network, author string, since time.Time) int
}

// Reviewer shows decisions to humans. Submit is called once a review is
// durably pending; Notify after an automatic action was carried out (so a
// wrong one can be undone). Both must not block for long: a reviewer that
// talks to a remote service queues durably and returns.
type Reviewer interface {
	Submit(ctx context.Context, d *Decision) error
	Notify(ctx context.Context, d *Decision) error
}

// GoneCloser is an optional extension of Reviewer: the pipeline calls Gone
// after it recorded that a comment awaiting review was deleted on the
// network (UpdateDeleted), or edited by its author (the review of the old
// text decided by ByEdit), so the card is closed at once. A reviewer
// without it finds the review decided at its next look at open cards.
type GoneCloser interface {
	Gone(ctx context.Context, d *Decision) error
}

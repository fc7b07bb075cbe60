package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// writer writes decisions and keeps every index in step, inside one write
// transaction. Its arena keeps keys and values alive until the commit.
type writer struct {
	bs  *buckets
	a   arena
	now time.Time
	// noBans leaves the blacklist alone (rebuilding over an existing one).
	noBans bool
}

func (a *arena) commentKey(commentID string, version uint64) []byte {
	a.reserve(len(commentID) + 9)
	s := len(a.buf)
	a.buf = appendCommentKey(a.buf, commentID, version)
	return a.seal(s)
}

func (a *arena) timeKey(t time.Time, id uint64) []byte {
	a.reserve(16)
	s := len(a.buf)
	a.buf = appendTimeKey(a.buf, t, id)
	return a.seal(s)
}

func (a *arena) id(id uint64) []byte {
	a.reserve(8)
	s := len(a.buf)
	a.buf = appendID(a.buf, id)
	return a.seal(s)
}

func (a *arena) string(str string) []byte {
	a.reserve(len(str))
	s := len(a.buf)
	a.buf = append(a.buf, str...)
	return a.seal(s)
}

// prior is what the indexes knew about a decision before an Update.
type prior struct {
	decidedAt      time.Time
	pendingActions bool
	pendingReview  bool
	actions        []moderation.ActionRecord
}

func priorOf(d *moderation.Decision) *prior {
	return &prior{
		decidedAt:      d.DecidedAt,
		pendingActions: d.HasPendingActions(),
		pendingReview:  pendingReview(d),
		actions:        slices.Clone(d.Actions),
	}
}

func pendingReview(d *moderation.Decision) bool {
	return d.Review != nil && d.Review.Status == moderation.ReviewPending
}

// index updates the time and pending indexes and the blacklist for d, which
// was p before (nil: a new decision). The record itself and the comment
// index are written by the caller.
func (w *writer) index(p *prior, d *moderation.Decision) error {
	var id, account []byte
	lazy := func() {
		if id == nil {
			id, account = w.a.id(d.ID), w.a.string(d.Comment.Account)
		}
	}
	if p == nil || !p.decidedAt.Equal(d.DecidedAt) {
		if p != nil {
			if err := w.bs.byTime.Delete(appendTimeKey(nil, p.decidedAt, d.ID)); err != nil {
				return err
			}
		}
		lazy()
		if err := w.bs.byTime.Put(w.a.timeKey(d.DecidedAt, d.ID), account); err != nil {
			return err
		}
	}
	for _, ix := range [...]struct {
		b        *bbolt.Bucket
		was, now bool
	}{
		{w.bs.pendingActions, p != nil && p.pendingActions, d.HasPendingActions()},
		{w.bs.pendingRevws, p != nil && p.pendingReview, pendingReview(d)},
	} {
		switch {
		case ix.now && !ix.was:
			lazy()
			if err := ix.b.Put(id, account); err != nil {
				return err
			}
		case ix.was && !ix.now:
			if err := ix.b.Delete(idKey(d.ID)); err != nil {
				return err
			}
		}
	}
	if w.noBans {
		return nil
	}
	for i, a := range d.Actions {
		if a.State != moderation.ActionDone || (a.Type != moderation.ActBan && a.Type != moderation.ActUnban) {
			continue
		}
		if p != nil && i < len(p.actions) && p.actions[i].Type == a.Type && p.actions[i].State == moderation.ActionDone {
			continue // already applied
		}
		if a.Type == moderation.ActUnban {
			if err := w.bs.blacklist.Delete(appendPairKey(nil, d.Comment.Account, d.Comment.Author.ID)); err != nil {
				return err
			}
			continue
		}
		if outlasted(w.bs.blacklist, d, a.Until) {
			continue
		}
		at := a.At
		if at.IsZero() {
			at = w.now
		}
		by := d.DecidedBy
		if d.Review != nil && d.Review.Status == moderation.ReviewDecided && d.Review.By != "" {
			by = d.Review.By
		}
		if err := putBan(w.bs.blacklist, moderation.BlacklistEntry{
			Account:    d.Comment.Account,
			Network:    d.Comment.Network,
			Author:     d.Comment.Author,
			Until:      a.Until,
			Reason:     d.Reason(),
			DecisionID: d.ID,
			By:         by,
			At:         at,
		}); err != nil {
			return err
		}
	}
	return nil
}

// outlasted reports whether the author's entry on d's account holds a
// longer ban than one until until (zero: for good): a shorter ban done
// later (a carried district ban, a second review) must not shorten it, or
// strazh would lift a ban for good where the network's block has no end
// (Capabilities.BanNoEnd) and forget it where the blacklist is the ban.
func outlasted(b *bbolt.Bucket, d *moderation.Decision, until time.Time) bool {
	if until.IsZero() {
		return false
	}
	v := b.Get(appendPairKey(nil, d.Comment.Account, d.Comment.Author.ID))
	var old moderation.BlacklistEntry
	if v == nil || json.Unmarshal(v, &old) != nil {
		return false
	}
	return old.Until.IsZero() || old.Until.After(until)
}

// appendFill is the fill percent of buckets whose keys grow (IDs, times).
const appendFill = 0.95

// Commit records decisions and then the account's cursor, in one
// transaction. A decision whose (comment ID, version) was decided before,
// or earlier in the same batch, is dropped. Commit assigns the IDs of the
// recorded decisions (and DecidedAt when zero, and Comment.Account when
// empty) in place and returns them in order. A nil cursor leaves the saved
// one as it is. On error nothing is recorded and no ID is assigned.
func (db *DB) Commit(account string, ds []*moderation.Decision, cursor []byte) ([]*moderation.Decision, error) {
	if len(ds) == 0 && cursor == nil {
		return nil, nil
	}
	out := make([]*moderation.Decision, 0, len(ds))
	now := db.now()
	err := db.update(func(tx *bbolt.Tx) error {
		out = out[:0]
		bs, err := openBuckets(tx)
		if err != nil {
			return err
		}
		w := writer{bs: bs, now: now}
		// Appends to these buckets: fill their pages.
		bs.decisions.FillPercent, bs.byTime.FillPercent = appendFill, appendFill
		seen := bs.comments.Cursor() // one cursor for every lookup: no allocation per seek
		for _, d := range ds {
			if d == nil {
				continue
			}
			if d.Comment.Account == "" {
				d.Comment.Account = account
			} else if d.Comment.Account != account {
				return fmt.Errorf("store: commit %s: decision for comment %s belongs to account %q", account, d.Comment.ID, d.Comment.Account)
			}
			ck := w.a.commentKey(d.Comment.ID, d.Version)
			if k, _ := seen.Seek(ck); k != nil && string(k) == string(ck) {
				continue
			}
			id, err := bs.decisions.NextSequence()
			if err != nil {
				return fmt.Errorf("store: commit %s: %w", account, err)
			}
			d.ID = id
			if d.DecidedAt.IsZero() {
				d.DecidedAt = now
			}
			out = append(out, d)
			idk := w.a.id(id)
			if err := bs.decisions.Put(idk, w.a.decision(d)); err != nil {
				return fmt.Errorf("store: commit %s: %w", account, err)
			}
			if err := bs.comments.Put(ck, idk); err != nil {
				return fmt.Errorf("store: commit %s: %w", account, err)
			}
			if err := w.index(nil, d); err != nil {
				return fmt.Errorf("store: commit %s: %w", account, err)
			}
			if d.Review == nil && d.Verdict >= moderation.Delete && db.examples.Load() && moderation.ConfirmedByModel(d.Matches) {
				if err := putExampleIn(tx, d); err != nil {
					return fmt.Errorf("store: commit %s: %w", account, err)
				}
			}
		}
		if cursor != nil {
			if err := bs.cursors.Put(w.a.string(account), w.a.bytes(cursor)); err != nil {
				return fmt.Errorf("store: commit %s: save cursor: %w", account, err)
			}
		}
		return nil
	})
	if err != nil {
		for _, d := range out {
			d.ID = 0
		}
		return nil, err
	}
	return out, nil
}

// Decided reports whether this version of the comment was decided.
func (db *DB) Decided(commentID string, version uint64) (bool, error) {
	var ok bool
	err := db.view(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketComments)
		if err != nil {
			return err
		}
		var buf [128]byte
		ok = b.Get(appendCommentKey(buf[:0], commentID, version)) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: decided %s: %w", commentID, err)
	}
	return ok, nil
}

// Get returns one decision, or an error wrapping moderation.ErrNotFound.
func (db *DB) Get(id uint64) (*moderation.Decision, error) {
	var d *moderation.Decision
	err := db.view(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketDecisions)
		if err != nil {
			return err
		}
		d, err = getDecision(b, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: get decision %d: %w", id, err)
	}
	return d, nil
}

func getDecision(b *bbolt.Bucket, id uint64) (*moderation.Decision, error) {
	var k [8]byte
	v := b.Get(appendID(k[:0], id))
	if v == nil {
		return nil, moderation.ErrNotFound
	}
	d, err := decodeDecision(v)
	if err != nil {
		return nil, err
	}
	d.ID = id
	return d, nil
}

// Update changes one decision atomically: fn edits the stored record; an
// error from fn aborts the change and is returned as is. The indexes and
// the blacklist follow the new record. fn must not change the decision's
// identity (ID, comment ID and account, version).
func (db *DB) Update(id uint64, fn func(d *moderation.Decision) error) (*moderation.Decision, error) {
	var d *moderation.Decision
	var fnErr error
	now := db.now()
	err := db.update(func(tx *bbolt.Tx) error {
		bs, err := openBuckets(tx)
		if err != nil {
			return err
		}
		d, err = getDecision(bs.decisions, id)
		if err != nil {
			return err
		}
		p := priorOf(d)
		learnt := learnStateOf(d)
		commentID, account, version := d.Comment.ID, d.Comment.Account, d.Version
		if err := callUser(fn, d); err != nil {
			fnErr = err
			return err
		}
		if d.ID != id || d.Comment.ID != commentID || d.Comment.Account != account || d.Version != version {
			return fmt.Errorf("identity changed (id, comment, account or version)")
		}
		if d.DecidedAt.IsZero() {
			d.DecidedAt = p.decidedAt
		}
		w := writer{bs: bs, now: now}
		if err := bs.decisions.Put(w.a.id(id), w.a.decision(d)); err != nil {
			return err
		}
		if db.examples.Load() && learnStateOf(d) != learnt {
			if err := putExampleIn(tx, d); err != nil {
				return err
			}
		}
		return w.index(p, d)
	})
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, fmt.Errorf("store: update decision %d: %w", id, err)
	}
	return d, nil
}

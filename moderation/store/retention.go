package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// MinHistoryRetention is the least the duties' history (posts, security
// events, answered appeals and their cards) is kept, whatever the decisions'
// retention: the longest report (a month, at most 31 days before today)
// twice over, so last month's report can still be made a month later. The
// cadence needs only the last 7 days.
const MinHistoryRetention = 62 * 24 * time.Hour

// Retention is how long decisions are kept (Options.Retention).
func (db *DB) Retention() time.Duration { return db.opts.Retention }

// HistoryRetention is how long the duties' history is kept: the decisions'
// retention, but never less than MinHistoryRetention.
func (db *DB) HistoryRetention() time.Duration { return max(db.opts.Retention, MinHistoryRetention) }

// HistoryPruned counts what PruneHistory deleted, and the open appeals it
// closed as expired (kept: they are pruned a horizon later).
type HistoryPruned struct {
	Posts, SecurityEvents, Appeals int
	ExpiredAppeals                 int
}

// Total is the number of records deleted.
func (h HistoryPruned) Total() int { return h.Posts + h.SecurityEvents + h.Appeals }

// PruneHistory deletes the duties' records from before before: the pages'
// posts, the guard's security events, and the appeals opened before it
// that are answered and whose card has no work left, with their indexes
// and cards. An appeal opened before it and still open is closed as
// expired (moderation.ClosedExpired, now) and its card queued for an
// edit: no report reads it any more, and the gauges stop counting it. An
// expired appeal is deleted once its closing is before before too, so
// `strazh appeals -all` shows it for a horizon. The guard's current state,
// the report marker and the blacklist stay.
func (db *DB) PruneHistory(before time.Time) (HistoryPruned, error) {
	var h HistoryPruned
	cut := appendTime8(nil, before)
	var err error
	// An unreadable open appeal is named, and the pruning goes on.
	var errExpire error
	if h.ExpiredAppeals, err = db.expireAppeals(before, db.now()); err != nil {
		errExpire = fmt.Errorf("store: expire appeals: %w", err)
	}
	h.Posts, err = db.pruneBucket(bucketPosts, func(k []byte) (bool, bool) {
		// account \x00 time(8) post ID; a key of another shape is kept.
		i := bytes.IndexByte(k, 0)
		return i >= 0 && len(k) >= i+9 && bytes.Compare(k[i+1:i+9], cut) < 0, false
	})
	if err != nil {
		return h, errors.Join(errExpire, fmt.Errorf("store: prune posts: %w", err))
	}
	h.SecurityEvents, err = db.pruneBucket(bucketSecurityEvents, func(k []byte) (bool, bool) {
		// at(8) ‖ sequence, in time order: stop at the first kept one.
		old := len(k) >= 8 && bytes.Compare(k[:8], cut) < 0
		return old, !old
	})
	if err != nil {
		return h, errors.Join(errExpire, fmt.Errorf("store: prune security events: %w", err))
	}
	h.Appeals, err = db.pruneAppeals(cut, before)
	if err != nil {
		return h, errors.Join(errExpire, fmt.Errorf("store: prune appeals: %w", err))
	}
	return h, errExpire
}

// pruneBucket deletes the keys of bucket name that old says to delete,
// pruneChunk per write transaction, until old says stop.
func (db *DB) pruneBucket(name string, old func(k []byte) (del, stop bool)) (int, error) {
	total := 0
	var from []byte
	for {
		var next []byte
		n := 0
		err := db.update(func(tx *bbolt.Tx) error {
			next, n = nil, 0
			b := tx.Bucket([]byte(name))
			if b == nil {
				return nil
			}
			var victims [][]byte
			c := b.Cursor()
			k, _ := c.First()
			if from != nil {
				k, _ = c.Seek(from)
			}
			for ; k != nil; k, _ = c.Next() {
				if len(victims) == pruneChunk {
					next = bytes.Clone(k)
					break
				}
				del, stop := old(k)
				if stop {
					break
				}
				if del {
					victims = append(victims, bytes.Clone(k))
				}
			}
			for _, k := range victims {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n = len(victims)
			return nil
		})
		total += n
		if err != nil || next == nil {
			return total, err
		}
		from = next
	}
}

// pruneAppeals deletes the answered appeals opened before cut (before,
// sortable) whose card has no work left, an expired one only once it was
// closed before before too, pruneChunk per transaction. An unreadable
// appeal or card is kept and named in the error, after the others are
// pruned.
func (db *DB) pruneAppeals(cut []byte, before time.Time) (int, error) {
	total := 0
	var from []byte
	var bad []error
	for {
		var next []byte
		n := 0
		var chunkBad []error
		err := db.update(func(tx *bbolt.Tx) error {
			next, n, chunkBad = nil, 0, nil
			byTime := tx.Bucket([]byte(bucketAppealsByTime))
			if byTime == nil {
				return nil
			}
			bs := appealBuckets{all: tx.Bucket([]byte(bucketAppeals)), open: tx.Bucket([]byte(bucketAppealsOpen)),
				byComment: tx.Bucket([]byte(bucketAppealsByComment)), byTime: byTime, expired: tx.Bucket([]byte(bucketAppealsExpired))}
			cards := [3]*bbolt.Bucket{tx.Bucket([]byte(bucketAppealCards)), tx.Bucket([]byte(bucketAppealCardTodo)),
				tx.Bucket([]byte(bucketAppealCardMsg))}
			var victims [][]byte // time keys, copied: deleting moves bbolt's memory
			c := byTime.Cursor()
			k, _ := c.First()
			if from != nil {
				k, _ = c.Seek(from)
			}
			for ; k != nil && bytes.Compare(k, cut) < 0; k, _ = c.Next() {
				if len(victims)+len(chunkBad) >= pruneChunk {
					next = bytes.Clone(k)
					break
				}
				id := keyID(k)
				a, err := getAppeal(bs.all, id)
				if errors.Is(err, errCorrupt) {
					chunkBad = append(chunkBad, fmt.Errorf("appeal %d: %w", id, err))
					continue
				}
				if err == nil && (a.Open() || a.Expired() && !a.ClosedAt.Before(before)) {
					continue
				}
				card, err := getAppealCard(cards[0], id)
				if errors.Is(err, errCorrupt) {
					chunkBad = append(chunkBad, fmt.Errorf("appeal card %d: %w", id, err))
					continue
				}
				if err == nil && card.Todo() {
					continue
				}
				victims = append(victims, bytes.Clone(k))
			}
			for _, k := range victims {
				if err := deleteAppeal(&bs, cards, k); err != nil {
					return err
				}
			}
			n = len(victims)
			return nil
		})
		total += n
		if err != nil {
			return total, err
		}
		bad = append(bad, chunkBad...)
		if next == nil {
			if len(bad) > 0 {
				return total, fmt.Errorf("kept unreadable records: %w", errors.Join(bad...))
			}
			return total, nil
		}
		from = next
	}
}

// deleteAppeal deletes the appeal under time key k with its indexes and
// card. An index entry is deleted only while it still names this appeal.
func deleteAppeal(bs *appealBuckets, cards [3]*bbolt.Bucket, k []byte) error {
	id := keyID(k)
	key := idKey(id)
	del := func(b *bbolt.Bucket, k []byte) error {
		if b == nil {
			return nil
		}
		return b.Delete(k)
	}
	if a, err := getAppeal(bs.all, id); err == nil {
		if bs.byComment != nil && bytes.Equal(bs.byComment.Get([]byte(a.CommentID)), key) {
			if err := del(bs.byComment, []byte(a.CommentID)); err != nil {
				return err
			}
		}
		if err := del(bs.open, openKey(a.Account, id)); err != nil {
			return err
		}
		if err := del(bs.expired, expiredKey(a)); err != nil {
			return err
		}
	}
	if card, err := getAppealCard(cards[0], id); err == nil && cards[2] != nil {
		for _, m := range append([]string{card.Msg}, card.Prompts...) {
			mk := msgKey(card.ChatID, m)
			if m != "" && m != "-" && bytes.Equal(cards[2].Get(mk), key) {
				if err := cards[2].Delete(mk); err != nil {
					return err
				}
			}
		}
	}
	for _, d := range []struct {
		b *bbolt.Bucket
		k []byte
	}{{cards[0], key}, {cards[1], key}, {bs.all, key}, {bs.byTime, k}} {
		if err := del(d.b, d.k); err != nil {
			return err
		}
	}
	return nil
}

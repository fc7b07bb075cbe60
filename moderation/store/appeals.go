package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// Citizens' appeals (*DB implements moderation.Appeals). The buckets are
// created on the first write and read as empty until then:
//
//	appeals             big-endian decision ID → JSON moderation.Appeal
//	appeals_open        account \x00 decision ID → nil, while unanswered
//	appeals_by_comment  comment ID → decision ID
//	appeals_by_time     opened-at ‖ decision ID → nil
//
// Appeals are not pruned with their decisions: the report counts them.
// PruneHistory deletes answered ones after HistoryRetention.
const (
	bucketAppeals          = "appeals"
	bucketAppealsOpen      = "appeals_open"
	bucketAppealsByComment = "appeals_by_comment"
	bucketAppealsByTime    = "appeals_by_time"
)

var _ moderation.Appeals = (*DB)(nil)

type appealBuckets struct{ all, open, byComment, byTime, expired *bbolt.Bucket }

// appealBucketsRW creates the buckets in a write transaction.
func appealBucketsRW(tx *bbolt.Tx) (*appealBuckets, error) {
	var bs appealBuckets
	for _, p := range []struct {
		name string
		dst  **bbolt.Bucket
	}{
		{bucketAppeals, &bs.all},
		{bucketAppealsOpen, &bs.open},
		{bucketAppealsByComment, &bs.byComment},
		{bucketAppealsByTime, &bs.byTime},
		{bucketAppealsExpired, &bs.expired},
	} {
		b, err := tx.CreateBucketIfNotExists([]byte(p.name))
		if err != nil {
			return nil, fmt.Errorf("create bucket %s: %w", p.name, err)
		}
		*p.dst = b
	}
	return &bs, nil
}

func openKey(account string, id uint64) []byte {
	return appendID(append(append(make([]byte, 0, len(account)+9), account...), 0), id)
}

func getAppeal(b *bbolt.Bucket, id uint64) (*moderation.Appeal, error) {
	if b == nil {
		return nil, moderation.ErrNotFound
	}
	v := b.Get(idKey(id))
	if v == nil {
		return nil, moderation.ErrNotFound
	}
	a := new(moderation.Appeal)
	if err := json.Unmarshal(v, a); err != nil {
		return nil, fmt.Errorf("%w: %w", errCorrupt, err)
	}
	return a, nil
}

// OpenAppeal records a new appeal (see moderation.Appeals).
func (db *DB) OpenAppeal(a *moderation.Appeal) (bool, error) {
	if a.DecisionID == 0 || a.Account == "" || a.CommentID == "" {
		return false, fmt.Errorf("store: open appeal: decision ID, account and comment ID are required")
	}
	v, err := json.Marshal(a)
	if err != nil {
		return false, fmt.Errorf("store: open appeal %d: %w", a.DecisionID, err)
	}
	opened := false
	err = db.update(func(tx *bbolt.Tx) error {
		bs, err := appealBucketsRW(tx)
		if err != nil {
			return err
		}
		key := idKey(a.DecisionID)
		if bs.all.Get(key) != nil || bs.byComment.Get([]byte(a.CommentID)) != nil {
			return nil
		}
		opened = true
		if err := bs.all.Put(key, v); err != nil {
			return err
		}
		if err := bs.byComment.Put([]byte(a.CommentID), key); err != nil {
			return err
		}
		if err := bs.byTime.Put(appendTimeKey(nil, a.OpenedAt, a.DecisionID), nil); err != nil {
			return err
		}
		if a.Open() {
			return bs.open.Put(openKey(a.Account, a.DecisionID), nil)
		}
		return indexExpired(bs.expired, nil, a)
	})
	if err != nil {
		return false, fmt.Errorf("store: open appeal %d: %w", a.DecisionID, err)
	}
	return opened, nil
}

// Appeal returns one appeal.
func (db *DB) Appeal(id uint64) (*moderation.Appeal, error) {
	var a *moderation.Appeal
	err := db.view(func(tx *bbolt.Tx) (err error) {
		a, err = getAppeal(tx.Bucket([]byte(bucketAppeals)), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: appeal %d: %w", id, err)
	}
	return a, nil
}

// AppealByComment returns the appeal of a comment.
func (db *DB) AppealByComment(commentID string) (*moderation.Appeal, error) {
	var a *moderation.Appeal
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketAppealsByComment))
		if b == nil {
			return moderation.ErrNotFound
		}
		k := b.Get([]byte(commentID))
		if k == nil {
			return moderation.ErrNotFound
		}
		var err error
		a, err = getAppeal(tx.Bucket([]byte(bucketAppeals)), keyID(k))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: appeal of comment %s: %w", commentID, err)
	}
	return a, nil
}

// UpdateAppeal changes one appeal atomically.
func (db *DB) UpdateAppeal(id uint64, fn func(a *moderation.Appeal) error) (*moderation.Appeal, error) {
	return db.updateAppeal(id, fn, nil)
}

// ChangeAppeal is UpdateAppeal that, when fn changed the appeal, queues
// an edit of its card (when it has one) in the same transaction, as the
// store's expiry does: a process killed right after it cannot leave the
// card showing the appeal as it was. Closing it ends the card's step.
func (db *DB) ChangeAppeal(id uint64, fn func(a *moderation.Appeal) error) (*moderation.Appeal, error) {
	return db.updateAppeal(id, fn, func(c *cardstore.AppealCard, before, a *moderation.Appeal) {
		if before.Open() && !a.Open() {
			// Answered or closed, a half-taken step («Закрыть»'s second)
			// has nothing left to act on, as at the expiry.
			c.Step = ""
		}
	})
}

// RemindAppeal marks an appeal reminded at at (once: a later call changes
// nothing) and, in the same transaction, queues its card's reminder, so a
// process killed before the desk hears of it loses no reminder.
func (db *DB) RemindAppeal(id uint64, at time.Time) (*moderation.Appeal, error) {
	return db.updateAppeal(id, func(a *moderation.Appeal) error {
		if a.RemindedAt.IsZero() {
			a.RemindedAt = at
		}
		return nil
	}, func(c *cardstore.AppealCard, _, _ *moderation.Appeal) { c.Remind = true })
}

// updateAppeal is UpdateAppeal; with card, a change of the appeal also
// edits its card by card and queues it, in the same transaction.
func (db *DB) updateAppeal(id uint64, fn func(a *moderation.Appeal) error, card func(c *cardstore.AppealCard, before, a *moderation.Appeal)) (*moderation.Appeal, error) {
	var out *moderation.Appeal
	var fnErr error
	err := db.update(func(tx *bbolt.Tx) error {
		bs, err := appealBucketsRW(tx)
		if err != nil {
			return err
		}
		a, err := getAppeal(bs.all, id)
		if err != nil {
			return err
		}
		before := *a
		if fnErr = fn(a); fnErr != nil {
			return fnErr
		}
		if a.DecisionID != before.DecisionID || a.Account != before.Account || a.CommentID != before.CommentID ||
			!a.OpenedAt.Equal(before.OpenedAt) {
			return errors.New("the appeal's identity (decision, account, comment, opened) cannot change")
		}
		v, err := json.Marshal(a)
		if err != nil {
			return err
		}
		if card != nil && !bytes.Equal(v, bs.all.Get(idKey(id))) {
			err := editAppealCard(tx, tx.Bucket([]byte(bucketAppealCards)), id, func(c *cardstore.AppealCard) { card(c, &before, a) })
			if err != nil {
				return err
			}
		}
		if err := bs.all.Put(idKey(id), v); err != nil {
			return err
		}
		ok := openKey(a.Account, id)
		if a.Open() {
			err = bs.open.Put(ok, nil)
		} else {
			err = bs.open.Delete(ok)
		}
		if err != nil {
			return err
		}
		out = a
		return indexExpired(bs.expired, &before, a)
	})
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, fmt.Errorf("store: update appeal %d: %w", id, err)
	}
	return out, nil
}

// OpenAppeals lists open appeals, oldest (lowest decision ID) first.
func (db *DB) OpenAppeals(account string) ([]*moderation.Appeal, error) {
	var out []*moderation.Appeal
	err := db.view(func(tx *bbolt.Tx) error {
		open, all := tx.Bucket([]byte(bucketAppealsOpen)), tx.Bucket([]byte(bucketAppeals))
		if open == nil {
			return nil
		}
		var prefix []byte
		if account != "" {
			prefix = append([]byte(account), 0)
		}
		c := open.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			a, err := getAppeal(all, keyID(k))
			if errors.Is(err, errCorrupt) {
				db.unreadable("appeal", keyID(k), "from the open appeals", err)
				continue
			}
			if err != nil {
				return fmt.Errorf("open index %x: %w", k, err)
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: open appeals: %w", err)
	}
	if account == "" {
		sortAppeals(out)
	}
	return out, nil
}

func sortAppeals(as []*moderation.Appeal) {
	// Insertion sort: the lists are short and mostly sorted per account.
	for i := 1; i < len(as); i++ {
		for j := i; j > 0 && as[j].DecisionID < as[j-1].DecisionID; j-- {
			as[j], as[j-1] = as[j-1], as[j]
		}
	}
}

// Appeals lists the appeals opened in [since, until).
func (db *DB) Appeals(since, until time.Time) ([]*moderation.Appeal, error) {
	var out []*moderation.Appeal
	err := db.view(func(tx *bbolt.Tx) error {
		bt, all := tx.Bucket([]byte(bucketAppealsByTime)), tx.Bucket([]byte(bucketAppeals))
		if bt == nil {
			return nil
		}
		var end []byte
		if !until.IsZero() {
			end = appendTime8(nil, until)
		}
		c := bt.Cursor()
		for k, _ := c.Seek(appendTime8(nil, since)); k != nil; k, _ = c.Next() {
			if end != nil && bytes.Compare(k[:8], end) >= 0 {
				break
			}
			a, err := getAppeal(all, keyID(k))
			if errors.Is(err, errCorrupt) {
				db.unreadable("appeal", keyID(k), "from a list of appeals", err)
				continue
			}
			if err != nil {
				return fmt.Errorf("time index %x: %w", k, err)
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: appeals between %s and %s: %w", since.Format(time.RFC3339), until.Format(time.RFC3339), err)
	}
	return out, nil
}

// CountAppeals counts the appeals opened in [since, until) as of now (the
// report's and /stats' numbers), per account and in total.
func (db *DB) CountAppeals(since, until, now time.Time) (map[string]moderation.AppealStats, moderation.AppealStats, error) {
	as, err := db.Appeals(since, until)
	if err != nil {
		return nil, moderation.AppealStats{}, err
	}
	per := make(map[string]moderation.AppealStats)
	var all moderation.AppealStats
	for _, a := range as {
		s := per[a.Account]
		s.Add(a, now)
		per[a.Account] = s
		all.Add(a, now)
	}
	return per, all, nil
}

package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// ClosedAppeals lists up to limit answered or closed appeals of account
// ("": every one), the latest opened first, starting below the appeal
// after (0: from the newest). next is the last one listed when more may
// follow, to pass as after for the next page; 0 on the last page. The scan
// reads the opened-at index backwards, so a page costs about limit reads
// however many appeals the store holds. An after no longer kept (pruned
// meanwhile) wraps ErrNotFound: ClosedAppealsAt goes on without it.
func (db *DB) ClosedAppeals(account string, after uint64, limit int) (list []*moderation.Appeal, next uint64, err error) {
	return db.closedAppeals(account, limit, func(all *bbolt.Bucket) ([]byte, error) {
		if after == 0 {
			return nil, nil
		}
		a, err := getAppeal(all, after)
		if err != nil {
			return nil, fmt.Errorf("appeal %d to list after: %w", after, err)
		}
		return appendTimeKey(nil, a.OpenedAt, after), nil
	})
}

// ClosedAppealsAt is ClosedAppeals from the place of the appeal after
// opened at openedAt (the page before's last: its Appeal.OpenedAt),
// whether or not that appeal is still kept, so paging goes on across a
// pruning.
func (db *DB) ClosedAppealsAt(account string, openedAt time.Time, after uint64, limit int) (list []*moderation.Appeal, next uint64, err error) {
	return db.closedAppeals(account, limit, func(*bbolt.Bucket) ([]byte, error) {
		return appendTimeKey(nil, openedAt, after), nil
	})
}

// closedAppeals lists below the opened-at key start gives (nil: from the
// newest).
func (db *DB) closedAppeals(account string, limit int, start func(all *bbolt.Bucket) ([]byte, error)) (list []*moderation.Appeal, next uint64, err error) {
	if limit <= 0 {
		return nil, 0, fmt.Errorf("store: closed appeals: limit %d must be > 0", limit)
	}
	err = db.view(func(tx *bbolt.Tx) error {
		bt, all := tx.Bucket([]byte(bucketAppealsByTime)), tx.Bucket([]byte(bucketAppeals))
		if bt == nil {
			return nil
		}
		from, err := start(all)
		if err != nil {
			return err
		}
		c := bt.Cursor()
		k, _ := c.Last()
		if from != nil {
			if k, _ = c.Seek(from); k == nil {
				k, _ = c.Last()
			}
			for k != nil && bytes.Compare(k, from) >= 0 {
				k, _ = c.Prev()
			}
		}
		for ; k != nil; k, _ = c.Prev() {
			a, err := getAppeal(all, keyID(k))
			if errors.Is(err, errCorrupt) {
				db.unreadable("appeal", keyID(k), "from the closed appeals", err)
				continue
			}
			if err != nil {
				return fmt.Errorf("time index %x: %w", k, err)
			}
			if a.Open() || (account != "" && a.Account != account) {
				continue
			}
			if len(list) == limit {
				next = list[len(list)-1].DecisionID
				return nil
			}
			list = append(list, a)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: closed appeals: %w", err)
	}
	return list, next, nil
}

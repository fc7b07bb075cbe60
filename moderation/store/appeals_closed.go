package store

import (
	"bytes"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// ClosedAppeals lists up to limit answered or closed appeals of account
// ("": every one), the latest opened first, starting below the appeal
// after (0: from the newest). next is the last one listed when more may
// follow, to pass as after for the next page; 0 on the last page. The scan
// reads the opened-at index backwards, so a page costs about limit reads
// however many appeals the store holds.
func (db *DB) ClosedAppeals(account string, after uint64, limit int) (list []*moderation.Appeal, next uint64, err error) {
	if limit <= 0 {
		return nil, 0, fmt.Errorf("store: closed appeals: limit %d must be > 0", limit)
	}
	err = db.view(func(tx *bbolt.Tx) error {
		bt, all := tx.Bucket([]byte(bucketAppealsByTime)), tx.Bucket([]byte(bucketAppeals))
		if bt == nil {
			return nil
		}
		c := bt.Cursor()
		k, _ := c.Last()
		if after != 0 {
			a, err := getAppeal(all, after)
			if err != nil {
				return fmt.Errorf("appeal %d to list after: %w", after, err)
			}
			start := appendTimeKey(nil, a.OpenedAt, after)
			if k, _ = c.Seek(start); k == nil {
				k, _ = c.Last()
			}
			for k != nil && bytes.Compare(k, start) >= 0 {
				k, _ = c.Prev()
			}
		}
		for ; k != nil; k, _ = c.Prev() {
			a, err := getAppeal(all, keyID(k))
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

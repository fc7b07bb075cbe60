package store

import (
	"bytes"
	"fmt"

	"go.etcd.io/bbolt"
)

// Cursor returns the account's saved cursor, nil if there is none. Cursors
// are saved by Commit, with the decisions they cover.
func (db *DB) Cursor(account string) ([]byte, error) {
	var cur []byte
	err := db.view(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketCursors)
		if err != nil {
			return err
		}
		if v := b.Get([]byte(account)); v != nil {
			cur = bytes.Clone(v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: cursor %s: %w", account, err)
	}
	return cur, nil
}

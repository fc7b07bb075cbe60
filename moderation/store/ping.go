package store

import (
	"fmt"

	"go.etcd.io/bbolt"
)

// Ping checks that the database answers a read; the daemon feeds the
// systemd watchdog and /healthz with it.
func (db *DB) Ping() error {
	return db.view(func(tx *bbolt.Tx) error {
		if tx.Bucket([]byte(bucketMeta)) == nil {
			return fmt.Errorf("store: meta bucket missing")
		}
		return nil
	})
}

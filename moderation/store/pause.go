package store

import (
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// metaPause is the /pause in force (JSON moderation.PauseState); absent:
// automatic actions run.
var metaPause = []byte("pause")

// Pause returns the pause in force (ok false: none).
func (db *DB) Pause() (p moderation.PauseState, ok bool, err error) {
	err = db.view(func(tx *bbolt.Tx) error {
		meta := tx.Bucket([]byte(bucketMeta))
		if meta == nil {
			return nil
		}
		b := meta.Get(metaPause)
		if b == nil {
			return nil
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("store: corrupt %s: %w", metaPause, err)
		}
		ok = true
		return nil
	})
	return p, ok, err
}

// SetPause records the pause in force; nil clears it.
func (db *DB) SetPause(p *moderation.PauseState) error {
	var b []byte
	if p != nil {
		var err error
		if b, err = json.Marshal(p); err != nil {
			return fmt.Errorf("store: write %s: %w", metaPause, err)
		}
	}
	return db.update(func(tx *bbolt.Tx) error {
		meta, err := bucket(tx, bucketMeta)
		if err != nil {
			return err
		}
		if p == nil {
			err = meta.Delete(metaPause)
		} else {
			err = meta.Put(metaPause, b)
		}
		if err != nil {
			return fmt.Errorf("store: write %s: %w", metaPause, err)
		}
		return nil
	})
}

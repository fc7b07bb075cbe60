package store

import (
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// metaReportSent is when the scheduled report was last queued for the
// review chats (time.Time binary), so a restart neither skips nor
// repeats one.
var metaReportSent = []byte("report_sent")

// ReportSent is when the scheduled report was last queued (zero: never).
func (db *DB) ReportSent() (time.Time, error) {
	var t time.Time
	err := db.view(func(tx *bbolt.Tx) error {
		meta := tx.Bucket([]byte(bucketMeta))
		if meta == nil {
			return nil
		}
		b := meta.Get(metaReportSent)
		if b == nil {
			return nil
		}
		if err := t.UnmarshalBinary(b); err != nil {
			return fmt.Errorf("store: corrupt %s: %w", metaReportSent, err)
		}
		return nil
	})
	return t, err
}

// SetReportSent records when the scheduled report was queued.
func (db *DB) SetReportSent(t time.Time) error {
	b, err := t.UTC().MarshalBinary()
	if err != nil {
		return fmt.Errorf("store: write %s: %w", metaReportSent, err)
	}
	return db.update(func(tx *bbolt.Tx) error {
		meta, err := bucket(tx, bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(metaReportSent, b); err != nil {
			return fmt.Errorf("store: write %s: %w", metaReportSent, err)
		}
		return nil
	})
}

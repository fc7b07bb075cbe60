package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// Meta keys.
var (
	metaSchema = []byte("schema") // big-endian uint64
	metaEpoch  = []byte("epoch")  // time.Time binary
)

// migrations[n] brings a database from schema version n to n+1. They run in
// one transaction at Open, so a crash leaves the old version intact. Append
// only: the current version is len(migrations).
var migrations = [...]func(tx *bbolt.Tx) error{
	migrateV0, // 0 → 1
}

// SchemaVersion is the schema this build writes.
const SchemaVersion = len(migrations)

// migrateV0 creates the v1 layout. A v0 database (before versioning) has
// only a decisions bucket of JSON records and a cursors bucket: its records
// are re-encoded and every index is built from them.
func migrateV0(tx *bbolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return rebuildIndexes(tx)
}

// rebuildIndexes re-encodes every decision and rebuilds the comment, time
// and pending indexes; it derives the blacklist from done ban/unban actions
// when the blacklist is empty.
func rebuildIndexes(tx *bbolt.Tx) error {
	var ds []*moderation.Decision
	var maxID uint64
	err := tx.Bucket([]byte(bucketDecisions)).ForEach(func(k, v []byte) error {
		d, err := decodeDecision(v)
		if err != nil {
			return fmt.Errorf("decision %x: %w", k, err)
		}
		d.ID = keyID(k)
		maxID = max(maxID, d.ID)
		ds = append(ds, d)
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range []string{bucketComments, bucketByTime, bucketPendingActions, bucketPendingReviews} {
		if err := tx.DeleteBucket([]byte(name)); err != nil {
			return fmt.Errorf("clear %s: %w", name, err)
		}
		if _, err := tx.CreateBucket([]byte(name)); err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
	}
	bs, err := openBuckets(tx)
	if err != nil {
		return err
	}
	if bs.decisions.Sequence() < maxID {
		if err := bs.decisions.SetSequence(maxID); err != nil {
			return err
		}
	}
	k, _ := bs.blacklist.Cursor().First()
	w := writer{bs: bs, noBans: k != nil}
	for _, d := range ds {
		if err := bs.decisions.Put(w.a.bytes(idKey(d.ID)), w.a.decision(d)); err != nil {
			return err
		}
		if err := bs.comments.Put(w.a.commentKey(d.Comment.ID, d.Version), w.a.bytes(idKey(d.ID))); err != nil {
			return err
		}
		w.now = d.DecidedAt
		if err := w.index(nil, d); err != nil {
			return err
		}
	}
	return nil
}

// init migrates the schema (read-write) or checks it (read-only) and loads
// the epoch, setting it on a new database.
func (db *DB) init() error {
	if db.opts.ReadOnly {
		return db.view(func(tx *bbolt.Tx) error {
			v, err := schemaVersion(tx)
			if err != nil {
				return err
			}
			if v != SchemaVersion {
				return fmt.Errorf("store: %s has schema version %d, this strazh needs %d: open it read-write once to migrate", db.path, v, SchemaVersion)
			}
			db.epoch, err = readEpoch(tx)
			return err
		})
	}
	return db.update(func(tx *bbolt.Tx) error {
		v, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		for ; v < SchemaVersion; v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("store: migrate schema %d to %d: %w", v, v+1, err)
			}
		}
		if err := buildExpiredIndex(tx); err != nil {
			return err
		}
		meta := tx.Bucket([]byte(bucketMeta))
		if err := meta.Put(metaSchema, binary.BigEndian.AppendUint64(nil, uint64(v))); err != nil {
			return fmt.Errorf("store: write schema version: %w", err)
		}
		if meta.Get(metaEpoch) == nil {
			epoch := firstDecisionTime(tx)
			if epoch.IsZero() {
				epoch = db.now()
			}
			b, err := epoch.MarshalBinary()
			if err != nil {
				return fmt.Errorf("store: write epoch: %w", err)
			}
			if err := meta.Put(metaEpoch, b); err != nil {
				return fmt.Errorf("store: write epoch: %w", err)
			}
		}
		db.epoch, err = readEpoch(tx)
		return err
	})
}

// schemaVersion reads the version; a database without meta is version 0.
func schemaVersion(tx *bbolt.Tx) (int, error) {
	meta := tx.Bucket([]byte(bucketMeta))
	if meta == nil {
		return 0, nil
	}
	b := meta.Get(metaSchema)
	if b == nil {
		return 0, nil
	}
	if len(b) != 8 {
		return 0, errors.New("store: corrupt schema version")
	}
	v := binary.BigEndian.Uint64(b)
	if v > uint64(SchemaVersion) {
		return 0, fmt.Errorf("store: database schema version %d is newer than this strazh knows (%d): upgrade strazh", v, SchemaVersion)
	}
	return int(v), nil
}

func readEpoch(tx *bbolt.Tx) (time.Time, error) {
	var t time.Time
	meta := tx.Bucket([]byte(bucketMeta))
	if meta == nil {
		return t, errors.New("store: meta bucket missing")
	}
	b := meta.Get(metaEpoch)
	if b == nil {
		return t, errors.New("store: epoch missing")
	}
	if err := t.UnmarshalBinary(b); err != nil {
		return t, fmt.Errorf("store: corrupt epoch: %w", err)
	}
	return t, nil
}

// firstDecisionTime is the oldest decision's time (zero when none), the
// best guess of the epoch for a database that predates it.
func firstDecisionTime(tx *bbolt.Tx) time.Time {
	b := tx.Bucket([]byte(bucketByTime))
	if b == nil {
		return time.Time{}
	}
	k, _ := b.Cursor().First()
	if len(k) != 16 {
		return time.Time{}
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(k)^(1<<63)))
}

package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// The learned model's buckets. They are created by the first write, not by
// a schema migration: a database without them simply has no examples and
// no versions yet, and an older strazh ignores them.
//
//	examples     big-endian decision ID → JSON moderation.Example
//	models       big-endian version → JSON moderation.ModelVersion
//	model_blobs  big-endian version → the serialised model
//	meta         "model_live" → big-endian live version (absent: shipped)
const (
	bucketExamples   = "examples"
	bucketModels     = "models"
	bucketModelBlobs = "model_blobs"
)

var metaModelLive = []byte("model_live")

// KeepModels is how many versions are kept besides the live one; older
// ones are deleted when a new one is saved (each is a few MB).
const KeepModels = 10

var (
	_ moderation.Examples      = (*DB)(nil)
	_ moderation.ModelVersions = (*DB)(nil)
)

// PutExample records e under its decision ID, replacing an earlier one.
func (db *DB) PutExample(e moderation.Example) error {
	if e.DecisionID == 0 {
		return errors.New("store: put example: no decision ID")
	}
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("store: put example %d: %w", e.DecisionID, err)
	}
	err = db.update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketExamples))
		if err != nil {
			return err
		}
		return b.Put(idKey(e.DecisionID), v)
	})
	if err != nil {
		return fmt.Errorf("store: put example %d: %w", e.DecisionID, err)
	}
	return nil
}

// KeepExamples makes the store keep a decision's example
// (moderation.ExampleFromDecision) in the transaction that records it: when
// Update records a moderator's verdict or an undo, when Commit records a
// delete the page's model confirmed. A process killed before the learner
// hears of the decision then loses no example; the learner's own
// PutExample writes the same record again.
func (db *DB) KeepExamples(on bool) { db.examples.Store(on) }

// learnState is what of a decision its example depends on besides the
// comment: when it changes, the example may.
type learnState struct {
	undone  string
	status  moderation.ReviewStatus
	verdict moderation.Verdict
	by      string
}

func learnStateOf(d *moderation.Decision) learnState {
	s := learnState{undone: d.UndoneBy}
	if r := d.Review; r != nil {
		s.status, s.verdict, s.by = r.Status, r.Verdict, r.By
	}
	return s
}

// putExampleIn keeps d's example, if it gives one, in tx.
func putExampleIn(tx *bbolt.Tx, d *moderation.Decision) error {
	ex, ok := moderation.ExampleFromDecision(d)
	if !ok {
		return nil
	}
	v, err := json.Marshal(ex)
	if err != nil {
		return fmt.Errorf("example %d: %w", d.ID, err)
	}
	b, err := tx.CreateBucketIfNotExists([]byte(bucketExamples))
	if err != nil {
		return err
	}
	return b.Put(idKey(d.ID), v)
}

// EachExample calls fn for every example, oldest decision first. A record
// that does not decode is skipped and logged once, naming its decision:
// one bad record must not stop every refit.
func (db *DB) EachExample(fn func(moderation.Example) error) error {
	return db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketExamples))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var e moderation.Example
			if err := json.Unmarshal(v, &e); err != nil {
				db.unreadable("example", keyID(k), "by the learner", fmt.Errorf("%w: %w", errCorrupt, err))
				return nil
			}
			return callUser(fn, e)
		})
	})
}

// CountExamples says how many examples are kept.
func (db *DB) CountExamples() (int, error) {
	n := 0
	err := db.view(func(tx *bbolt.Tx) error {
		if b := tx.Bucket([]byte(bucketExamples)); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n, err
}

// SaveModel stores a new version and its bytes, assigns its number and,
// with live, makes it the live one; then drops versions beyond KeepModels
// (never the live one).
func (db *DB) SaveModel(v moderation.ModelVersion, blob []byte, live bool) (moderation.ModelVersion, error) {
	err := db.update(func(tx *bbolt.Tx) error {
		ms, err := tx.CreateBucketIfNotExists([]byte(bucketModels))
		if err != nil {
			return err
		}
		bs, err := tx.CreateBucketIfNotExists([]byte(bucketModelBlobs))
		if err != nil {
			return err
		}
		seq, err := ms.NextSequence()
		if err != nil {
			return err
		}
		v.Version, v.Size = seq, len(blob)
		rec, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := ms.Put(idKey(seq), rec); err != nil {
			return err
		}
		if err := bs.Put(idKey(seq), blob); err != nil {
			return err
		}
		if live {
			if err := setLive(tx, seq); err != nil {
				return err
			}
		}
		return pruneModels(tx, ms, bs)
	})
	if err != nil {
		return v, fmt.Errorf("store: save model: %w", err)
	}
	return v, nil
}

func setLive(tx *bbolt.Tx, version uint64) error {
	meta, err := bucket(tx, bucketMeta)
	if err != nil {
		return err
	}
	return meta.Put(metaModelLive, idKey(version))
}

func liveIn(tx *bbolt.Tx) uint64 {
	meta := tx.Bucket([]byte(bucketMeta))
	if meta == nil {
		return 0
	}
	if v := meta.Get(metaModelLive); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func pruneModels(tx *bbolt.Tx, ms, bs *bbolt.Bucket) error {
	live := liveIn(tx)
	var old [][]byte
	c := ms.Cursor()
	kept := 0
	for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
		if keyID(k) == live {
			continue
		}
		if kept < KeepModels {
			kept++
			continue
		}
		old = append(old, append([]byte(nil), k...))
	}
	for _, k := range old {
		if err := ms.Delete(k); err != nil {
			return err
		}
		if err := bs.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// ModelVersions lists the kept versions, oldest first; a record that does
// not decode is left out and logged once.
func (db *DB) ModelVersions() ([]moderation.ModelVersion, error) {
	var out []moderation.ModelVersion
	err := db.view(func(tx *bbolt.Tx) error {
		ms := tx.Bucket([]byte(bucketModels))
		if ms == nil {
			return nil
		}
		return ms.ForEach(func(k, v []byte) error {
			var mv moderation.ModelVersion
			if err := json.Unmarshal(v, &mv); err != nil {
				db.unreadable("model_version", keyID(k), "from the list", fmt.Errorf("%w: %w", errCorrupt, err))
				return nil
			}
			out = append(out, mv)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: model versions: %w", err)
	}
	return out, nil
}

// LoadModel returns one version and a copy of its bytes.
func (db *DB) LoadModel(version uint64) (moderation.ModelVersion, []byte, error) {
	var mv moderation.ModelVersion
	var blob []byte
	err := db.view(func(tx *bbolt.Tx) error {
		ms, bs := tx.Bucket([]byte(bucketModels)), tx.Bucket([]byte(bucketModelBlobs))
		if ms == nil || bs == nil {
			return moderation.ErrNotFound
		}
		rec, data := ms.Get(idKey(version)), bs.Get(idKey(version))
		if rec == nil || data == nil {
			return moderation.ErrNotFound
		}
		if err := json.Unmarshal(rec, &mv); err != nil {
			return err
		}
		blob = append([]byte(nil), data...)
		return nil
	})
	if err != nil {
		return mv, nil, fmt.Errorf("store: model version %d: %w", version, err)
	}
	return mv, blob, nil
}

// LiveModel is the live version, 0 for the shipped model.
func (db *DB) LiveModel() (uint64, error) {
	var v uint64
	err := db.view(func(tx *bbolt.Tx) error { v = liveIn(tx); return nil })
	return v, err
}

// SetLiveModel makes a kept version, or 0 (the shipped model), live.
func (db *DB) SetLiveModel(version uint64) error {
	err := db.update(func(tx *bbolt.Tx) error {
		if version != 0 {
			ms := tx.Bucket([]byte(bucketModels))
			if ms == nil || ms.Get(idKey(version)) == nil {
				return moderation.ErrNotFound
			}
		}
		return setLive(tx, version)
	})
	if err != nil {
		return fmt.Errorf("store: set live model %d: %w", version, err)
	}
	return nil
}

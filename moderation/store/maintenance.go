package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/bbolt"
)

// pruneChunk bounds the deletions per write transaction, so pruning a
// year's backlog never holds the writer for long.
const pruneChunk = 1000

// compactTxSize bounds bbolt.Compact's transactions.
const compactTxSize = 64 << 20

// Prune deletes decisions made before before that have no pending action
// and no pending review, with their index entries. It returns how many it
// deleted. Blacklist entries stay: a ban outlives its decision.
func (db *DB) Prune(before time.Time) (int, error) {
	total := 0
	var from []byte // time key to resume from
	for {
		n, next, err := db.pruneChunk(from, appendTime8(nil, before))
		total += n
		if err != nil {
			return total, fmt.Errorf("store: prune: %w", err)
		}
		if next == nil {
			return total, nil
		}
		from = next
	}
}

func (db *DB) pruneChunk(from, to []byte) (n int, next []byte, err error) {
	err = db.update(func(tx *bbolt.Tx) error {
		n = 0
		bs, err := openBuckets(tx)
		if err != nil {
			return err
		}
		var victims [][]byte // time keys, copied: deleting moves bbolt's memory
		c := bs.byTime.Cursor()
		k, _ := c.First()
		if from != nil {
			k, _ = c.Seek(from)
		}
		for ; k != nil && bytes.Compare(k, to) < 0; k, _ = c.Next() {
			if len(victims) == pruneChunk {
				next = bytes.Clone(k)
				break
			}
			id := k[len(k)-8:]
			if bs.pendingActions.Get(id) != nil || bs.pendingRevws.Get(id) != nil {
				continue
			}
			victims = append(victims, bytes.Clone(k))
		}
		for _, k := range victims {
			id := keyID(k)
			d, err := getDecision(bs.decisions, id)
			if err == nil {
				ck := appendCommentKey(nil, d.Comment.ID, d.Version)
				if v := bs.comments.Get(ck); v != nil && keyID(v) == id {
					if err := bs.comments.Delete(ck); err != nil {
						return err
					}
				}
			}
			if err := bs.decisions.Delete(idKey(id)); err != nil {
				return err
			}
			if err := bs.byTime.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return n, next, nil
}

// Maintenance is what one round of Maintain deleted.
type Maintenance struct {
	Decisions, ReviewCards int
	History                HistoryPruned
}

// Maintain prunes once: the decisions older than the retention (Prune),
// the closed review cards of the decisions gone (PruneReviewCards), then
// the duties' history older than HistoryRetention (PruneHistory). Each
// runs even when another fails; the errors are joined.
func (db *DB) Maintain() (Maintenance, error) {
	var m Maintenance
	now := db.now()
	cut := now.Add(-db.opts.Retention)
	var errDec, errCards, errHist error
	m.Decisions, errDec = db.Prune(cut)
	m.ReviewCards, errCards = db.PruneReviewCards(cut)
	m.History, errHist = db.PruneHistory(now.Add(-db.HistoryRetention()))
	return m, errors.Join(errDec, errCards, errHist)
}

// RunMaintenance runs Maintain now and then every interval, until ctx
// ends. The caller owns the goroutine; problems are logged, not returned.
func (db *DB) RunMaintenance(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		m, err := db.Maintain()
		if err != nil {
			db.opts.Logger.Error("store maintenance failed", "error", err)
		}
		if m.Decisions > 0 || m.ReviewCards > 0 {
			db.opts.Logger.Info("store pruned old decisions", "count", m.Decisions, "review_cards", m.ReviewCards, "retention", db.opts.Retention)
		}
		if h := m.History; h.Total() > 0 {
			db.opts.Logger.Info("store pruned old history", "posts", h.Posts, "security_events", h.SecurityEvents,
				"appeals", h.Appeals, "retention", db.HistoryRetention())
		}
		if n := m.History.ExpiredAppeals; n > 0 {
			db.opts.Logger.Warn("appeals never answered closed as expired", "count", n, "retention", db.HistoryRetention())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CompactFile copies the database at src into a new, compact file at dst
// (which must not exist) with bbolt's compaction. src is opened read-only,
// so the daemon must not be running.
func CompactFile(src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("store: compact: %s exists", dst)
	}
	s, err := openBolt(src, &Options{ReadOnly: true, Timeout: DefaultTimeout})
	if err != nil {
		return err
	}
	defer s.Close()
	return compactInto(s, dst, false)
}

func compactInto(src *bbolt.DB, dst string, noSync bool) error {
	d, err := bbolt.Open(dst, 0o600, &bbolt.Options{Timeout: DefaultTimeout, NoSync: noSync, FreelistType: bbolt.FreelistMapType})
	if err != nil {
		return fmt.Errorf("store: compact: open %s: %w", dst, err)
	}
	if err := bbolt.Compact(d, src, compactTxSize); err != nil {
		d.Close()
		os.Remove(dst)
		return fmt.Errorf("store: compact into %s: %w", dst, err)
	}
	if err := d.Close(); err != nil {
		os.Remove(dst)
		return fmt.Errorf("store: compact: close %s: %w", dst, err)
	}
	return nil
}

// worthCompacting reports whether at least half of a file of at least
// compactMinSize is free pages.
func (db *DB) worthCompacting() bool {
	fi, err := os.Stat(db.path)
	if err != nil || fi.Size() < db.opts.compactMinSize {
		return false
	}
	free := int64(db.bolt.Stats().FreeAlloc)
	return free*2 >= fi.Size()
}

// compactIfWorthwhile rewrites a mostly free database at start-up: it
// compacts into path.compact, renames that over the file while still
// holding the old one's lock, and reopens.
func (db *DB) compactIfWorthwhile() error {
	if !db.worthCompacting() {
		return nil
	}
	var sizeBefore int64
	if fi, err := os.Stat(db.path); err == nil {
		sizeBefore = fi.Size()
	}
	tmp := db.path + ".compact"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := compactInto(db.bolt, tmp, db.opts.NoSync); err != nil {
		db.opts.Logger.Warn("store compaction failed, going on uncompacted", "error", err)
		return nil
	}
	if err := os.Rename(tmp, db.path); err != nil {
		os.Remove(tmp)
		db.opts.Logger.Warn("store compaction failed, going on uncompacted", "error", err)
		return nil
	}
	syncDir(filepath.Dir(db.path))
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store: compact: close: %w", err)
	}
	bdb, err := openBolt(db.path, &db.opts)
	if err != nil {
		return err
	}
	db.bolt = bdb
	var sizeAfter int64
	if fi, err := os.Stat(db.path); err == nil {
		sizeAfter = fi.Size()
	}
	db.opts.Logger.Info("store compacted", "path", db.path, "size_before", sizeBefore, "size_after", sizeAfter)
	return nil
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

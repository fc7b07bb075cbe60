// Package store keeps strazh's durable state in one bbolt file: decisions
// and their indexes, the blacklist, the connectors' cursors and the schema
// metadata. It is the only package that imports bbolt. *DB implements
// moderation.Store; every method is one transaction.
//
// Layout (one bucket per entity, one file per entity here):
//
//	meta             schema version, epoch                      (meta.go)
//	decisions        big-endian ID → record                     (decisions.go, codec.go)
//	comments         comment ID \x00 version → decision ID      (decisions.go)
//	by_time          decided-at ‖ ID → account                  (query.go)
//	pending_actions  ID → account                               (decisions.go)
//	pending_reviews  ID → account                               (decisions.go)
//	blacklist        account \x00 author → JSON entry           (blacklist.go)
//	cursors          account → opaque bytes                     (cursors.go)
//
// A damaged file is refused, never repaired or replaced behind the
// operator's back: Open checks an existing file first (header.go,
// integrity.go), bbolt's panics on damaged pages become errors wrapping
// ErrDamaged, and Backup, CheckFile, Restore and Compact (backup.go) are
// the way out.
package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/strazh/strazh/moderation"
)

var _ moderation.Store = (*DB)(nil)

// ErrLocked is returned by Open when another process holds the database.
var ErrLocked = errors.New("store: database is locked by another process (is strazh running?)")

// Defaults for Options.
const (
	DefaultTimeout   = time.Second
	DefaultRetention = 365 * 24 * time.Hour
)

// Options tune Open. The zero value (or nil) gives the defaults.
type Options struct {
	// Timeout bounds the wait for the file lock (default 1s; negative waits
	// forever). A second strazh process gets ErrLocked instead of hanging.
	Timeout time.Duration
	// ReadOnly opens with a shared lock, for tools beside a stopped daemon.
	// The schema must be current: migrations need a writer.
	ReadOnly bool
	// Retention is how long decisions are kept (default 365 days); Prune via
	// RunMaintenance deletes older ones unless they still have work pending.
	// The duties' history (posts, security events, answered appeals) is kept
	// as long, but at least MinHistoryRetention (see PruneHistory).
	Retention time.Duration
	// NoSync skips fsync on commit. Danger: a crash can lose or corrupt
	// data. For tests and benchmarks only.
	NoSync bool
	// CheckTimeout bounds the consistency check Open runs on an existing
	// file (default DefaultCheckTimeout; negative: the header check only).
	// The header check (meta pages, size, freelist) always runs and takes
	// microseconds; the walk of every bucket stops at the limit, and bbolt's
	// Tx.Check runs only when the walk took less than half of it, so a large
	// healthy file delays the start by about the limit at most.
	CheckTimeout time.Duration
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
	// Logger receives maintenance reports (default: discard).
	Logger *slog.Logger

	// checkOnly opens for CheckFile: the check, the schema version read
	// (any version this strazh can migrate), no migration.
	checkOnly bool
	// compactMinSize is the file size from which Open compacts a mostly
	// free file; 0 means defaultCompactMinSize. Tests lower it.
	compactMinSize int64
}

const defaultCompactMinSize = 32 << 20

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Timeout == 0 {
		r.Timeout = DefaultTimeout
	} else if r.Timeout < 0 {
		r.Timeout = 0 // bbolt: wait forever
	}
	if r.CheckTimeout == 0 {
		r.CheckTimeout = DefaultCheckTimeout
	}
	if r.Retention <= 0 {
		r.Retention = DefaultRetention
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	if r.compactMinSize <= 0 {
		r.compactMinSize = defaultCompactMinSize
	}
	return r
}

// DB is strazh's database. It is safe for concurrent use; bbolt allows one
// writing process, so tools use the daemon's admin socket while it runs.
type DB struct {
	bolt   *bbolt.DB
	path   string
	opts   Options
	epoch  time.Time
	broken atomic.Pointer[error] // set by guard on damage
	check  CheckReport           // what Open's check found
	// corrupt holds the records found undecodable ("decision 42"), each
	// logged once (see unreadable).
	corrupt sync.Map
	// examples: decisions keep their examples in their own transaction
	// (KeepExamples).
	examples atomic.Bool
}

// Open opens the database at path, migrates its schema and compacts it
// when much of the file is free. opts may be nil.
//
// Only a missing file starts a fresh store. An existing file is checked
// first (see Options.CheckTimeout); a damaged one, an empty one included,
// is refused with an error wrapping ErrDamaged, and left as it is.
func Open(path string, opts *Options) (*DB, error) {
	o := opts.withDefaults()
	exists := true
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		exists = false
	} else if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if exists {
		if err := checkHeaderLocked(path, o.Timeout); err != nil {
			return nil, err
		}
	}
	bdb, err := openBolt(path, &o)
	if err != nil {
		return nil, err
	}
	db := &DB{bolt: bdb, path: path, opts: o}
	if exists && o.CheckTimeout > 0 {
		db.check, err = db.deepCheck(o.CheckTimeout)
		if err != nil {
			bdb.Close()
			return nil, err
		}
		if !db.check.Complete {
			o.Logger.Warn("store check stopped at its time limit; the rest of the file is unchecked (run `strazh db check` with the daemon stopped for a full check)",
				"path", path, "size", db.check.Size, "keys", db.check.Keys, "limit", o.CheckTimeout)
		} else {
			o.Logger.Debug("store checked", "path", path, "size", db.check.Size, "keys", db.check.Keys, "bbolt_check", db.check.Deep, "took", db.check.Duration)
		}
	}
	if o.checkOnly {
		err := db.view(func(tx *bbolt.Tx) error {
			v, err := schemaVersion(tx)
			db.check.Schema = v
			return err
		})
		if err != nil {
			bdb.Close()
			return nil, err
		}
		return db, nil
	}
	if err := db.init(); err != nil {
		bdb.Close()
		return nil, err
	}
	if !o.ReadOnly {
		if err := db.compactIfWorthwhile(); err != nil {
			db.bolt.Close()
			return nil, err
		}
	}
	return db, nil
}

// openBolt opens the file with bbolt; a panic or fault while bbolt reads
// its header and freelist becomes a DamagedError. (bbolt then leaks the
// file and its lock; checkHeader catches what would cause that first.)
func openBolt(path string, o *Options) (bdb *bbolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			bdb, err = nil, &DamagedError{Path: path, Problem: fmt.Sprintf("bbolt could not open it: %v", r)}
		}
	}()
	bdb, err = bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:      o.Timeout,
		ReadOnly:     o.ReadOnly,
		NoSync:       o.NoSync,
		FreelistType: bbolt.FreelistArrayType,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch) {
		return nil, &DamagedError{Path: path, Problem: err.Error()}
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return bdb, nil
}

// Close closes the database. Pending transactions finish first.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Epoch is when strazh first started on this state.
func (db *DB) Epoch() time.Time { return db.epoch }

// Check runs bbolt's consistency check over the whole file. It is for
// tests and tools: concurrent writers make it report false problems.
func (db *DB) Check() error {
	var errs []error
	err := db.view(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("store: check: %w", errors.Join(errs...))
	}
	return nil
}

func (db *DB) now() time.Time { return db.opts.Now() }

// update runs fn in one write transaction; an error rolls it back. A
// damaged page met on the way is an error (see guard).
func (db *DB) update(fn func(tx *bbolt.Tx) error) error {
	return db.guard(func() error { return db.bolt.Update(fn) })
}

// view runs fn in one read transaction. Bytes read die with it.
func (db *DB) view(fn func(tx *bbolt.Tx) error) error {
	return db.guard(func() error { return db.bolt.View(fn) })
}

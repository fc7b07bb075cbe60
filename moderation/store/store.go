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
package store

import (
	"errors"
	"fmt"
	"log/slog"
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
	Retention time.Duration
	// NoSync skips fsync on commit. Danger: a crash can lose or corrupt
	// data. For tests and benchmarks only.
	NoSync bool
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
	// Logger receives maintenance reports (default: discard).
	Logger *slog.Logger

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
	bolt  *bbolt.DB
	path  string
	opts  Options
	epoch time.Time
}

// Open opens (creating if needed) the database at path, migrates its schema
// and compacts it when much of the file is free. opts may be nil.
func Open(path string, opts *Options) (*DB, error) {
	o := opts.withDefaults()
	bdb, err := openBolt(path, &o)
	if err != nil {
		return nil, err
	}
	db := &DB{bolt: bdb, path: path, opts: o}
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

func openBolt(path string, o *Options) (*bbolt.DB, error) {
	bdb, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:      o.Timeout,
		ReadOnly:     o.ReadOnly,
		NoSync:       o.NoSync,
		FreelistType: bbolt.FreelistArrayType,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, ErrLocked
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

// Check runs bbolt's consistency check over the whole file.
func (db *DB) Check() error {
	var errs []error
	err := db.bolt.View(func(tx *bbolt.Tx) error {
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

// update runs fn in one write transaction; an error rolls it back.
func (db *DB) update(fn func(tx *bbolt.Tx) error) error { return db.bolt.Update(fn) }

// view runs fn in one read transaction. Bytes read die with it.
func (db *DB) view(fn func(tx *bbolt.Tx) error) error { return db.bolt.View(fn) }

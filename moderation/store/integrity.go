package store

import (
	"bytes"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"go.etcd.io/bbolt"
)

// ErrDamaged is what every error about a damaged database file wraps:
// Open refuses such a file, and a DB that met damage while running refuses
// further work (its state in memory may be inconsistent).
var ErrDamaged = errors.New("database file is damaged")

// DamagedError says which file is damaged and how.
type DamagedError struct {
	Path    string
	Problem string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("store: %s: %v: %s", e.Path, ErrDamaged, e.Problem)
}

func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// DefaultCheckTimeout bounds the consistency check Open runs.
const DefaultCheckTimeout = 15 * time.Second

// userPanic carries a panic of a caller's function through guard, which
// re-raises it: only bbolt's own panics mean a damaged file.
type userPanic struct{ v any }

// guard runs fn, which reads the bbolt file. bbolt trusts the pages it
// maps: a damaged one makes it panic (a bad page ID) or fault (a page past
// the end of the file). Both become a DamagedError here; SetPanicOnFault
// turns the fault, which would kill the process, into a panic. After one,
// the DB answers every call with that error.
func (db *DB) guard(fn func() error) (err error) {
	if e := db.broken.Load(); e != nil {
		return *e
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if up, ok := r.(userPanic); ok {
			panic(up.v)
		}
		err = &DamagedError{Path: db.path, Problem: fmt.Sprintf("reading it failed: %v", r)}
		if db.broken.CompareAndSwap(nil, &err) {
			db.opts.Logger.Error("store damaged: refusing further work; restore a backup", "path", db.path, "panic", fmt.Sprint(r))
		}
	}()
	return fn()
}

// callUser runs a caller's function inside a transaction, marking its
// panics as not bbolt's.
func callUser[T any](fn func(T) error, v T) (err error) {
	defer func() {
		if r := recover(); r != nil {
			panic(userPanic{r})
		}
	}()
	return fn(v)
}

// CheckReport is what a consistency check found.
type CheckReport struct {
	Size    int64 // file size in bytes
	Buckets int   // buckets walked, nested ones included
	Keys    int   // keys walked
	// Complete is false when the time limit stopped the check: what was
	// walked is sound, the rest unchecked.
	Complete bool
	// Deep is true when bbolt's own check (Tx.Check) ran too.
	Deep     bool
	Duration time.Duration
	Schema   int // the schema version (CheckFile only)

	touched byte // keeps the walk's value reads from being optimised away
}

// walkLimit is how many keys the walk reads between looks at the clock.
const walkLimit = 1024

// deepCheck checks a freshly opened file, before any writer runs: first a
// walk of every bucket through bbolt's cursors inside guard (it reads each
// page, key and value, so a damaged page panics here, where it is caught,
// and not in Tx.Check's own goroutine, where it would kill the process);
// then, if the walk finished within half the budget, bbolt's Tx.Check
// (every page reachable exactly once or free, keys in order), which costs
// about as much as the walk. timeout <= 0 means no limit.
func (db *DB) deepCheck(timeout time.Duration) (CheckReport, error) {
	start := time.Now()
	var rep CheckReport
	var deadline time.Time
	if timeout > 0 {
		deadline = start.Add(timeout)
	}
	err := db.guard(func() error {
		return db.bolt.View(func(tx *bbolt.Tx) error {
			rep.Size = tx.Size()
			complete, err := walkBuckets(tx, &rep, deadline)
			rep.Complete = complete
			return err
		})
	})
	if err == nil && rep.Complete && (timeout <= 0 || time.Since(start) < timeout/2) {
		rep.Deep = true
		err = db.guard(func() error {
			return db.bolt.View(func(tx *bbolt.Tx) error {
				var errs []error
				for e := range tx.Check() {
					if len(errs) < 10 {
						errs = append(errs, e)
					}
				}
				if len(errs) > 0 {
					return &DamagedError{Path: db.path, Problem: "bbolt's check: " + errors.Join(errs...).Error()}
				}
				return nil
			})
		})
	}
	rep.Duration = time.Since(start)
	return rep, err
}

// walkBuckets reads every key and value of every bucket; it reports false
// when the deadline passed first.
func walkBuckets(tx *bbolt.Tx, rep *CheckReport, deadline time.Time) (bool, error) {
	n := 0
	var walk func(name []byte, b *bbolt.Bucket) (bool, error)
	walk = func(name []byte, b *bbolt.Bucket) (bool, error) {
		rep.Buckets++
		var prev []byte
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if prev != nil && bytes.Compare(prev, k) >= 0 {
				return false, fmt.Errorf("bucket %q: keys out of order", name)
			}
			prev = k
			if v == nil {
				child := b.Bucket(k)
				if child == nil {
					return false, fmt.Errorf("bucket %q: key %x is neither a value nor a bucket", name, k)
				}
				if ok, err := walk(k, child); !ok || err != nil {
					return ok, err
				}
			} else if len(v) > 0 {
				rep.touched ^= v[0] ^ v[len(v)-1] // touch the value: a page past the file faults now
			}
			rep.Keys++
			if n++; n%walkLimit == 0 && !deadline.IsZero() && time.Now().After(deadline) {
				return false, nil
			}
		}
		return true, nil
	}
	complete := true
	err := tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
		if !complete {
			return nil
		}
		ok, err := walk(name, b)
		complete = ok
		return err
	})
	if err != nil {
		return false, &DamagedError{Path: tx.DB().Path(), Problem: err.Error()}
	}
	return complete, nil
}

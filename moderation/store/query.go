package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// queryChunk is how many decisions Query reads per read transaction; fn
// runs between transactions, so a slow consumer (an export to a pipe) never
// holds one open and fn may call the store itself.
const queryChunk = 256

// matcher applies the filters of a Query that the time index cannot.
type matcher struct {
	q        moderation.Query
	account  []byte
	verdicts [8]bool // by Verdict value; all false: any
	anyVerd  bool
}

func newMatcher(q moderation.Query) *matcher {
	m := &matcher{q: q, account: []byte(q.Account), anyVerd: len(q.Verdicts) == 0}
	for _, v := range q.Verdicts {
		if int(v) < len(m.verdicts) {
			m.verdicts[v] = true
		}
	}
	return m
}

// skip reports from the time index entry alone that it cannot match.
func (m *matcher) skip(account []byte) bool {
	return m.q.Account != "" && !bytes.Equal(account, m.account)
}

func (m *matcher) match(d *moderation.Decision) bool {
	if m.q.Author != "" && d.Comment.Author.ID != m.q.Author {
		return false
	}
	if !m.anyVerd {
		v := d.Final()
		if int(v) >= len(m.verdicts) || !m.verdicts[v] {
			return false
		}
	}
	return true
}

// timeRange returns the first key to look at and the end key (exclusive,
// nil: no end) of the time index.
func timeRange(since, until time.Time) (from, to []byte) {
	if !since.IsZero() {
		from = appendTime8(nil, since)
	}
	if !until.IsZero() {
		to = appendTime8(nil, until)
	}
	return from, to
}

// Query calls fn for each decision matching q (by decision time, Until
// exclusive), oldest first. With a Limit it delivers the newest Limit
// matches, still oldest first. An error from fn stops the query and is
// returned as is.
func (db *DB) Query(q moderation.Query, fn func(*moderation.Decision) error) error {
	m := newMatcher(q)
	from, to := timeRange(q.Since, q.Until)
	if q.Limit > 0 {
		ds, err := db.queryNewest(m, from, to, q.Limit)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if err := fn(d); err != nil {
				return err
			}
		}
		return nil
	}
	for cur := from; ; {
		ds, next, err := db.queryChunk(m, cur, to)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if err := fn(d); err != nil {
				return err
			}
		}
		if next == nil {
			return nil
		}
		cur = next
	}
}

// queryChunk reads up to queryChunk matches from the time key from; next is
// where to continue, nil at the end.
func (db *DB) queryChunk(m *matcher, from, to []byte) (ds []*moderation.Decision, next []byte, err error) {
	err = db.view(func(tx *bbolt.Tx) error {
		bs, err := openBuckets(tx)
		if err != nil {
			return err
		}
		c := bs.byTime.Cursor()
		k, v := c.First()
		if len(from) > 0 {
			k, v = c.Seek(from)
		}
		for ; k != nil; k, v = c.Next() {
			if to != nil && bytes.Compare(k, to) >= 0 {
				return nil
			}
			if len(ds) == queryChunk {
				next = bytes.Clone(k)
				return nil
			}
			d, err := m.pick(bs, k, v)
			if errors.Is(err, errCorrupt) {
				db.unreadable("decision", keyID(k), "by a query", err)
				continue
			}
			if err != nil {
				return err
			}
			if d != nil {
				ds = append(ds, d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: query: %w", err)
	}
	return ds, next, nil
}

// pick decodes the decision a time-index entry points at, if it matches
// (nil otherwise); entries of other accounts are skipped undecoded.
func (m *matcher) pick(bs *buckets, k, v []byte) (*moderation.Decision, error) {
	if m.skip(v) {
		return nil, nil
	}
	d, err := getDecision(bs.decisions, keyID(k))
	if err != nil {
		return nil, fmt.Errorf("decision %d: %w", keyID(k), err)
	}
	if !m.match(d) {
		return nil, nil
	}
	return d, nil
}

// queryNewest reads the newest limit matches, backwards, in one read
// transaction, and returns them oldest first.
func (db *DB) queryNewest(m *matcher, from, to []byte, limit int) ([]*moderation.Decision, error) {
	var ds []*moderation.Decision
	err := db.view(func(tx *bbolt.Tx) error {
		bs, err := openBuckets(tx)
		if err != nil {
			return err
		}
		c := bs.byTime.Cursor()
		var k, v []byte
		if to == nil {
			k, v = c.Last()
		} else if k, _ = c.Seek(to); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && len(ds) < limit; k, v = c.Prev() {
			if from != nil && bytes.Compare(k, from) < 0 {
				break
			}
			d, err := m.pick(bs, k, v)
			if errors.Is(err, errCorrupt) {
				db.unreadable("decision", keyID(k), "by a query", err)
				continue
			}
			if err != nil {
				return err
			}
			if d != nil {
				ds = append(ds, d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: query: %w", err)
	}
	slices.Reverse(ds)
	return ds, nil
}

// PendingActions lists decisions of the account (all when "") that still
// have pending actions, oldest first.
func (db *DB) PendingActions(account string) ([]*moderation.Decision, error) {
	ds, err := db.pending(bucketPendingActions, account)
	if err != nil {
		return nil, fmt.Errorf("store: pending actions: %w", err)
	}
	return ds, nil
}

// PendingReviews lists decisions of the account (all when "") awaiting a
// human, oldest first.
func (db *DB) PendingReviews(account string) ([]*moderation.Decision, error) {
	ds, err := db.pending(bucketPendingReviews, account)
	if err != nil {
		return nil, fmt.Errorf("store: pending reviews: %w", err)
	}
	return ds, nil
}

func (db *DB) pending(index, account string) ([]*moderation.Decision, error) {
	var ds []*moderation.Decision
	err := db.view(func(tx *bbolt.Tx) error {
		ix, err := bucket(tx, index)
		if err != nil {
			return err
		}
		b, err := bucket(tx, bucketDecisions)
		if err != nil {
			return err
		}
		return ix.ForEach(func(k, v []byte) error {
			if account != "" && string(v) != account {
				return nil
			}
			d, err := getDecision(b, keyID(k))
			if errors.Is(err, errCorrupt) {
				// One bad record must not stop the work on every other:
				// it is kept as it is, said once, and left out.
				db.unreadable("decision", keyID(k), "left out of "+index, err)
				return nil
			}
			if err != nil {
				return fmt.Errorf("decision %d: %w", keyID(k), err)
			}
			ds = append(ds, d)
			return nil
		})
	})
	return ds, err
}

// unreadable logs, once per process, a record of kind ("decision",
// "example") that does not decode and is skipped where, kept as it is.
func (db *DB) unreadable(kind string, id uint64, where string, err error) {
	if _, seen := db.corrupt.LoadOrStore(kind+" "+strconv.FormatUint(id, 10), true); seen {
		return
	}
	db.opts.Logger.Error("a record cannot be read: it is kept as it is and skipped (a backup restores it)",
		kind, id, "skipped", where, "err", err)
}

// Stats counts the account's decisions (all accounts when "") made since.
func (db *DB) Stats(account string, since time.Time) (moderation.Stats, error) {
	var st moderation.Stats
	err := db.Query(moderation.Query{Since: since, Account: account}, func(d *moderation.Decision) error {
		st.Add(d)
		return nil
	})
	return st, err
}

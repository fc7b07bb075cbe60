package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// Pages of decisions, newest first, for the web console's audit log: a
// page is read backwards along the time index from a cursor, so page N
// costs what page 1 costs, not N pages' worth.

// PageCursor is where a page of decisions ended: the next (older) page
// starts strictly before it. The zero cursor starts at the newest.
type PageCursor struct {
	At time.Time
	ID uint64
}

// IsZero reports the start cursor.
func (c PageCursor) IsZero() bool { return c.At.IsZero() && c.ID == 0 }

// PageQuery is a Query with the filters the time index cannot answer.
type PageQuery struct {
	moderation.Query // Limit is the page size (default 50)
	// Before continues after an earlier page (zero: from Until or the newest).
	Before PageCursor
	// Contains skips, undecoded, records whose encoding lacks these bytes
	// (a rule ID: cheap before Keep confirms it). nil: no such filter.
	Contains []byte
	// Keep confirms a match after decoding (nil: keep all).
	Keep func(*moderation.Decision) bool
	// MaxScan bounds how many index entries one page reads (0: no bound),
	// so a search that matches nothing in a large store answers in bounded
	// time; Scanned then says where it stopped.
	MaxScan int
}

// Page is one page of decisions, newest first.
type Page struct {
	Decisions []*moderation.Decision
	// Next continues with older decisions; zero when there are none.
	Next PageCursor
	// Scanned is how many index entries were read.
	Scanned int
}

// DecisionPage reads one page of decisions matching q, newest first.
func (db *DB) DecisionPage(q PageQuery) (Page, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	m := newMatcher(q.Query)
	from, to := timeRange(q.Since, q.Until)
	var start []byte // the first key not to read (exclusive)
	if !q.Before.IsZero() {
		start = appendTimeKey(nil, q.Before.At, q.Before.ID)
	}
	if to != nil && (start == nil || bytes.Compare(to, start) < 0) {
		start = to
	}
	var p Page
	err := db.view(func(tx *bbolt.Tx) error {
		bs, err := openBuckets(tx)
		if err != nil {
			return err
		}
		c := bs.byTime.Cursor()
		var k, v []byte
		if start == nil {
			k, v = c.Last()
		} else if k, _ = c.Seek(start); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil; k, v = c.Prev() {
			if from != nil && bytes.Compare(k, from) < 0 {
				return nil
			}
			if len(p.Decisions) == limit || (q.MaxScan > 0 && p.Scanned >= q.MaxScan) {
				// More entries remain: continue just after the last one read.
				k, _ = c.Next()
				p.Next = cursorOf(k)
				return nil
			}
			p.Scanned++
			if m.skip(v) {
				continue
			}
			id := keyID(k)
			raw := bs.decisions.Get(idKey(id))
			if raw == nil {
				return fmt.Errorf("decision %d: %w", id, moderation.ErrNotFound)
			}
			if q.Contains != nil && !bytes.Contains(raw, q.Contains) {
				continue
			}
			d, err := decodeDecision(raw)
			if err != nil {
				return fmt.Errorf("decision %d: %w", id, err)
			}
			d.ID = id
			if !m.match(d) || (q.Keep != nil && !q.Keep(d)) {
				continue
			}
			p.Decisions = append(p.Decisions, d)
		}
		return nil
	})
	if err != nil {
		return Page{}, fmt.Errorf("store: decision page: %w", err)
	}
	return p, nil
}

// cursorOf is the cursor of a time-index key (decided-at ‖ ID).
func cursorOf(k []byte) PageCursor {
	if len(k) != 16 {
		return PageCursor{}
	}
	ns := int64(binary.BigEndian.Uint64(k[:8]) ^ (1 << 63))
	return PageCursor{At: time.Unix(0, ns), ID: keyID(k)}
}

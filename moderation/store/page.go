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
// page is read backwards from a cursor, so page N costs what page 1 costs.
// Without a time range the decisions bucket is read in ID order (the
// order they were recorded: sequential, no index look-up per record,
// which keeps a search through 100,000 fast); with one, the time index.

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
	// Fold skips, undecoded, records that lack any of these texts ignoring
	// case (the text and author searches: Keep confirms where they are).
	Fold []string
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
	folds := newFolder(q.Fold)
	var author []byte // the author's ID as the record encodes it
	if q.Author != "" {
		author = appendString(nil, q.Author)
	}
	var account []byte // the account as the record encodes it
	if q.Account != "" {
		account = appendString(nil, q.Account)
	}
	// pick decodes the record if the raw filters let it through and
	// keeps it if it matches; full says the page is done.
	var p Page
	pick := func(id uint64, raw []byte) error {
		if raw == nil {
			return fmt.Errorf("decision %d: %w", id, moderation.ErrNotFound)
		}
		if q.Contains != nil && !bytes.Contains(raw, q.Contains) || author != nil && !bytes.Contains(raw, author) ||
			account != nil && !bytes.Contains(raw, account) || !folds.all(raw) {
			return nil
		}
		d, err := decodeDecision(raw)
		if err != nil {
			return fmt.Errorf("decision %d: %w", id, err)
		}
		d.ID = id
		if m.match(d) && (q.Account == "" || d.Comment.Account == q.Account) && (q.Keep == nil || q.Keep(d)) {
			p.Decisions = append(p.Decisions, d)
		}
		return nil
	}
	full := func() bool { return len(p.Decisions) == limit || (q.MaxScan > 0 && p.Scanned >= q.MaxScan) }
	var err error
	if q.Since.IsZero() && q.Until.IsZero() {
		err = db.view(func(tx *bbolt.Tx) error { return pageByID(tx, q.Before, &p, full, pick) })
	} else {
		err = db.view(func(tx *bbolt.Tx) error { return pageByTime(tx, q, &p, full, pick) })
	}
	if err != nil {
		return Page{}, fmt.Errorf("store: decision page: %w", err)
	}
	return p, nil
}

// pageByID reads the decisions bucket backwards from the cursor: records
// in ID order, newest first, with no index look-up per record (a search
// through every decision reads them in sequence).
func pageByID(tx *bbolt.Tx, before PageCursor, p *Page, full func() bool, pick func(uint64, []byte) error) error {
	b, err := bucket(tx, bucketDecisions)
	if err != nil {
		return err
	}
	c := b.Cursor()
	var k, v []byte
	if before.ID == 0 {
		k, v = c.Last()
	} else if k, _ = c.Seek(idKey(before.ID)); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil; k, v = c.Prev() {
		if full() {
			k, _ = c.Next()
			p.Next = PageCursor{ID: keyID(k)}
			return nil
		}
		p.Scanned++
		if err := pick(keyID(k), v); err != nil {
			return err
		}
	}
	return nil
}

// pageByTime reads the time index backwards within the query's range.
func pageByTime(tx *bbolt.Tx, q PageQuery, p *Page, full func() bool, pick func(uint64, []byte) error) error {
	from, to := timeRange(q.Since, q.Until)
	var start []byte // the first key not to read (exclusive)
	if !q.Before.IsZero() {
		start = appendTimeKey(nil, q.Before.At, q.Before.ID)
	}
	if to != nil && (start == nil || bytes.Compare(to, start) < 0) {
		start = to
	}
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
		if full() {
			k, _ = c.Next()
			p.Next = cursorOf(k)
			return nil
		}
		p.Scanned++
		if q.Account != "" && string(v) != q.Account {
			continue
		}
		id := keyID(k)
		if err := pick(id, bs.decisions.Get(idKey(id))); err != nil {
			return err
		}
	}
	return nil
}

// cursorOf is the cursor of a time-index key (decided-at ‖ ID).
func cursorOf(k []byte) PageCursor {
	if len(k) != 16 {
		return PageCursor{}
	}
	ns := int64(binary.BigEndian.Uint64(k[:8]) ^ (1 << 63))
	return PageCursor{At: time.Unix(0, ns), ID: keyID(k)}
}

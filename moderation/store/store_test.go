package store

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	berrors "go.etcd.io/bbolt/errors"

	"github.com/strazh/strazh/moderation"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Unix(1_700_000_000, 0)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// mustOpen opens a fresh database in t.TempDir() and checks its
// consistency when the test ends.
func mustOpen(t testing.TB) (*DB, *clock) {
	t.Helper()
	c := newClock()
	db := mustOpenPath(t, filepath.Join(t.TempDir(), "strazh.db"), &Options{Now: c.Now, NoSync: true})
	return db, c
}

func mustOpenPath(t testing.TB, path string, o *Options) *DB {
	t.Helper()
	db, err := Open(path, o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil && !errors.Is(err, berrors.ErrDatabaseNotOpen) {
			t.Errorf("Check: %v", err)
		}
		db.Close()
	})
	return db
}

// dec builds a decision for comment id at text.
func dec(account, id, author, text string, v moderation.Verdict) *moderation.Decision {
	c := moderation.Comment{
		Network: "sim", Account: account, Kind: moderation.KindWallComment,
		ID: moderation.MakeID("sim", account, id), Ref: "wall:" + id,
		Author: moderation.Author{ID: author, Name: "User " + author},
		Text:   text, Created: time.Unix(1_699_999_000, 0),
	}
	d := &moderation.Decision{Comment: c, Version: c.Version(), Verdict: v, DecidedBy: moderation.ByAuto}
	switch v {
	case moderation.Review:
		d.Review = &moderation.ReviewState{Status: moderation.ReviewPending}
	case moderation.Delete:
		d.Matches = []moderation.Match{{Rule: "obscene", Action: v, Reason: "мат"}}
		d.Actions = []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionPending}}
	case moderation.Ban:
		d.Matches = []moderation.Match{{Rule: "spam", Action: v, Reason: "спам"}, {Rule: "link", Action: v, Reason: "ссылка"}}
		d.Actions = []moderation.ActionRecord{
			{Type: moderation.ActDelete, State: moderation.ActionPending},
			{Type: moderation.ActBan, State: moderation.ActionPending, Until: time.Unix(1_800_000_000, 0)},
		}
	}
	return d
}

func mustCommit(t testing.TB, db *DB, account string, cursor []byte, ds ...*moderation.Decision) []*moderation.Decision {
	t.Helper()
	out, err := db.Commit(account, ds, cursor)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return out
}

func ids(ds []*moderation.Decision) []uint64 {
	out := make([]uint64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

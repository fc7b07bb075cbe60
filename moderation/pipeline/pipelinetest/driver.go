package pipelinetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Driver calls a Source's Fetch in a loop as the pipeline does, keeping
// the cursor, for connector tests that need no decisions: it records every
// update and counts comments delivered twice (same ID and version).
type Driver struct {
	T    testing.TB
	Src  moderation.Source
	Cur  []byte
	All  []moderation.Update
	Seen map[string]int // "ID/version/type" → times delivered
	Dups int
}

// NewDriver drives src from cursor cur (nil: a first start).
func NewDriver(t testing.TB, src moderation.Source, cur []byte) *Driver {
	return &Driver{T: t, Src: src, Cur: cur, Seen: map[string]int{}}
}

// Fetch makes one Fetch call (at most 20 s) and records its updates.
func (d *Driver) Fetch() []moderation.Update {
	d.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ups, next, err := d.Src.Fetch(ctx, d.Cur)
	if err != nil {
		d.T.Fatalf("Fetch: %v", err)
	}
	d.Cur = next
	for _, u := range ups {
		if u.Type != moderation.UpdateComment {
			continue
		}
		k := fmt.Sprintf("%s/%x/%d", u.Comment.ID, u.Comment.Version(), u.Type)
		d.Seen[k]++
		if d.Seen[k] > 1 {
			d.Dups++
		}
	}
	d.All = append(d.All, ups...)
	return ups
}

// Until fetches until cond holds (at most 40 calls).
func (d *Driver) Until(what string, cond func() bool) {
	d.T.Helper()
	for range 40 {
		if cond() {
			return
		}
		d.Fetch()
	}
	if !cond() {
		d.T.Fatalf("gave up waiting for %s; got %d updates", what, len(d.All))
	}
}

// Find returns the updates seen so far whose comment text is text.
func (d *Driver) Find(text string) []moderation.Update {
	var out []moderation.Update
	for _, u := range d.All {
		if u.Comment.Text == text {
			out = append(out, u)
		}
	}
	return out
}

// Has is a condition for Until: a comment with text was delivered.
func (d *Driver) Has(text string) func() bool {
	return func() bool { return len(d.Find(text)) > 0 }
}

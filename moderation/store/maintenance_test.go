package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestDB_Prune_KeepsPending(t *testing.T) {
	db, clk := mustOpen(t)
	old := []*moderation.Decision{
		dec("a", "1", "u1", "x", moderation.Allow),
		dec("a", "2", "u2", "y", moderation.Delete), // pending action
		dec("a", "3", "u3", "z", moderation.Review), // pending review
		dec("a", "4", "u4", "w", moderation.Delete), // done below
	}
	mustCommit(t, db, "a", nil, old...)
	mustUpdate(t, db, 4, func(d *moderation.Decision) error { d.Actions[0].State = moderation.ActionDone; return nil })
	clk.Add(time.Hour)
	cut := clk.Now()
	mustCommit(t, db, "a", nil, dec("a", "5", "u5", "new", moderation.Allow))

	n, err := db.Prune(cut)
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2", n, err)
	}
	if got := queryIDs(t, db, moderation.Query{}); !slices.Equal(got, []uint64{2, 3, 5}) {
		t.Errorf("left %v, want [2 3 5]", got)
	}
	for _, id := range []uint64{1, 4} {
		if _, err := db.Get(id); err == nil {
			t.Errorf("decision %d not pruned", id)
		}
	}
	// A pruned comment version is forgotten; a kept one is not.
	if ok, _ := db.Decided(old[0].Comment.ID, old[0].Version); ok {
		t.Error("comment index entry of a pruned decision remains")
	}
	if ok, _ := db.Decided(old[1].Comment.ID, old[1].Version); !ok {
		t.Error("comment index entry of a kept decision lost")
	}
	if n, _ := db.Prune(cut); n != 0 {
		t.Errorf("second Prune deleted %d", n)
	}
}

func TestDB_Prune_ManyChunks(t *testing.T) {
	db, clk := mustOpen(t)
	var batch []*moderation.Decision
	for i := range 2*pruneChunk + 10 {
		v := moderation.Allow
		if i%500 == 0 {
			v = moderation.Review
		}
		batch = append(batch, dec("a", fmt.Sprint(i), "u", "t", v))
	}
	mustCommit(t, db, "a", nil, batch...)
	clk.Add(time.Second)
	n, err := db.Prune(clk.Now())
	if err != nil || n != len(batch)-5 {
		t.Fatalf("Prune = %d, %v; want %d", n, err, len(batch)-5)
	}
}

func TestDB_RunMaintenance_PrunesUntilCancelled(t *testing.T) {
	c := newClock()
	db := mustOpenPath(t, filepath.Join(t.TempDir(), "s.db"), &Options{Now: c.Now, NoSync: true, Retention: time.Hour})
	mustCommit(t, db, "a", nil, dec("a", "1", "u", "x", moderation.Allow))
	c.Add(2 * time.Hour)
	mustCommit(t, db, "a", nil, dec("a", "2", "u", "y", moderation.Allow))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		db.RunMaintenance(ctx, time.Millisecond)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := db.Get(1); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("decision 1 not pruned")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if _, err := db.Get(2); err != nil {
		t.Errorf("recent decision pruned: %v", err)
	}
}

func TestDB_Open_CompactsWhenWorthwhile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strazh.db")
	c := newClock()
	o := &Options{Now: c.Now, NoSync: true, compactMinSize: 1 << 20}
	db, err := Open(path, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		var batch []*moderation.Decision
		for j := range 200 {
			batch = append(batch, dec("a", fmt.Sprint(i, "-", j), "u", string(make([]byte, 1000)), moderation.Allow))
		}
		mustCommit(t, db, "a", nil, batch...)
	}
	mustCommit(t, db, "a", []byte("cur"), dec("a", "keep", "u", "k", moderation.Review))
	c.Add(time.Hour)
	if _, err := db.Prune(c.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := fileSize(t, path)

	db = mustOpenPath(t, path, o)
	after := fileSize(t, path)
	if after*2 > before {
		t.Errorf("file %d bytes before reopening, %d after; want compacted", before, after)
	}
	if ds, _ := db.PendingReviews("a"); len(ds) != 1 || ds[0].Comment.Text != "k" {
		t.Errorf("PendingReviews after compaction = %+v", ds)
	}
	if cur, _ := db.Cursor("a"); string(cur) != "cur" {
		t.Errorf("Cursor = %q", cur)
	}
	if out := mustCommit(t, db, "a", nil, dec("a", "next", "u", "n", moderation.Allow)); out[0].ID != 4002 {
		t.Errorf("sequence after compaction: next ID %d, want 4002", out[0].ID)
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
}

func TestCompactFile(t *testing.T) {
	db, _ := mustOpen(t)
	mustCommit(t, db, "a", []byte("cur"), dec("a", "1", "u", "x", moderation.Allow))
	src := db.Path()
	db.Close()
	dst := filepath.Join(t.TempDir(), "compact.db")
	if err := CompactFile(src, dst); err != nil {
		t.Fatal(err)
	}
	if err := CompactFile(src, dst); err == nil {
		t.Error("CompactFile over an existing file succeeded")
	}
	c := mustOpenPath(t, dst, nil)
	if cur, _ := c.Cursor("a"); string(cur) != "cur" {
		t.Errorf("Cursor = %q", cur)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

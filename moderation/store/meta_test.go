package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

func TestDB_Open_ReopenPreserves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strazh.db")
	clk := newClock()
	db, err := Open(path, &Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	epoch := db.Epoch()
	if !epoch.Equal(clk.Now()) {
		t.Fatalf("Epoch %v, want the first start %v", epoch, clk.Now())
	}
	ban := dec("a", "1", "u1", "купи", moderation.Ban)
	ban.Actions[1].State = moderation.ActionDone
	mustCommit(t, db, "a", []byte("cur"), ban, dec("a", "2", "u2", "хм", moderation.Review))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	clk.Add(24 * time.Hour)
	db = mustOpenPath(t, path, &Options{Now: clk.Now})
	if !db.Epoch().Equal(epoch) {
		t.Errorf("Epoch after reopen %v, want %v", db.Epoch(), epoch)
	}
	if cur, _ := db.Cursor("a"); string(cur) != "cur" {
		t.Errorf("Cursor = %q", cur)
	}
	if got, err := db.Get(1); err != nil || !equalDecision(got, ban) {
		t.Errorf("Get(1) = %+v, %v", got, err)
	}
	if ok, _ := db.Decided(ban.Comment.ID, ban.Version); !ok {
		t.Error("Decided false after reopen")
	}
	if ds, _ := db.PendingActions("a"); !slices.Equal(ids(ds), []uint64{1}) {
		t.Errorf("PendingActions = %v", ids(ds))
	}
	if ds, _ := db.PendingReviews("a"); !slices.Equal(ids(ds), []uint64{2}) {
		t.Errorf("PendingReviews = %v", ids(ds))
	}
	if bl, _ := db.Blacklist("a"); len(bl) != 1 {
		t.Errorf("Blacklist = %+v", bl)
	}
	// IDs keep increasing.
	if out := mustCommit(t, db, "a", nil, dec("a", "3", "u", "x", moderation.Allow)); out[0].ID != 3 {
		t.Errorf("next ID %d, want 3", out[0].ID)
	}
	if db.Path() != path {
		t.Errorf("Path %q", db.Path())
	}
}

func TestDB_Open_Locked(t *testing.T) {
	db, _ := mustOpen(t)
	for _, o := range []*Options{{Timeout: 50 * time.Millisecond}, {Timeout: 50 * time.Millisecond, ReadOnly: true}} {
		start := time.Now()
		_, err := Open(db.Path(), o)
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("second Open(%+v): %v, want ErrLocked", o, err)
		}
		if err.Error() != "store: database is locked by another process (is strazh running?)" {
			t.Errorf("message %q", err)
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("second Open waited %v", time.Since(start))
		}
	}
}

func TestDB_Open_ReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strazh.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustCommit(t, db, "a", nil, dec("a", "1", "u", "x", moderation.Allow))
	db.Close()
	r1 := mustOpenPath(t, path, &Options{ReadOnly: true})
	r2 := mustOpenPath(t, path, &Options{ReadOnly: true}) // readers share the lock
	for _, r := range []*DB{r1, r2} {
		if _, err := r.Get(1); err != nil {
			t.Errorf("Get: %v", err)
		}
	}
	if _, err := r1.Commit("a", []*moderation.Decision{dec("a", "2", "u", "y", 0)}, nil); err == nil {
		t.Error("Commit on a read-only DB succeeded")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none.db"), &Options{ReadOnly: true}); err == nil {
		t.Error("read-only Open of a missing file succeeded")
	}
}

// writeV0 writes a database as it was before schema versioning: JSON
// decisions and cursors, no meta, no indexes.
func writeV0(t *testing.T, path string, ds []*moderation.Decision) {
	t.Helper()
	b, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.Update(func(tx *bbolt.Tx) error {
		decisions, _ := tx.CreateBucket([]byte("decisions"))
		cursors, _ := tx.CreateBucket([]byte("cursors"))
		for _, d := range ds {
			v, err := json.Marshal(d)
			if err != nil {
				return err
			}
			if err := decisions.Put(binary.BigEndian.AppendUint64(nil, d.ID), v); err != nil {
				return err
			}
		}
		return cursors.Put([]byte("a"), []byte("old-cursor"))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDB_Open_MigratesV0(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strazh.db")
	first := time.Unix(1_600_000_000, 0).UTC()
	ban := dec("a", "1", "u1", "купи", moderation.Ban)
	ban.Actions[1].State = moderation.ActionDone
	rev := dec("a", "2", "u2", "хм", moderation.Review)
	allow := dec("b", "3", "u3", "ок", moderation.Allow)
	for i, d := range []*moderation.Decision{ban, rev, allow} {
		d.ID = uint64(i + 1)
		d.DecidedAt = first.Add(time.Duration(i) * time.Hour)
	}
	writeV0(t, path, []*moderation.Decision{ban, rev, allow})

	db := mustOpenPath(t, path, &Options{Now: newClock().Now})
	if !db.Epoch().Equal(first) {
		t.Errorf("Epoch %v, want the first decision's time %v", db.Epoch(), first)
	}
	if got := queryIDs(t, db, moderation.Query{Since: first.Add(time.Hour)}); !slices.Equal(got, []uint64{2, 3}) {
		t.Errorf("Query since = %v, want [2 3]", got)
	}
	if ok, _ := db.Decided(rev.Comment.ID, rev.Version); !ok {
		t.Error("comment index not rebuilt")
	}
	if ds, _ := db.PendingActions(""); !slices.Equal(ids(ds), []uint64{1}) {
		t.Errorf("PendingActions = %v", ids(ds))
	}
	if ds, _ := db.PendingReviews(""); !slices.Equal(ids(ds), []uint64{2}) {
		t.Errorf("PendingReviews = %v", ids(ds))
	}
	if bl, _ := db.Blacklist("a"); len(bl) != 1 || bl[0].DecisionID != 1 {
		t.Errorf("Blacklist = %+v", bl)
	}
	if cur, _ := db.Cursor("a"); string(cur) != "old-cursor" {
		t.Errorf("Cursor = %q", cur)
	}
	// Records were re-encoded; new IDs continue after the old ones.
	if out := mustCommit(t, db, "a", nil, dec("a", "9", "u", "new", moderation.Allow)); out[0].ID != 4 {
		t.Errorf("next ID %d, want 4", out[0].ID)
	}
	err := db.view(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketDecisions)).ForEach(func(k, v []byte) error {
			if v[0] != formatV1 {
				t.Errorf("decision %x not re-encoded", k)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDB_Open_NewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strazh.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketMeta)).Put(metaSchema, binary.BigEndian.AppendUint64(nil, uint64(SchemaVersion+1)))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(path, nil)
	if err == nil || !strings.Contains(err.Error(), "newer than this strazh knows") {
		t.Fatalf("Open of a newer schema: %v", err)
	}
}

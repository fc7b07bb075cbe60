package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func countDecisions(t *testing.T, db *DB) int {
	t.Helper()
	n := 0
	if err := db.Query(moderation.Query{}, func(*moderation.Decision) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDB_Backup_WhileWriting(t *testing.T) {
	path, _ := filledDB(t, 500)
	db := mustOpenPath(t, path, &Options{NoSync: true})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a daemon at work
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.Commit("a", []*moderation.Decision{dec("a", fmt.Sprint("w", i), "u", "x", moderation.Allow)}, nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var buf bytes.Buffer
	var size int64 = -1
	n, err := db.Backup(&buf, func(s int64) { size = s })
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if n != size || int64(buf.Len()) != n {
		t.Errorf("Backup wrote %d bytes, announced %d, buffer has %d", n, size, buf.Len())
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := CheckFile(copyPath, 0)
	if err != nil || !rep.Deep || rep.Schema != SchemaVersion {
		t.Fatalf("CheckFile(backup) = %+v, %v", rep, err)
	}
	cp := mustOpenPath(t, copyPath, nil)
	if got := countDecisions(t, cp); got < 500 {
		t.Errorf("backup holds %d decisions, want at least the 500 from before", got)
	}
}

// twoDBs makes a live database with decisions "live…" and a backup with
// decisions "backup…", both closed.
func twoDBs(t *testing.T) (live, backup string) {
	t.Helper()
	dir := t.TempDir()
	live, backup = filepath.Join(dir, "strazh.db"), filepath.Join(dir, "backup.db")
	for _, p := range []struct {
		path string
		n    int
	}{{live, 3}, {backup, 5}} {
		db, err := Open(p.path, &Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.n {
			mustCommit(t, db, "a", nil, dec("a", fmt.Sprint(filepath.Base(p.path), i), "u", "x", moderation.Allow))
		}
		db.Close()
	}
	return live, backup
}

func TestRestore_ReplacesAndKeepsTheOldFile(t *testing.T) {
	live, backup := twoDBs(t)
	oldBytes, _ := os.ReadFile(live)
	aside, err := Restore(backup, live, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if want := live + ".before-restore-20260102T030405Z"; aside != want {
		t.Errorf("aside = %q, want %q", aside, want)
	}
	if b, _ := os.ReadFile(aside); !bytes.Equal(b, oldBytes) {
		t.Error("the old file was not kept aside as it was")
	}
	db := mustOpenPath(t, live, nil)
	if n := countDecisions(t, db); n != 5 {
		t.Errorf("restored file has %d decisions, want the backup's 5", n)
	}
	if _, err := os.Stat(live + ".restore"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary copy left behind: %v", err)
	}
}

func TestRestore_BadBackupReplacesNothing(t *testing.T) {
	tests := []struct {
		name   string
		damage func(path string) error
	}{
		{"truncated", func(p string) error { return os.Truncate(p, 3*testPage) }},
		{"empty", func(p string) error { return os.Truncate(p, 0) }},
		{"missing", os.Remove},
		{"not strazh", func(p string) error { return os.WriteFile(p, []byte("name,text\n"), 0o600) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live, backup := twoDBs(t)
			if err := tt.damage(backup); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(live)
			if _, err := Restore(backup, live, time.Now()); err == nil {
				t.Fatal("Restore accepted a bad backup")
			}
			if after, _ := os.ReadFile(live); !bytes.Equal(after, before) {
				t.Error("the live file changed")
			}
			matches, _ := filepath.Glob(live + ".*")
			if len(matches) > 0 {
				t.Errorf("files left behind: %v", matches)
			}
		})
	}
}

func TestRestore_RefusesAnOpenDatabase(t *testing.T) {
	live, backup := twoDBs(t)
	db := mustOpenPath(t, live, nil) // the daemon
	if _, err := Restore(backup, live, time.Now()); !errors.Is(err, ErrLocked) {
		t.Fatalf("Restore over an open database = %v, want ErrLocked", err)
	}
	if n := countDecisions(t, db); n != 3 {
		t.Errorf("live database has %d decisions after a refused restore, want 3", n)
	}
}

func TestCompact_ShrinksKeepsDataAndTheOldFile(t *testing.T) {
	path, _ := filledDB(t, 3000) // decisions 0, 4, 8, … are allows with nothing pending
	clk := newClock()
	db, err := Open(path, &Options{NoSync: true, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	old := make([]*moderation.Decision, 6000)
	for i := range old {
		old[i] = dec("a", fmt.Sprint("old", i), "u", strings.Repeat("старый ", 20), moderation.Allow)
	}
	mustCommit(t, db, "a", nil, old...)
	clk.Add(time.Hour)
	if _, err := db.Prune(clk.Now()); err != nil {
		t.Fatal(err)
	}
	left := countDecisions(t, db)
	db.Close()
	before, after, aside, err := Compact(path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if after >= before {
		t.Errorf("compacted %d → %d bytes", before, after)
	}
	if fi, err := os.Stat(aside); err != nil || fi.Size() != before {
		t.Errorf("old file aside: %v, %v", fi, err)
	}
	db = mustOpenPath(t, path, nil)
	if n := countDecisions(t, db); n != left {
		t.Errorf("%d decisions after compaction, want %d", n, left)
	}
}

package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// filledDB writes a database of n decisions over several pages and closes
// it; it returns the path and the file's bytes.
func filledDB(t *testing.T, n int) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "strazh.db")
	db, err := Open(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ds := make([]*moderation.Decision, n)
	for i := range ds {
		ds[i] = dec("a", fmt.Sprint(i), fmt.Sprint("u", i%50), strings.Repeat("текст комментария ", 1+i%7), moderation.Verdict(i%4))
	}
	if _, err := db.Commit("a", ds, []byte("cursor")); err != nil {
		t.Fatal(err)
	}
	if err := db.PutBan(moderation.BlacklistEntry{Account: "a", Author: moderation.Author{ID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

const testPage = 4096 // the page size of the test files (bbolt's default on linux/amd64)

func TestOpen_Damaged(t *testing.T) {
	rng := func() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
	tests := []struct {
		name   string
		damage func(b []byte) []byte
		want   string // in the error
	}{
		// Damage inside the tree, the header and freelist intact: the walk
		// through bbolt's cursors meets it (bbolt panics or faults there).
		{"empty", func([]byte) []byte { return nil }, "empty (0 bytes)"},
		{"truncated to half", func(b []byte) []byte { return b[:len(b)/2] }, "truncated"},
		{"truncated to the meta pages", func(b []byte) []byte { return b[:2*testPage] }, "truncated"},
		{"truncated mid-page", func(b []byte) []byte { return b[:5*testPage+100] }, "truncated"},
		{"too short", func(b []byte) []byte { return b[:100] }, "too short"},
		{"zeroed whole", func(b []byte) []byte { clear(b); return b }, "no valid meta page"},
		{"zeroed after the meta pages", func(b []byte) []byte { clear(b[2*testPage:]); return b }, ""},
		{"zeroed one data page", func(b []byte) []byte {
			p := dataPages(t, b)[0]
			clear(b[p*testPage : (p+1)*testPage])
			return b
		}, "reading it failed"},
		{"garbage whole", func(b []byte) []byte { fillRandom(rng(), b); return b }, "no valid meta page"},
		{"garbage after the meta pages", func(b []byte) []byte { fillRandom(rng(), b[2*testPage:]); return b }, ""},
		{"garbage inside every data page", func(b []byte) []byte {
			r := rng()
			for _, p := range dataPages(t, b) {
				fillRandom(r, b[p*testPage+16:(p+1)*testPage]) // page headers kept
			}
			return b
		}, "reading it failed"},
		{"garbage over every data page", func(b []byte) []byte {
			r := rng()
			for _, p := range dataPages(t, b) {
				fillRandom(r, b[p*testPage:(p+1)*testPage])
			}
			return b
		}, "reading it failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, orig := filledDB(t, 2000)
			bad := tt.damage(bytes.Clone(orig))
			if err := os.WriteFile(path, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, ro := range []bool{false, true} {
				db, err := Open(path, &Options{ReadOnly: ro})
				if err == nil {
					db.Close()
					t.Fatalf("ReadOnly=%v: Open accepted a damaged file", ro)
				}
				if !errors.Is(err, ErrDamaged) {
					t.Errorf("ReadOnly=%v: Open = %v, want ErrDamaged", ro, err)
				}
				if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("ReadOnly=%v: error %q should name %s and say %q", ro, err, path, tt.want)
				}
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(after, bad) {
				t.Error("Open changed the damaged file")
			}
		})
	}
}

// dataPages lists the pages of the file below its high-water mark that are
// neither meta pages nor the freelist.
func dataPages(t *testing.T, b []byte) []int {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "meta")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	m, err := readMeta(f, int64(len(b)))
	if err != nil || m.pageSize != testPage {
		t.Fatalf("readMeta = %+v, %v", m, err)
	}
	var out []int
	for p := uint64(2); p < m.pgid; p++ {
		if p != m.freelist {
			out = append(out, int(p))
		}
	}
	return out
}

func fillRandom(r *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(r.Uint32())
	}
}

func TestOpen_MissingFileStartsFresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "strazh.db")
	db := mustOpenPath(t, path, nil)
	if cur, err := db.Cursor("a"); err != nil || cur != nil {
		t.Errorf("Cursor = %q, %v on a fresh store", cur, err)
	}
}

func TestOpen_HealthyFileIsChecked(t *testing.T) {
	path, _ := filledDB(t, 2000)
	db := mustOpenPath(t, path, nil)
	if !db.check.Complete || !db.check.Deep {
		t.Errorf("check = %+v, want a complete walk and bbolt's check", db.check)
	}
	if db.check.Keys < 2000 {
		t.Errorf("walked %d keys, want every decision", db.check.Keys)
	}
}

func TestDB_Guard_DamageWhileOpen(t *testing.T) {
	tests := []struct {
		name   string
		damage func(f *os.File, size int64) error
	}{
		{"pages overwritten", func(f *os.File, size int64) error {
			junk := bytes.Repeat([]byte{0xA5}, int(size-3*testPage))
			_, err := f.WriteAt(junk, 3*testPage)
			return err
		}},
		{"file truncated", func(f *os.File, _ int64) error { return f.Truncate(3 * testPage) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, orig := filledDB(t, 2000)
			db, err := Open(path, &Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.damage(f, int64(len(orig))); err != nil {
				t.Fatal(err)
			}
			f.Close()
			err = db.Query(moderation.Query{}, func(*moderation.Decision) error { return nil })
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("Query over damaged pages = %v, want ErrDamaged", err)
			}
			// Once damaged, every call refuses, without touching bbolt again.
			if err := db.Ping(); !errors.Is(err, ErrDamaged) {
				t.Errorf("Ping after damage = %v, want ErrDamaged", err)
			}
			if _, err := db.Commit("a", []*moderation.Decision{dec("a", "new", "u", "x", moderation.Allow)}, nil); !errors.Is(err, ErrDamaged) {
				t.Errorf("Commit after damage = %v, want ErrDamaged", err)
			}
		})
	}
}

func TestDB_Update_CallerPanicIsNotDamage(t *testing.T) {
	db, _ := mustOpen(t)
	mustCommit(t, db, "a", nil, dec("a", "1", "u", "x", moderation.Allow))
	func() {
		defer func() {
			if r := recover(); r != "caller's bug" {
				t.Errorf("recovered %v, want the caller's own panic", r)
			}
		}()
		db.Update(1, func(*moderation.Decision) error { panic("caller's bug") })
	}()
	if err := db.Ping(); err != nil {
		t.Errorf("Ping after a caller's panic = %v", err)
	}
}

func TestOpen_CheckTimeoutBoundsTheWalk(t *testing.T) {
	path, _ := filledDB(t, 3000)
	// The walk looks at the clock every walkLimit keys: a limit that has
	// passed by then stops it there, and bbolt's check is skipped.
	db := mustOpenPath(t, path, &Options{CheckTimeout: time.Nanosecond})
	if db.check.Complete || db.check.Deep {
		t.Errorf("check = %+v, want a walk stopped by the limit", db.check)
	}
	if db.check.Keys != walkLimit {
		t.Errorf("walked %d keys, want %d", db.check.Keys, walkLimit)
	}
	if _, err := db.Get(1); err != nil {
		t.Errorf("Get after a bounded check: %v", err)
	}
}

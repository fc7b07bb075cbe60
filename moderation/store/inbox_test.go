package store

import (
	"path/filepath"
	"testing"
)

func openInboxDB(t *testing.T, dir string) *DB {
	t.Helper()
	db, err := Open(filepath.Join(dir, "s.db"), &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func inboxList(t *testing.T, db *DB, account string, after uint64) []string {
	t.Helper()
	var out []string
	if err := db.InboxAfter(account, after, 100, func(_ uint64, b []byte) error { out = append(out, string(b)); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// A delivery survives a reopen, is stored once however often it comes
// (also after it was dropped), and accounts do not see each other's.
func TestDB_PutInbox_DurableAndDeduplicated(t *testing.T) {
	dir := t.TempDir()
	db := openInboxDB(t, dir)
	if got := inboxList(t, db, "fb", 0); len(got) != 0 {
		t.Fatalf("empty inbox lists %v", got)
	}
	s1, added, err := db.PutInbox("fb", "k1", []byte("one"))
	if err != nil || !added {
		t.Fatalf("first put: %v %v", added, err)
	}
	if _, added, _ := db.PutInbox("fb", "k1", []byte("one")); added {
		t.Fatal("a duplicate key stored twice")
	}
	s2, _, _ := db.PutInbox("fb", "k2", []byte("two"))
	_, _, _ = db.PutInbox("ig", "k1", []byte("other account"))
	if s2 <= s1 {
		t.Fatalf("sequence not increasing: %d then %d", s1, s2)
	}
	_ = db.Close()
	db = openInboxDB(t, dir)
	defer db.Close()
	if got := inboxList(t, db, "fb", 0); len(got) != 2 || got[0] != "one" || got[1] != "two" {
		t.Fatalf("after reopen: %v", got)
	}
	if got := inboxList(t, db, "fb", s1); len(got) != 1 || got[0] != "two" {
		t.Fatalf("after s1: %v", got)
	}
	if err := db.DropInbox("fb", s1); err != nil {
		t.Fatal(err)
	}
	if got := inboxList(t, db, "fb", 0); len(got) != 1 || got[0] != "two" {
		t.Fatalf("after drop: %v", got)
	}
	if _, added, _ := db.PutInbox("fb", "k1", []byte("one")); added {
		t.Fatal("a dropped delivery's key forgotten at once: a late duplicate is stored again")
	}
	if got := inboxList(t, db, "ig", 0); len(got) != 1 {
		t.Fatalf("other account: %v", got)
	}
}

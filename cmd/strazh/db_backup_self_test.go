package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
)

// `db backup -o` naming the database itself is refused: the checked copy
// was renamed over the live file, the running daemon went on writing to
// the unlinked one, and every decision after the copy was lost at the next
// start.
func TestDB_Backup_OntoTheDatabaseRefused(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	td := startTestDaemon(t, net)
	dbPath := filepath.Join(filepath.Dir(td.cfgPath), "state", "strazh.db")
	before, err := os.Stat(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "db-link")
	if err := os.Symlink(dbPath, link); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(mustGetwd(t), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{dbPath, rel, link} {
		_, errOut, code := td.cli(t, "db", "backup", "-config", td.cfgPath, "-o", target)
		if code == 0 || !strings.Contains(errOut, "is the database itself") {
			t.Errorf("-o %s: code %d, stderr %q; want it refused", target, code, errOut)
		}
		now, err := os.Stat(dbPath)
		if err != nil || !os.SameFile(before, now) {
			t.Fatalf("-o %s: the database file was replaced (%v)", target, err)
		}
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

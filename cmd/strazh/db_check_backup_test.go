package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A damaged backup given to `db check FILE` is said to be that file's
// problem: the check used to add the damaged database's way out, "mv
// strazh.db strazh.db.damaged" to start an empty store, about the healthy
// database it had not read, for an operator checking a backup before a
// restore as the hint itself advises.
func TestDB_Check_DamagedBackupSparesTheDatabase(t *testing.T) {
	cfg, dbPath := stoppedConfig(t, healthyDB(t))
	bad := filepath.Join(t.TempDir(), "strazh-20261201T000000.000Z.db")
	if err := os.WriteFile(bad, []byte(strings.Repeat("not a database ", 2000)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(context.Background(), "db", "check", "-config", cfg, bad)
	if code != 1 || !strings.Contains(errOut, "database file is damaged") {
		t.Fatalf("code %d, stderr %q; want the damage named", code, errOut)
	}
	if strings.Contains(errOut, "mv "+dbPath) || strings.Contains(errOut, "start an empty store") {
		t.Errorf("the check of a backup tells to move the database aside:\n%s", errOut)
	}
	if !strings.Contains(errOut, "do not restore from this file") || !strings.Contains(errOut, "не восстанавливайте из этого файла") {
		t.Errorf("stderr does not say what to do with the backup:\n%s", errOut)
	}
	// The database itself, damaged, still gets its way out.
	if err := os.WriteFile(dbPath, []byte(strings.Repeat("x", 40000)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runCLI(context.Background(), "db", "check", "-config", cfg)
	if code != 1 || !strings.Contains(errOut, "mv "+dbPath) {
		t.Errorf("damaged database: code %d, stderr %q; want the way out", code, errOut)
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
)

// stoppedConfig writes a daemon configuration whose state_dir holds the
// given strazh.db bytes (none when nil); it returns the config path and
// the database path.
func stoppedConfig(t *testing.T, db []byte) (string, string) {
	t.Helper()
	net := simtest.New()
	t.Cleanup(net.Close)
	t.Setenv("STRAZH_TEST_SIM_TOKEN", simtest.Token)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(daemonConfig, state, freePort(t), net.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(state, "strazh.db")
	if db != nil {
		if err := os.WriteFile(dbPath, db, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return cfg, dbPath
}

func runCLI(ctx context.Context, args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := runMain(ctx, args, stdio{strings.NewReader(""), &out, &errb})
	return out.String(), errb.String(), code
}

// healthyDB is the bytes of a database a daemon wrote and closed.
func healthyDB(t *testing.T) []byte {
	t.Helper()
	net := simtest.New()
	defer net.Close()
	td := startTestDaemon(t, net)
	id := net.Post("p1", "u2", "Борис", "да вы охуели совсем, пиздец")
	waitFor(t, "obscene comment deleted", func() bool { return net.Deleted(id) })
	td.stop(t)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(td.cfgPath), "state", "strazh.db"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stop ends the daemon and waits for it (the cleanup then finds it ended).
func (td *testDaemon) stop(t *testing.T) {
	t.Helper()
	td.cancel()
	err := <-td.done
	if err != nil {
		t.Errorf("daemon: %v", err)
	}
	td.done <- nil
}

func TestRun_DamagedDatabaseIsRefused(t *testing.T) {
	good := healthyDB(t)
	tests := []struct {
		name string
		db   []byte
	}{
		{"empty", []byte{}},
		{"truncated", good[:len(good)/2]},
		{"zeroed pages", append(bytes.Clone(good[:2*4096]), make([]byte, len(good)-2*4096)...)},
		{"garbage", bytes.Repeat([]byte("мусор "), 10000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, dbPath := stoppedConfig(t, tt.db)
			// A cancelled context: a daemon that starts stops at once.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, errOut, code := runCLI(ctx, "run", "-config", cfg)
			if code != exitDamaged {
				t.Errorf("run exit %d, want %d (a damaged database is refused)\n%s", code, exitDamaged, errOut)
			}
			for _, want := range []string{dbPath, "damaged", "strazh db restore -config " + cfg, "mv " + dbPath} {
				if !strings.Contains(errOut, want) {
					t.Errorf("run output lacks %q:\n%s", want, errOut)
				}
			}
			if after, _ := os.ReadFile(dbPath); !bytes.Equal(after, tt.db) {
				t.Error("the damaged file was changed")
			}
			_, errOut, code = runCLI(context.Background(), "audit", "-config", cfg)
			if code != 1 || !strings.Contains(errOut, "damaged") || !strings.Contains(errOut, "strazh db restore") {
				t.Errorf("audit: exit %d\n%s", code, errOut)
			}
			_, errOut, code = runCLI(context.Background(), "db", "check", "-config", cfg)
			if code != 1 || !strings.Contains(errOut, "damaged") {
				t.Errorf("db check: exit %d\n%s", code, errOut)
			}
		})
	}
}

func TestDB_BackupCheckRestoreCompact(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	td := startTestDaemon(t, net)
	bad := net.Post("p1", "u2", "Борис", "да вы охуели совсем, пиздец")
	waitFor(t, "obscene comment deleted", func() bool { return net.Deleted(bad) })
	dir := t.TempDir()
	dbPath := filepath.Join(filepath.Dir(td.cfgPath), "state", "strazh.db")

	// While the daemon runs: a hot backup through the admin socket, and a check.
	out, errOut, code := td.cli(t, "db", "backup", "-config", td.cfgPath, "-dir", dir, "-keep", "3")
	if code != 0 || !strings.Contains(out, "backup written") {
		t.Fatalf("db backup: %d %s %s", code, out, errOut)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "strazh-*.db"))
	if len(backups) != 1 {
		t.Fatalf("backups in the directory: %v", backups)
	}
	out, errOut, code = td.cli(t, "db", "check", "-config", td.cfgPath)
	if code != 0 || !strings.Contains(out, "hot copy") || !strings.Contains(out, ": ok") {
		t.Errorf("db check while running: %d %s %s", code, out, errOut)
	}
	out, errOut, code = td.cli(t, "db", "check", "-config", td.cfgPath, backups[0])
	if code != 0 || !strings.Contains(out, ": ok") {
		t.Errorf("db check BACKUP: %d %s %s", code, out, errOut)
	}
	for _, cmd := range []string{"restore", "compact"} {
		args := []string{"db", cmd, "-config", td.cfgPath}
		if cmd == "restore" {
			args = append(args, backups[0])
		}
		_, errOut, code = td.cli(t, args...)
		if code != 1 || !strings.Contains(errOut, "the daemon is running") {
			t.Errorf("db %s while running: %d %s", cmd, code, errOut)
		}
	}

	// Stopped: more comments came (the live file moved on), then a restore.
	later := net.Post("p1", "u3", "Вера", "ну ты и мудак, блядь")
	waitFor(t, "second comment deleted", func() bool { return net.Deleted(later) })
	td.stop(t)
	auditOf := func() string {
		out, errOut, code := td.cli(t, "audit", "-config", td.cfgPath)
		if code != 0 {
			t.Fatalf("audit: %d %s", code, errOut)
		}
		return out
	}
	if n := strings.Count(auditOf(), "\n"); n != 2 {
		t.Fatalf("%d decisions before the restore, want 2", n)
	}
	out, errOut, code = td.cli(t, "db", "restore", "-config", td.cfgPath, backups[0])
	if code != 0 || !strings.Contains(out, "kept as "+dbPath+".before-restore-") {
		t.Fatalf("db restore: %d %s %s", code, out, errOut)
	}
	if n := strings.Count(auditOf(), "\n"); n != 1 {
		t.Errorf("%d decisions after the restore, want the backup's 1", n)
	}
	out, errOut, code = td.cli(t, "db", "compact", "-config", td.cfgPath)
	if code != 0 || !strings.Contains(out, "compacted") {
		t.Errorf("db compact: %d %s %s", code, out, errOut)
	}
	if n := strings.Count(auditOf(), "\n"); n != 1 {
		t.Errorf("%d decisions after compaction, want 1", n)
	}
	// A damaged backup replaces nothing.
	if err := os.WriteFile(backups[0], []byte{}, 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = td.cli(t, "db", "restore", "-config", td.cfgPath, backups[0])
	if code != 1 || !strings.Contains(errOut, "nothing was replaced") {
		t.Errorf("db restore of an empty backup: %d %s", code, errOut)
	}
	if n := strings.Count(auditOf(), "\n"); n != 1 {
		t.Errorf("%d decisions after a refused restore, want 1", n)
	}
}

func TestPruneBackups_KeepsTheNewestAndOthersFiles(t *testing.T) {
	dir := t.TempDir()
	names := []string{
		"strazh-20260101T000000.000Z.db", "strazh-20260102T000000.000Z.db", "strazh-20260103T000000.000Z.db",
		"strazh-20260104T000000.000Z.db", "strazh-notatime.db", "notes.txt",
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := pruneBackups(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{filepath.Join(dir, names[0]), filepath.Join(dir, names[1])}; !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	left, _ := os.ReadDir(dir)
	var got []string
	for _, e := range left {
		got = append(got, e.Name())
	}
	if want := []string{"notes.txt", names[2], names[3], "strazh-notatime.db"}; !slices.Equal(got, want) {
		t.Errorf("left %v, want %v", got, want)
	}
}

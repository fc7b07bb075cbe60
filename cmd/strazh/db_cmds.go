package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/duration"
	"github.com/strazh/strazh/moderation/store"
)

// exitDamaged is the exit status of `strazh run` on a damaged database;
// deploy/strazh.service lists it in RestartPreventExitStatus=, so systemd
// does not restart into the same refusal again and again.
const exitDamaged = 65 // EX_DATAERR

// damagedHint adds the way out to an error about a damaged database file.
func damagedHint(err error, cfg *config.Config) error {
	if !errors.Is(err, store.ErrDamaged) {
		return err
	}
	return fmt.Errorf("%w\n"+
		"strazh does not use a damaged database and leaves the file as it is. The way out:\n"+
		"  - restore the latest backup (the daemon stopped):  strazh db restore -config %s BACKUP\n"+
		"    (daily backups: see deploy/README.md, «Backups»; check one first with  strazh db check -config %[2]s BACKUP)\n"+
		"  - or, without a backup, start an empty store (history, blacklist and cursors are lost):\n"+
		"    mv %s %[3]s.damaged",
		err, cfg.File, cfg.DBPath())
}

func cmdDB(ctx context.Context, args []string, s stdio) error {
	subs := []struct {
		name, summary string
		run           func(ctx context.Context, args []string, s stdio) error
	}{
		{"check", "check the database file (or a backup) for damage", cmdDBCheck},
		{"backup", "write a consistent copy of the database, also while the daemon runs", cmdDBBackup},
		{"restore", "replace the database with a checked backup (the daemon stopped)", cmdDBRestore},
		{"compact", "rewrite the database without its free pages (the daemon stopped)", cmdDBCompact},
	}
	if len(args) > 0 {
		for _, c := range subs {
			if c.name == args[0] {
				return c.run(ctx, args[1:], s)
			}
		}
		if args[0] != "-h" && args[0] != "--help" && args[0] != "help" {
			fmt.Fprintf(s.err, "strazh db: unknown command %q\n\n", args[0])
		}
	}
	fmt.Fprintf(s.err, "Usage: strazh db <command> -config FILE [flags]\n\nCommands:\n")
	for _, c := range subs {
		fmt.Fprintf(s.err, "  %-8s %s\n", c.name, c.summary)
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		return flag.ErrHelp
	}
	return errUsage
}

// daemonRunning reports whether a daemon answers on the admin socket.
func daemonRunning(cfg *config.Config) bool {
	c, err := net.DialTimeout("unix", cfg.SocketPath(), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

const errDaemonRuns = "the daemon is running and holds the database: stop it first (systemctl stop strazh), then run this again and start it"

func cmdDBCheck(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("db check", "-config FILE [-timeout 0] [FILE]",
		"Checks the database for damage: its header, every bucket, key and value, and\nbbolt's own consistency check. With FILE, checks that file (a backup) instead.\nWith the daemon running, it checks a hot copy taken through the admin socket.\nExit status 1 when the file is damaged.", s)
	path := configFlag(fs)
	timeout := new(time.Duration)
	fs.Var(duration.Value{D: timeout}, "timeout", "stop after this `long` (90s, 15m; 0: check everything)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	file, what := fs.Arg(0), ""
	if file == "" {
		file, what = cfg.DBPath(), cfg.DBPath()
		if daemonRunning(cfg) {
			tmp, err := os.CreateTemp(cfg.StateDir, "strazh.db.check-*")
			if err != nil {
				return fmt.Errorf("hot copy for the check: %w", err)
			}
			defer os.Remove(tmp.Name())
			_, err = newSocketBackend(cfg.SocketPath()).backup(ctx, tmp)
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("hot copy for the check: %w", err)
			}
			file, what = tmp.Name(), cfg.DBPath()+" (a hot copy: the daemon runs)"
		}
	}
	rep, err := store.CheckFile(file, *timeout)
	if err != nil {
		if fs.Arg(0) != "" && !isDatabase(fs.Arg(0), cfg.DBPath()) {
			// A backup checked before a restore: the way out of a damaged
			// database (move it aside, start empty) would lose the good one.
			return fmt.Errorf("%w\n"+
				"%[2]s — не рабочая база strazh, её эта проверка не читала: не восстанавливайте из этого файла, проверьте другую копию\n"+
				"%[2]s is not strazh's database, which this check did not read: do not restore from this file; check another backup", err, file)
		}
		return damagedHint(err, cfg)
	}
	state := "ok"
	if !rep.Complete {
		state = "ok so far: the time limit stopped the check"
	}
	fmt.Fprintf(s.out, "%s: %s\n  %d bytes, schema %d, %d buckets, %d keys, bbolt check: %v, %s\n",
		what, state, rep.Size, rep.Schema, rep.Buckets, rep.Keys, rep.Deep, rep.Duration.Round(time.Millisecond))
	return nil
}

// backupName is the file name of a backup in a -dir; the names sort by time.
const backupPrefix, backupStamp, backupSuffix = "strazh-", "20060102T150405.000Z", ".db"

func backupName(t time.Time) string {
	return backupPrefix + t.UTC().Format(backupStamp) + backupSuffix
}

func cmdDBBackup(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("db backup", "-config FILE (-o FILE | -dir DIR [-keep N])",
		"Writes a consistent copy of the database (bbolt's hot backup: the daemon goes on\nmoderating meanwhile, through its admin socket; with the daemon stopped, from\nthe file). The copy is written beside its final name, synced, checked, then\nrenamed into place. With -dir, the copy is named strazh-<UTC time>.db and only\nthe newest -keep copies stay.", s)
	path := configFlag(fs)
	out := fs.String("o", "", "write the copy to this `file`")
	dir := fs.String("dir", "", "write a time-stamped copy into this `directory`")
	keep := fs.Int("keep", 14, "with -dir: how many copies to keep (0: all)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*out == "") == (*dir == "") || fs.NArg() > 0 || *keep < 0 {
		fmt.Fprintln(s.err, "strazh db backup: give one of -o FILE or -dir DIR (and -keep ≥ 0)")
		return errUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	now := time.Now()
	target := *out
	if *dir != "" {
		if err := os.MkdirAll(*dir, 0o700); err != nil {
			return err
		}
		target = filepath.Join(*dir, backupName(now))
	}
	if isDatabase(target, cfg.DBPath()) {
		// The copy would be renamed over the live file: a running daemon
		// would go on writing to the unlinked one, and lose all of it.
		return fmt.Errorf("db backup: -o %s is the database itself: give a file elsewhere (-o /var/backups/strazh.db)", target)
	}
	n, err := writeBackup(ctx, cfg, target)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "backup written: %s (%d bytes)\n", target, n)
	if *dir != "" && *keep > 0 {
		removed, err := pruneBackups(*dir, *keep)
		for _, r := range removed {
			fmt.Fprintf(s.out, "old backup removed: %s\n", r)
		}
		return err
	}
	return nil
}

// isDatabase reports whether target names the database file db (the
// same path, or a link to it).
func isDatabase(target, db string) bool {
	a, err1 := filepath.Abs(target)
	b, err2 := filepath.Abs(db)
	if err1 == nil && err2 == nil && a == b {
		return true
	}
	ti, err1 := os.Stat(target)
	di, err2 := os.Stat(db)
	return err1 == nil && err2 == nil && os.SameFile(ti, di)
}

// writeBackup copies the database into target through a temporary file
// that is synced and checked before it takes the name.
func writeBackup(ctx context.Context, cfg *config.Config, target string) (int64, error) {
	tmp := target + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp) // a no-op once renamed
	var n int64
	if daemonRunning(cfg) {
		n, err = newSocketBackend(cfg.SocketPath()).backup(ctx, f)
	} else {
		n, err = backupFile(cfg, f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if _, err := store.CheckFile(tmp, 0); err != nil {
		return 0, fmt.Errorf("backup: the copy does not pass the check, so it was not kept: %w", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if d, err := os.Open(filepath.Dir(target)); err == nil {
		d.Sync()
		d.Close()
	}
	return n, nil
}

// backupFile copies the database of a stopped daemon.
func backupFile(cfg *config.Config, w io.Writer) (int64, error) {
	if _, err := os.Stat(cfg.DBPath()); err != nil {
		return 0, fmt.Errorf("no database at %s (has strazh run with this state_dir?)", cfg.DBPath())
	}
	db, err := store.Open(cfg.DBPath(), &store.Options{ReadOnly: true, Retention: cfg.Retention})
	if err != nil {
		return 0, damagedHint(err, cfg)
	}
	defer db.Close()
	return db.Backup(w, nil)
}

// pruneBackups removes all but the newest keep backups in dir; files with
// other names are never touched.
func pruneBackups(dir string, keep int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		stamp, ok := strings.CutPrefix(name, backupPrefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if stamp, ok = strings.CutSuffix(stamp, backupSuffix); !ok {
			continue
		}
		if _, err := time.Parse(backupStamp, stamp); err == nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var removed []string
	var errs []error
	for len(names) > keep {
		p := filepath.Join(dir, names[0])
		if err := os.Remove(p); err != nil {
			errs = append(errs, err)
		} else {
			removed = append(removed, p)
		}
		names = names[1:]
	}
	return removed, errors.Join(errs...)
}

func cmdDBRestore(_ context.Context, args []string, s stdio) error {
	fs := newFlags("db restore", "-config FILE BACKUP",
		"Replaces the database with BACKUP, the daemon stopped. The backup is copied\nbeside the database and checked before anything is replaced; the swap is an\natomic rename, and the old file stays beside it as strazh.db.before-restore-<time>.", s)
	path := configFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	if daemonRunning(cfg) {
		return errors.New(errDaemonRuns)
	}
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return fmt.Errorf("state_dir: %w", err)
	}
	aside, err := store.Restore(fs.Arg(0), cfg.DBPath(), time.Now())
	if errors.Is(err, store.ErrLocked) {
		return errors.New(errDaemonRuns)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "restored %s from %s\n", cfg.DBPath(), fs.Arg(0))
	if aside != "" {
		fmt.Fprintf(s.out, "the previous file is kept as %s: remove it once strazh runs well\n", aside)
	}
	return nil
}

func cmdDBCompact(_ context.Context, args []string, s stdio) error {
	fs := newFlags("db compact", "-config FILE",
		"Rewrites the database without its free pages, the daemon stopped (it also\ncompacts a mostly free file by itself at start). The copy is checked before it\nreplaces the file; the old file stays beside it as strazh.db.before-compact-<time>.", s)
	path := configFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	if daemonRunning(cfg) {
		return errors.New(errDaemonRuns)
	}
	before, after, aside, err := store.Compact(cfg.DBPath(), time.Now())
	if errors.Is(err, store.ErrLocked) {
		return errors.New(errDaemonRuns)
	}
	if err != nil {
		return damagedHint(err, cfg)
	}
	fmt.Fprintf(s.out, "compacted %s: %d → %d bytes\nthe previous file is kept as %s: remove it once strazh runs well\n", cfg.DBPath(), before, after, aside)
	return nil
}

// handleBackup streams a hot backup over the admin socket. The length is
// sent first, so a copy cut short is an error for the client, not a
// smaller file.
func (d *daemon) handleBackup(w http.ResponseWriter, r *http.Request) {
	if !knownParams(w, r) {
		return
	}
	cw := &countWriter{w: w}
	_, err := d.db.Backup(cw, func(n int64) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	})
	if err == nil {
		return
	}
	d.log.Error("backup through the admin socket failed", "err", err)
	if cw.n == 0 {
		w.Header().Del("Content-Length")
		reply(w, nil, err)
		return
	}
	panic(http.ErrAbortHandler) // cut the connection: the client sees a short copy
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// backup copies the daemon's hot backup into w.
func (s *socketBackend) backup(ctx context.Context, w io.Writer) (int64, error) {
	resp, err := s.send(ctx, http.MethodGet, "/v1/db/backup", nil, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("admin socket: backup cut short after %d bytes: %w", n, err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return n, fmt.Errorf("admin socket: backup cut short: %d of %d bytes", n, resp.ContentLength)
	}
	return n, nil
}

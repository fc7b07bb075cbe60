package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the database to w with bbolt's
// Tx.WriteTo, inside one read transaction: writers go on meanwhile (the
// daemon keeps moderating). size, when set, learns the copy's length
// before the first byte is written. It returns the bytes written.
func (db *DB) Backup(w io.Writer, size func(int64)) (int64, error) {
	var n int64
	err := db.view(func(tx *bbolt.Tx) error {
		if size != nil {
			size(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// CheckFile checks the database file at path without changing it: the
// header check, then the walk and bbolt's check (timeout <= 0: no limit).
// The file must not be open for writing (ErrLocked).
func CheckFile(path string, timeout time.Duration) (CheckReport, error) {
	if _, err := os.Stat(path); err != nil {
		return CheckReport{}, fmt.Errorf("store: check: %w", err)
	}
	if timeout <= 0 {
		timeout = 1<<63 - 1
	}
	db, err := Open(path, &Options{ReadOnly: true, CheckTimeout: timeout, checkOnly: true})
	if err != nil {
		return CheckReport{}, err
	}
	defer db.Close()
	return db.check, nil
}

// Restore replaces the database at dst with the backup at src, for a
// stopped daemon. It copies src beside dst, checks the copy fully (and that
// its schema is one this strazh reads), and only then renames it over dst,
// atomically: dst is at every moment the old file or the new one. The old
// file stays beside it under the returned name (empty when there was none).
func Restore(src, dst string, now time.Time) (aside string, err error) {
	tmp := dst + ".restore"
	if err := copyFile(src, tmp); err != nil {
		return "", fmt.Errorf("store: restore: %w", err)
	}
	defer os.Remove(tmp) // a no-op once renamed
	rep, err := CheckFile(tmp, 0)
	if err != nil {
		return "", fmt.Errorf("store: restore: the backup %s does not pass the check, nothing was replaced: %w", src, err)
	}
	if rep.Schema < 1 {
		return "", fmt.Errorf("store: restore: %s is a bbolt file but not a strazh database (no schema version), nothing was replaced", src)
	}
	aside, err = replace(tmp, dst, "before-restore", now)
	if err != nil {
		return "", fmt.Errorf("store: restore: %w", err)
	}
	return aside, nil
}

// Compact rewrites the database at path into a compact copy (the daemon
// stopped), checks the copy and swaps it in like Restore, keeping the old
// file aside. It returns the sizes before and after.
func Compact(path string, now time.Time) (before, after int64, aside string, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, "", fmt.Errorf("store: compact: %w", err)
	}
	if _, err := CheckFile(path, 0); err != nil {
		return 0, 0, "", fmt.Errorf("store: compact: %w", err)
	}
	tmp := path + ".compact"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, 0, "", fmt.Errorf("store: compact: %w", err)
	}
	defer os.Remove(tmp)
	if err := CompactFile(path, tmp); err != nil {
		return 0, 0, "", err
	}
	if _, err := CheckFile(tmp, 0); err != nil {
		return 0, 0, "", fmt.Errorf("store: compact: the compacted copy does not pass the check, nothing was replaced: %w", err)
	}
	nfi, err := os.Stat(tmp)
	if err != nil {
		return 0, 0, "", fmt.Errorf("store: compact: %w", err)
	}
	aside, err = replace(tmp, path, "before-compact", now)
	if err != nil {
		return 0, 0, "", fmt.Errorf("store: compact: %w", err)
	}
	return fi.Size(), nfi.Size(), aside, nil
}

// replace renames tmp over dst, first linking the old dst to a name marked
// with why and when. It takes dst's lock so a running daemon (which holds
// it) makes it fail before anything changes.
func replace(tmp, dst, why string, now time.Time) (aside string, err error) {
	old, err := os.Open(dst)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return "", err
	default:
		defer old.Close()
		if err := syscall.Flock(int(old.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return "", ErrLocked
			}
			return "", fmt.Errorf("lock %s: %w", dst, err)
		}
		// The new file takes the old one's owner: root restores, the
		// daemon's own user must open it.
		if fi, err := old.Stat(); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
				if err := os.Chown(tmp, int(st.Uid), int(st.Gid)); err != nil {
					return "", fmt.Errorf("give %s the owner of %s: %w", tmp, dst, err)
				}
			}
		}
		aside = fmt.Sprintf("%s.%s-%s", dst, why, now.UTC().Format("20060102T150405Z"))
		if err := os.Link(dst, aside); err != nil {
			return "", fmt.Errorf("keep the old file: %w", err)
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		if aside != "" {
			os.Remove(aside)
		}
		return "", err
	}
	syncDir(filepath.Dir(dst))
	return aside, nil
}

// copyFile copies src to a new dst (replacing a leftover) and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}

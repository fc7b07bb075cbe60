// Package secret reads tokens from the environment or from files (systemd
// credentials), never from the configuration itself. Secrets are never logged.
package secret

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrMissing is returned when neither source is configured.
var ErrMissing = errors.New("not configured")

// ErrUnavailable wraps the errors of a source that is configured but cannot
// be read here: an unset variable, a missing or empty file. `strazh check`
// on another machine than the daemon's sees them; any other error is a
// mistake in the configuration itself.
var ErrUnavailable = errors.New("unavailable")

// unavailable marks err as ErrUnavailable and keeps its text.
type unavailable struct{ error }

func (u unavailable) Unwrap() error        { return u.error }
func (u unavailable) Is(target error) bool { return target == ErrUnavailable }

// Resolve reads a secret configured as key+"_env" (an environment variable
// name) or key+"_file" (a path; a relative one is read from
// $CREDENTIALS_DIRECTORY, where systemd's LoadCredential= puts it). Errors
// name the key, never the value. Surrounding white space is trimmed.
func Resolve(key, env, file string) (string, error) {
	switch {
	case env != "" && file != "":
		return "", fmt.Errorf("%s_env and %s_file: set only one", key, key)
	case env != "":
		v, ok := os.LookupEnv(env)
		v = strings.TrimSpace(v)
		if !ok || v == "" {
			return "", unavailable{fmt.Errorf("%s_env: environment variable %s is empty or not set", key, env)}
		}
		if what := inside(v); what != "" {
			return "", fmt.Errorf("%s_env: environment variable %s holds %s: one secret, on one line", key, env, what)
		}
		return v, nil
	case file != "":
		path := file
		if !filepath.IsAbs(path) {
			dir := os.Getenv("CREDENTIALS_DIRECTORY")
			if dir == "" {
				return "", unavailable{fmt.Errorf("%s_file: %q is relative and $CREDENTIALS_DIRECTORY is not set", key, file)}
			}
			path = filepath.Join(dir, path)
		}
		b, err := readSmall(path)
		if errors.Is(err, errTooLarge) {
			return "", fmt.Errorf("%s_file: %s is larger than %d KiB: not a secret's file", key, path, maxFile>>10)
		}
		if err != nil {
			return "", unavailable{fmt.Errorf("%s_file: %w", key, err)}
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			return "", unavailable{fmt.Errorf("%s_file: %s is empty", key, path)}
		}
		if what := inside(v); what != "" {
			return "", fmt.Errorf("%s_file: %s holds %s: one secret, on one line", key, path, what)
		}
		return v, nil
	}
	return "", fmt.Errorf("%s_env or %s_file: %w", key, key, ErrMissing)
}

// maxFile bounds a secret's file: tokens are a few hundred bytes, and a
// file named by mistake (/dev/zero, a log) must not be read to its end.
const maxFile = 64 << 10

var errTooLarge = errors.New("too large")

// readSmall reads a file of at most maxFile bytes.
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFile {
		return nil, errTooLarge
	}
	return b, nil
}

// inside names what a secret must not hold between its ends (a line
// break: a comment line above the token, two tokens in one file; another
// control character), or "". The secret itself is never named.
func inside(v string) string {
	for _, r := range v {
		switch {
		case r == '\n' || r == '\r':
			return "a line break"
		case r < 0x20 || r == 0x7f:
			return "a control character"
		}
	}
	return ""
}

// FileWarning says when a secret file is readable by its group or by
// others (a token copied with cp keeps 0644): nil when it is not, or when
// the file cannot be found here (Resolve reports that). A relative name is
// looked up under $CREDENTIALS_DIRECTORY, as Resolve does.
func FileWarning(key, file string) error {
	if file == "" {
		return nil
	}
	path := file
	if !filepath.IsAbs(path) {
		dir := os.Getenv("CREDENTIALS_DIRECTORY")
		if dir == "" {
			return nil
		}
		path = filepath.Join(dir, path)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	if m := st.Mode().Perm(); m&0o077 != 0 {
		return fmt.Errorf("%s_file: %s доступен группе или всем (права %04o): chmod 600 %s (readable by group or others, mode %04o)", key, path, m, path, m)
	}
	return nil
}

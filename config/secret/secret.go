// Package secret reads tokens from the environment or from files (systemd
// credentials), never from the configuration itself. Secrets are never logged.
package secret

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrMissing is returned when neither source is configured.
var ErrMissing = errors.New("not configured")

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
			return "", fmt.Errorf("%s_env: environment variable %s is empty or not set", key, env)
		}
		return v, nil
	case file != "":
		path := file
		if !filepath.IsAbs(path) {
			dir := os.Getenv("CREDENTIALS_DIRECTORY")
			if dir == "" {
				return "", fmt.Errorf("%s_file: %q is relative and $CREDENTIALS_DIRECTORY is not set", key, file)
			}
			path = filepath.Join(dir, path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s_file: %w", key, err)
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			return "", fmt.Errorf("%s_file: %s is empty", key, path)
		}
		return v, nil
	}
	return "", fmt.Errorf("%s_env or %s_file: %w", key, key, ErrMissing)
}

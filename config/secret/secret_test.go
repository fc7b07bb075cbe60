package secret

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tok"), []byte("  file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "empty"), nil, 0o600)
	t.Setenv("STRAZH_TEST_SECRET", "env-secret")
	t.Setenv("STRAZH_TEST_EMPTY", "")
	t.Setenv("CREDENTIALS_DIRECTORY", dir)
	tests := []struct {
		name, env, file, want, wantErr string
	}{
		{name: "env", env: "STRAZH_TEST_SECRET", want: "env-secret"},
		{name: "absolute file, trimmed", file: filepath.Join(dir, "tok"), want: "file-secret"},
		{name: "relative file from the credentials directory", file: "tok", want: "file-secret"},
		{name: "both", env: "A", file: "B", wantErr: "token_env and token_file: set only one"},
		{name: "neither", wantErr: "token_env or token_file: not configured"},
		{name: "unset variable", env: "STRAZH_TEST_NOPE", wantErr: "token_env: environment variable STRAZH_TEST_NOPE is empty or not set"},
		{name: "empty variable", env: "STRAZH_TEST_EMPTY", wantErr: "is empty or not set"},
		{name: "missing file", file: "nope", wantErr: "token_file:"},
		{name: "empty file", file: "empty", wantErr: "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve("token", tt.env, tt.file)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error shows the secret: %v", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	t.Run("relative file without a credentials directory", func(t *testing.T) {
		t.Setenv("CREDENTIALS_DIRECTORY", "")
		if _, err := Resolve("token", "", "tok"); err == nil || !strings.Contains(err.Error(), "CREDENTIALS_DIRECTORY") {
			t.Fatalf("err = %v", err)
		}
	})
	if _, err := Resolve("token", "", ""); !errors.Is(err, ErrMissing) {
		t.Errorf("neither: %v is not ErrMissing", err)
	}
}

func TestResolve_UnavailableIsAClass(t *testing.T) {
	t.Setenv("CREDENTIALS_DIRECTORY", t.TempDir())
	for _, c := range []struct {
		name, env, file string
		unavailable     bool
	}{
		{"unset variable", "STRAZH_TEST_NOPE", "", true},
		{"missing file", "", "nope", true},
		{"both given: a configuration mistake", "A", "B", false},
		{"neither given", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Resolve("token", c.env, c.file)
			if err == nil || errors.Is(err, ErrUnavailable) != c.unavailable {
				t.Errorf("Resolve: %v, ErrUnavailable %v, want %v", err, errors.Is(err, ErrUnavailable), c.unavailable)
			}
		})
	}
}

func TestFileWarning(t *testing.T) {
	dir := t.TempDir()
	open, closed := filepath.Join(dir, "open"), filepath.Join(dir, "closed")
	os.WriteFile(open, []byte("x"), 0o644)
	os.WriteFile(closed, []byte("x"), 0o600)
	os.Chmod(open, 0o644) // whatever the umask
	if err := FileWarning("token", open); err == nil || !strings.Contains(err.Error(), "0644") || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("0644 file: %v", err)
	}
	if err := FileWarning("token", closed); err != nil {
		t.Errorf("0600 file: %v", err)
	}
	t.Setenv("CREDENTIALS_DIRECTORY", dir)
	if err := FileWarning("token", "open"); err == nil {
		t.Error("relative 0644 file under $CREDENTIALS_DIRECTORY: no warning")
	}
}

// TestResolve_NotATokenFile: a *_file that names something other than a
// token file is refused with its key, and the file is not read whole:
// before, /dev/zero or a log file named by mistake was read to its end
// (strazh check hung, the daemon grew without bound) and a second line
// (a comment above the token) was sent inside the token, which the
// network refused as broken credentials with nothing saying why.
func TestResolve_NotATokenFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("a", 1<<20)), 0o600); err != nil {
		t.Fatal(err)
	}
	twoLines := filepath.Join(dir, "two")
	if err := os.WriteFile(twoLines, []byte("# токен ВКонтакте\nvk1.a.abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("STRAZH_TEST_TWO_LINES", "abc\ndef")
	for _, tt := range []struct {
		name, env, file, want string
	}{
		{"a large file", "", big, "token_file: " + big + " is larger than"},
		{"two lines in a file", "", twoLines, "token_file: " + twoLines + " holds a line break"},
		{"two lines in a variable", "STRAZH_TEST_TWO_LINES", "", "token_env: environment variable STRAZH_TEST_TWO_LINES holds a line break"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve("token", tt.env, tt.file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %d bytes, err %v; want %q", len(got), err, tt.want)
			}
			if strings.Contains(err.Error(), "vk1.a.abc") || strings.Contains(err.Error(), "def") {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}

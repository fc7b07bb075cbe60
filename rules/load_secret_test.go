package rules_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strazh/strazh/rules"
)

// Defect 8: a rules.files entry pointing at a token or key file printed the
// file's contents in the error ("want a mapping, got "VK_TOKEN=vk1.a…"").
// The error names the file and line and shows at most a short excerpt.
func TestLoad_NotARuleFile_NoSecretEchoed(t *testing.T) {
	const secret = "Zq8xR2mKp4TnW7vY1cLs9dFh3jGb6NaE"
	for _, tc := range []struct{ name, body string }{
		{"token.env", "VK_TOKEN=vk1.a." + secret + "\n"},
		{"id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + secret + secret + "\n-----END OPENSSH PRIVATE KEY-----\n"},
		{"telegram-token", "123456789:" + secret + "\n"},
		{"quoted.yaml", "\"a\\u0000b\\nc" + secret + "\"\n"}, // control characters in the excerpt
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), tc.name)
			if err := os.WriteFile(p, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := rules.DefaultConfig()
			cfg.Builtin, cfg.Files = "none", []string{p}
			_, err := rules.Load(cfg, "/")
			if err == nil {
				t.Fatal("a non-rule file loaded")
			}
			msg := err.Error()
			if !strings.Contains(msg, p+":1:") || !strings.Contains(msg, "not a rule file") {
				t.Errorf("error does not name the file and line: %s", msg)
			}
			if strings.Contains(msg, secret[:6]) || len(msg) > len(p)+200 {
				t.Errorf("error echoes the file: %s", msg)
			}
			if strings.ContainsAny(msg, "\x00\n") {
				t.Errorf("error carries control characters: %q", msg)
			}
		})
	}
}

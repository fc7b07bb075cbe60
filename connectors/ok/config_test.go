package ok

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors"
)

// TestConfig_ReadmeExample: the full account in README.md loads through
// the daemon's config loader and builds a connector (the keys are exact).
func TestConfig_ReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(accounts:.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("no yaml account in README.md")
	}
	cfg, err := config.Parse("c.yaml", []byte("state_dir: /tmp/strazh\n"+string(m[1])))
	if err != nil {
		t.Fatalf("README example: %v", err)
	}
	acc := cfg.Accounts[0]
	oc, ok := acc.Conn.(*Config)
	if !ok || acc.Network != Network || oc.GroupID != 70000001234567 || oc.PollInterval != 30*time.Second ||
		oc.CatchupTopics != 20 || oc.ApplicationKey == "" || oc.AccessTokenFile != "ok-token" || acc.Ban.Duration != 0 {
		t.Fatalf("account %+v, conn %+v", acc, acc.Conn)
	}
	dir := t.TempDir()
	t.Setenv("CREDENTIALS_DIRECTORY", dir)
	for _, f := range []string{"ok-app-secret", "ok-token"} {
		if err := os.WriteFile(dir+"/"+f, []byte("s3cr3t-"+f+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := connectors.Lookup(Network)
	if _, err := f.New(oc, connectors.Deps{Account: acc.Name}); err != nil {
		t.Fatalf("New: %v", err)
	}
	oc.AccessTokenFile = "missing"
	if _, err := f.New(oc, connectors.Deps{Account: acc.Name}); err == nil || strings.Contains(err.Error(), "s3cr3t") ||
		!strings.Contains(err.Error(), "access_token_file") {
		t.Fatalf("missing token: %v", err)
	}
}

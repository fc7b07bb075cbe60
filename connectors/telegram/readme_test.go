package telegram

import (
	"os"
	"strings"
	"testing"

	"github.com/strazh/strazh/config"
)

// TestREADME_ExampleParses keeps the README's full account valid.
func TestREADME_ExampleParses(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no yaml example in README.md")
	}
	cfg, err := config.Parse("README.md", []byte("state_dir: /tmp/x\n"+example))
	if err != nil {
		t.Fatalf("the README's example: %v", err)
	}
	c, ok := cfg.Accounts[0].Conn.(*Config)
	if !ok || c.ChatID != -1001234567890 || c.BanMode != BanModeRestrict {
		t.Fatalf("parsed %+v", cfg.Accounts[0].Conn)
	}
}

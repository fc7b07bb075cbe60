package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A Telegram account's ban.duration of 5m or less banned nobody (every
// such ban is recorded skipped) and check said nothing.
func TestCheck_Warnings_ShortTelegramBan(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	cfg := "state_dir: " + filepath.Join(dir, "state") + "\nmetrics: {listen: \"\"}\naccounts:\n" +
		"  - name: tg\n    network: telegram\n    chat_id: -1001\n    channel_id: -1002\n    token_env: STRAZH_TEST_TG_TOKEN\n    ban:\n      duration: 5m\n"
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(context.Background(), "check", "-config", p)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	if want := "warning: " + p + ":10: accounts[0].ban.duration: 5m:"; !strings.Contains(errOut, want) {
		t.Errorf("no %q in:\n%s", want, errOut)
	}
}

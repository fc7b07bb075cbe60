package main

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestCheck_TelegramAccountWithReviewToken: a Telegram account given the
// review bot's token (here through another variable) is refused by check
// and run; a bot of its own passes.
func TestCheck_TelegramAccountWithReviewToken(t *testing.T) {
	t.Setenv("STRAZH_TEST_SIM_TOKEN", "t")
	t.Setenv("STRAZH_TEST_REVIEW", "111:review-secret")
	t.Setenv("STRAZH_TEST_TG_SAME", "111:review-secret")
	t.Setenv("STRAZH_TEST_TG_OWN", "222:own-secret")
	for _, tt := range []struct {
		env    string
		refuse bool
	}{{"STRAZH_TEST_TG_SAME", true}, {"STRAZH_TEST_TG_OWN", false}} {
		t.Run(tt.env, func(t *testing.T) {
			p := writeConfig(t, "telegram:\n  token_env: STRAZH_TEST_REVIEW\n  chat_id: -1\n  moderators: [7]\n", nil)
			b, _ := os.ReadFile(p)
			b = append(b, "  - name: tg\n    network: telegram\n    chat_id: -1001\n    channel_id: -1002\n    token_env: "+tt.env+"\n"...)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, out, code := runCLI(context.Background(), "check", "-config", p)
			refused := strings.Contains(out, "accounts[1] (tg): token: is the review bot's token")
			if refused != tt.refuse || (tt.refuse && code != 1) {
				t.Fatalf("check: exit %d, refused %v, want %v:\n%s", code, refused, tt.refuse, out)
			}
			if strings.Contains(out, "review-secret") || strings.Contains(out, "own-secret") {
				t.Fatalf("a token in the output:\n%s", out)
			}
		})
	}
}

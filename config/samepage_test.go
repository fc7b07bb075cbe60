package config_test

import (
	"strings"
	"testing"

	"github.com/strazh/strazh/config"
)

// TestParse_SamePageTwice: one page configured under two names was
// accepted; each account read its comments, so every comment was decided
// twice (two review cards, two deletions, two bans, counted twice in the
// report); Facebook pages and Instagram accounts too. The second is
// refused naming the first; another page of the
// same network, the same id on another network or behind another API
// URL (a fake of its own) is fine.
func TestParse_SamePageTwice(t *testing.T) {
	account := func(name, network, keys string) string {
		return "  - name: " + name + "\n    network: " + network + "\n" + keys
	}
	vk := "    group_id: 123\n    community_token_env: T\n    user_token_env: U\n"
	tg := "    chat_id: -1001\n    channel_id: -1002\n    token_env: T\n"
	mx := "    channel_id: -7001\n    token_env: T\n"
	ok := "    group_id: 5\n    application_key: K\n    application_secret_key_env: S\n    access_token_env: A\n"
	fb := "    page_id: \"102030405060708\"\n    token_env: T\n"
	ig := "    ig_user_id: \"17841400000000001\"\n    token_env: T\n"
	tests := []struct {
		name, accounts string
		want           string // "" no error
	}{
		{"vk twice", account("a", "vk", vk) + account("b", "vk", vk), `accounts[1].group_id: the same page as accounts[0] (a)`},
		{"telegram twice", account("a", "telegram", tg) + account("b", "telegram", tg), `accounts[1].chat_id: the same page as accounts[0] (a)`},
		{"max twice", account("a", "max", mx) + account("b", "max", mx), `accounts[1].channel_id: the same page as accounts[0] (a)`},
		{"ok twice", account("a", "ok", ok) + account("b", "ok", ok), `accounts[1].group_id: the same page as accounts[0] (a)`},
		{"facebook twice", account("a", "facebook", fb) + account("b", "facebook", fb), `accounts[1].page_id: the same page as accounts[0] (a)`},
		{"instagram twice", account("a", "instagram", ig) + account("b", "instagram", ig), `accounts[1].ig_user_id: the same page as accounts[0] (a)`},
		{"two facebook pages", account("a", "facebook", fb) + account("b", "facebook", strings.Replace(fb, "708", "709", 1)), ""},
		{"instagram at two Graph hosts", account("a", "instagram", ig) + account("b", "instagram", ig+"    graph_url: https://graph.instagram.com/\n"), ""},
		{"two vk pages", account("a", "vk", vk) + account("b", "vk", strings.Replace(vk, "123", "124", 1)), ""},
		{"same id behind two API URLs (fakes)", account("a", "vk", vk) + account("b", "vk", vk+"    api_url: http://127.0.0.1:1/method/\n"), ""},
		{"same id on two networks", account("a", "vk", "    group_id: 5\n    community_token_env: T\n    user_token_env: U\n") + account("b", "ok", ok), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("c.yaml", []byte("state_dir: /tmp/strazh\naccounts:\n"+tt.accounts))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

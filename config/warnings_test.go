package config_test

import (
	"strings"
	"testing"

	"github.com/strazh/strazh/config"
)

// A Telegram ban of ban.duration 5m or less was never placed (the
// connector records it skipped: so near an end Telegram reads as for
// ever), and nothing said so before the first ban went nowhere.
func TestConfig_Warnings_ShortBan(t *testing.T) {
	const tg = "state_dir: /x\naccounts:\n  - name: tg\n    network: telegram\n    chat_id: -1001\n    channel_id: -1002\n    token_env: T\n"
	tests := []struct {
		name string
		ban  string
		want string // "" for no warning
	}{
		{"five minutes", "    ban: {duration: 5m}\n", "c.yaml:8: accounts[0].ban.duration: 5m:"},
		{"one second", "    ban: {duration: 1s}\n", "accounts[0].ban.duration: 1s:"},
		{"just over", "    ban: {duration: 6m}\n", ""},
		{"forever", "    ban: {duration: 0}\n", ""},
		{"not given", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse("c.yaml", []byte(tg+tt.ban))
			if err != nil {
				t.Fatal(err)
			}
			ws := cfg.Warnings()
			if tt.want == "" {
				if len(ws) != 0 {
					t.Fatalf("warnings = %v, want none", ws)
				}
				return
			}
			if len(ws) != 1 || !strings.Contains(ws[0].Error(), tt.want) || !strings.Contains(ws[0].Error(), "not placed") {
				t.Fatalf("warnings = %v, want one naming %q", ws, tt.want)
			}
		})
	}
}

// Networks that place a short ban get no warning.
func TestConfig_Warnings_ShortBanOtherNetwork(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base+"    ban: {duration: 1m}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if ws := cfg.Warnings(); len(ws) != 0 {
		t.Fatalf("warnings = %v, want none for sim", ws)
	}
}

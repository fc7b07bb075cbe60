package config_test

import (
	"strings"
	"testing"

	"github.com/strazh/strazh/config"
)

func TestParse_ReviewSection(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base+"review:\n  telegram: {token_env: X, chat_id: -5, moderators: [1]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram == nil || cfg.Telegram.ChatID != -5 || cfg.Telegram.Moderators[0] != 1 {
		t.Fatalf("review.telegram = %+v", cfg.Telegram)
	}
	cfg, err = config.Parse("c.yaml", []byte(base+"review: {telegram: {token_file: tg, chat_id: -5, moderators: [1]}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram.TokenEnv != "" || cfg.Telegram.TokenFile != "tg" {
		t.Errorf("token_env %q, token_file %q", cfg.Telegram.TokenEnv, cfg.Telegram.TokenFile)
	}
}

func TestParse_ReviewSection_Problems(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"both spellings", base + "telegram: {token_env: X, chat_id: -1, moderators: [1]}\nreview:\n  telegram: {token_env: X, chat_id: -1, moderators: [1]}\n",
			[]string{"c.yaml:9: review.telegram: given both here and as the top-level telegram on line 7"}},
		{"unknown channel", base + "review:\n  signal: {}\n", []string{"c.yaml:8: review.signal: unknown review channel"}},
		{"not a mapping", base + "review: [telegram]\n", []string{"c.yaml:7: review: must be a mapping"}},
		{"problem on its line", base + "review:\n  telegram:\n    token_env: X\n    chat_id: -1\n    moderators: [1]\n    language: fr\n",
			[]string{"c.yaml:12: telegram.language: must be ru or en"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("c.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

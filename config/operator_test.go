package config_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/config/secret"
)

// Issue 11: one duration syntax, type errors in words, a tab named as a
// tab, and every problem placed on a line of the file (never line 0).
func TestParse_Durations(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base+"    ban: {duration: 2w}\n    poll_wait: 90s\nretention: 1y\nmodel: {learn: {every: 12h}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Retention != 365*24*time.Hour || cfg.Accounts[0].Ban.Duration != 14*24*time.Hour || cfg.Model.Learn.Every != 12*time.Hour {
		t.Errorf("retention %s, ban.duration %s, model.learn.every %s", cfg.Retention, cfg.Accounts[0].Ban.Duration, cfg.Model.Learn.Every)
	}
	cfg, err = config.Parse("c.yaml", []byte(base+"telegram: {token_env: X, chat_id: -1, moderators: [1], remind_after: 30m, review_timeout: 2d}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram.ReviewTimeout != 48*time.Hour {
		t.Errorf("telegram.review_timeout = %s", cfg.Telegram.ReviewTimeout)
	}
}

func TestParse_ProblemsInWords(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"duration in words", base + "retention: 3 days\n", []string{`c.yaml:7: retention: ожидается длительность, например 30d`, "expected a duration"}},
		{"connector duration", base + "    poll_wait: soon\n", []string{`c.yaml:7: accounts[0].poll_wait: ожидается длительность`}},
		{"duration given a list", base + "retention: [1]\n", []string{`c.yaml:7: retention: ожидается длительность, например 30d, получено список`}},
		{"whole number", base + "pipeline: {queue_size: many}\n", []string{`c.yaml:7: pipeline.queue_size: ожидается целое число, получено "many"`}},
		{"list of numbers", base + "telegram: {token_env: X, chat_id: -1, moderators: [ivan]}\n", []string{`c.yaml:7: telegram.moderators: ожидается список, в нём целое число, получено список (expected a list, each a whole number)`}},
		{"tab in indentation", "state_dir: /x\nlog:\n  level: info\n\tformat: text\n", []string{"c.yaml:4: табуляция в отступе", "a tab in the indentation"}},
		{"tab at the top", "log:\n\tlevel: info\n", []string{"c.yaml:2: табуляция"}},
		{"telegram problem on its line", base + "telegram:\n  token_env: X\n  chat_id: -1\n  moderators: [1]\n  language: fr\n", []string{`c.yaml:11: telegram.language: must be ru or en`}},
		{"telegram key not given: the section's line", base + "telegram:\n  token_env: X\n  chat_id: -1\n", []string{`c.yaml:7: telegram.moderators: list at least one`}},
		{"rules problem on its line", base + "rules:\n  builtin: rux\n", []string{`c.yaml:8: rules.builtin: unknown pack set "rux"`}},
		{"no accounts: the document's line", "state_dir: /x\n", []string{"c.yaml:1: accounts: at least one account is required"}},
		{"telegram _env and _file", base + "telegram: {token_env: X, token_file: y, chat_id: -1, moderators: [1]}\n", []string{"c.yaml:7: telegram.token_env: set only one"}},
	}
	noLine := regexp.MustCompile(`^c\.yaml: `)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("c.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			for _, e := range config.Flatten(err) {
				if noLine.MatchString(e.Error()) || strings.Contains(e.Error(), "unmarshal") || strings.Contains(e.Error(), "yaml: ") {
					t.Errorf("problem without a line or in Go's words: %v", e)
				}
			}
		})
	}
}

func TestParse_TelegramTokenFileAlone(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base+"telegram: {token_file: telegram-token, chat_id: -1, moderators: [1]}\n"))
	if err != nil {
		t.Fatalf("token_file alone refused: %v", err)
	}
	if cfg.Telegram.TokenEnv != "" || cfg.Telegram.TokenFile != "telegram-token" {
		t.Errorf("telegram token_env %q, token_file %q", cfg.Telegram.TokenEnv, cfg.Telegram.TokenFile)
	}
}

func TestLoad_SizeLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(p, []byte(base+"# "+strings.Repeat("x", config.MaxFileBytes)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := config.Load(p)
	if err == nil || !strings.Contains(err.Error(), "больше 1024 КиБ") {
		t.Fatalf("Load of a %d-byte file: %v", config.MaxFileBytes, err)
	}
}

var _ = secret.Resolve

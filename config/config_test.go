package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	_ "github.com/strazh/strazh/connectors/max"
	_ "github.com/strazh/strazh/connectors/meta"
	_ "github.com/strazh/strazh/connectors/ok"
	_ "github.com/strazh/strazh/connectors/sim"
	_ "github.com/strazh/strazh/connectors/telegram"
	_ "github.com/strazh/strazh/connectors/vk"
	"github.com/strazh/strazh/rules"
)

func TestLoad_ExampleIsValid(t *testing.T) {
	cfg, err := config.Load("../config.example.yaml")
	if err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	if len(cfg.Accounts) != 1 || cfg.Accounts[0].Name != "admin-vk" || cfg.Accounts[0].Network != "vk" {
		t.Errorf("accounts = %+v", cfg.Accounts)
	}
	if cfg.Telegram == nil || cfg.Telegram.ChatID != -1001234567890 {
		t.Errorf("telegram = %+v", cfg.Telegram)
	}
	if cfg.Accounts[0].BanScope != "page" {
		t.Errorf("ban_scope = %q", cfg.Accounts[0].BanScope)
	}
	if cfg.Accounts[0].Ban.Duration != 720*time.Hour {
		t.Errorf("ban.duration = %s", cfg.Accounts[0].Ban.Duration)
	}
	if got := cfg.Rules.TrustedDomains; len(got) != 2 || got[0] != "admin-gorod.ru" || got[1] != "vk.com/admin_gorod" {
		t.Errorf("rules.trusted_domains = %q", got)
	}
	if m := cfg.Rules.Model; m.File != "" || len(m.Delete) != 0 {
		t.Errorf("rules.model = %+v, want the shipped model, review only", m)
	}
	if cfg.DBPath() != "/var/lib/strazh/strazh.db" {
		t.Errorf("DBPath = %s", cfg.DBPath())
	}
}

const base = `state_dir: /tmp/strazh
accounts:
  - name: page
    network: sim
    api_url: http://127.0.0.1:1
    token_env: T
`

func TestParse_Problems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // each must appear in the error
	}{
		{"unknown top-level key", base + "colour: red\n", []string{"c.yaml:7: colour: unknown key"}},
		{"unknown nested key", "metrics: {listen: 127.0.0.1:1, port: 3}\n" + base, []string{"c.yaml:1: metrics.port: unknown key"}},
		{"wrong type", base + "dry_run: maybe\n", []string{`c.yaml:7: dry_run: ожидается true или false, получено "maybe" (expected true or false)`}},
		{"unknown account key", base + "    colour: red\n", []string{"c.yaml:7: accounts[0].colour: unknown key"}},
		{"bad ban scope", base + "    ban_scope: region\n", []string{`c.yaml:7: accounts[0].ban_scope: "region" is not page or district`}},
		{"registry link not https", base + "    registry: {url: http://vk.com/x}\n", []string{`c.yaml:7: accounts[0].registry.url: "http://vk.com/x" is not an https:// link`}},
		{"unknown registry key", base + "    registry: {colour: red}\n", []string{"accounts[0].registry.colour: unknown key"}},
		{"cadence too rare a minimum", base + "cadence: {min_per_week: 0, every: 10s}\n", []string{"cadence.min_per_week: 0: want at least 1", "cadence.every: 10s: want at least 1m"}},
		{"wrong type in connector key", base + "    poll_wait: soon\n", []string{"c.yaml:7: accounts[0].poll_wait:"}},
		{"unknown network", "state_dir: /x\naccounts:\n  - name: a\n    network: myspace\n", []string{`c.yaml:4: accounts[0].network: unknown network "myspace"`}},
		{"duplicate names", base + "  - name: page\n    network: sim\n    api_url: http://x:1\n    token_env: T\n", []string{`accounts[1].name: "page" is also the name of accounts[0]`}},
		{"connector validation names the account", "state_dir: /x\naccounts:\n  - name: a\n    network: sim\n    token_env: T\n", []string{"c.yaml:3: accounts[0] (a): api_url: required"}},
		{"relative state_dir", strings.Replace(base, "/tmp/strazh", "strazh", 1), []string{"c.yaml:1: state_dir:", "absolute"}},
		{"bad log level", base + "log: {level: loud}\n", []string{`c.yaml:7: log.level: "loud" is not one of`}},
		{"accounts twice", base + "accounts: []\n", []string{"c.yaml:7: accounts: given twice (first on line 2)"}},
		{"connector key's own line", "state_dir: /x\naccounts:\n  - name: a\n    network: sim\n    token_env: T\n    api_url: ftp://x\n", []string{`c.yaml:6: accounts[0] (a): api_url: "ftp://x" is not an http(s) URL`}},
		{"several problems at once", base + "colour: red\nlog: {format: xml}\n", []string{"colour: unknown key", "log.format"}},
		{"duplicate key", base + "dry_run: true\ndry_run: false\n", []string{"dry_run: given twice"}},
		{"no accounts", "state_dir: /x\n", []string{"accounts: at least one account is required"}},
		// The pipeline reads a zero grace as its default: the daemon
		// waited 10s at shutdown where 0 was written.
		{"zero shutdown grace", base + "pipeline: {shutdown_grace: 0}\n", []string{"c.yaml:7: pipeline.shutdown_grace: 0 would mean the default 10s"}},
		// A second document's keys were ignored without a word (here the
		// dry run: the daemon would act for real).
		{"second document", base + "---\ndry_run: true\n", []string{"c.yaml:7: a second YAML document (---)"}},
		{"telegram problems", base + "telegram: {token_env: X, chat_id: 0}\n", []string{"telegram."}},
		{"not yaml", "state_dir: [\n", []string{"c.yaml"}},
		{"the old model.policy is gone", base + "model: {policy: {toxic: {review: 0.9}}}\n", []string{"model.policy: unknown key"}},
		{"bad model threshold", base + "rules: {model: {delete: {toxic: soon}}}\n", []string{"rules.model.delete", "auto"}},
		{"model keep too high", base + "rules: {model: {keep: {toxic: 0.8}}}\n", []string{"rules.model.keep.toxic"}},
		{"bad trusted domain", base + "rules: {trusted_domains: [gosuslugi.ru, \"no domain\"]}\n", []string{"rules.trusted_domains[1]:", "want a domain"}},
		{"unknown rules.model key", base + "rules: {model: {colour: red}}\n", []string{"rules.model.colour: unknown key"}},
		{"model delete threshold too low", base + "rules: {model: {delete: {toxic: 0.3}}}\n", []string{"rules.model.delete.toxic: 0.3 out of 0.5..1"}},
		{"model delete without a model", base + "rules: {model: {file: none, delete: {spam: 0.99}}}\n", []string{"rules.model.delete: needs a model"}},
	}
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
		})
	}
}

func TestParse_RulesModel(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base+"rules:\n  model:\n    file: page.model\n    delete: {toxic: 0.98}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m := cfg.Rules.Model; m.File != "page.model" || m.Delete["toxic"] != 0.98 {
		t.Errorf("rules.model = %+v", m)
	}
}

func TestParse_ModelAuto(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base+"rules: {model: {delete: {toxic: auto, spam: 0.99}, keep: {toxic: 0.05}}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Rules.Model
	if m.Delete["toxic"] != rules.Auto || m.Delete["spam"] != 0.99 || m.Keep["toxic"] != 0.05 {
		t.Errorf("rules.model %+v", m)
	}
}

func TestParse_Defaults(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Metrics.Listen != "127.0.0.1:9464" || cfg.Log.Level != "info" || cfg.Retention != 365*24*time.Hour ||
		cfg.Rules.Builtin != "ru" || cfg.Telegram != nil || cfg.Pipeline.Retry.MaxRetries == 0 {
		t.Errorf("defaults not applied: %+v", cfg)
	}
}

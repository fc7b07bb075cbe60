package config_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/strazh/strazh/config"
)

// Dump gives every key with the value in use, and reads back as the same
// configuration.
func TestConfig_Dump_RoundTrip(t *testing.T) {
	for _, src := range []string{base, base + "telegram: {token_file: tg, chat_id: -1, moderators: [1]}\nrules: {model: {delete: {toxic: auto, spam: 0.99}}}\n"} {
		cfg, err := config.Parse("c.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		out, err := cfg.Dump()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"retention: 1y", "shutdown_grace: 10s", "queue_size: 4", "poll_wait: 25s", "listen: 127.0.0.1:9464", "every: 6h", "builtin: ru"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("dump lacks the default %q:\n%s", want, out)
			}
		}
		back, err := config.Parse("c.yaml", out)
		if err != nil {
			t.Fatalf("the dump does not load: %v\n%s", err, out)
		}
		again, err := back.Dump()
		if err != nil || string(again) != string(out) {
			t.Errorf("the dump reads back differently (%v):\n%s\n---\n%s", err, out, again)
		}
		if back.Retention != cfg.Retention || back.Pipeline != cfg.Pipeline || !reflect.DeepEqual(back.Model, cfg.Model) || !reflect.DeepEqual(back.Accounts[0].Conn, cfg.Accounts[0].Conn) {
			t.Errorf("values changed on the way:\n%s", out)
		}
	}
}

func TestConfig_Dump_NeverShowsAToken(t *testing.T) {
	const token = "vk1.a.Zq8xR2mKp4TnW7vY1cLs9dFh3jGb6NaE"
	cfg, err := config.Parse("c.yaml", []byte("state_dir: /tmp/strazh\naccounts:\n  - name: page\n    network: sim\n    api_url: http://127.0.0.1:1\n    token_env: "+token+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := cfg.Dump()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), token[:10]) || !strings.Contains(string(out), "token_env: '"+config.Redacted+"'") {
		t.Errorf("dump:\n%s", out)
	}
	cfg, _ = config.Parse("c.yaml", []byte(base))
	out, _ = cfg.Dump()
	if !strings.Contains(string(out), "token_env: T\n") {
		t.Errorf("a variable name is fine to show:\n%s", out)
	}
}

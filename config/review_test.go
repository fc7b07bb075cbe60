package config_test

import (
	"strings"
	"testing"
	"time"

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

func TestParse_ReviewMAX(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base+"review:\n  max: {token_file: mx, chat_id: -70, moderators: [501, 502], language: en}\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.ReviewMAX
	if m == nil || m.ChatID != -70 || len(m.Moderators) != 2 || m.Language != "en" || m.TokenEnv != "" || m.TokenFile != "mx" {
		t.Fatalf("review.max = %+v", m)
	}
	if m.APIURL != "https://platform-api2.max.ru/" {
		t.Errorf("api_url default = %q", m.APIURL)
	}
	if cfg.Telegram != nil {
		t.Error("review.max alone made a Telegram chat")
	}
	var keys []string
	for _, s := range cfg.Secrets() {
		keys = append(keys, s.Key)
	}
	if !strings.Contains(strings.Join(keys, " "), "review.max.token") {
		t.Errorf("secrets %q lack review.max.token", keys)
	}
	out, err := cfg.Dump()
	if err != nil || !strings.Contains(string(out), "review:\n    max:") && !strings.Contains(string(out), "review:\n  max:") {
		t.Errorf("dump lacks review.max: %v\n%s", err, out)
	}
	if cfg, err := config.Parse("c.yaml", []byte(base+"review: {max: null}\n")); err != nil || cfg.ReviewMAX != nil {
		t.Errorf("review.max: null = %+v, %v", cfg.ReviewMAX, err)
	}
}

func TestParse_ReviewMAX_Problems(t *testing.T) {
	const maxAccount = "  - name: admin-max\n    network: max\n    channel_id: -7080\n    token_env: SHARED\n"
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"missing keys", base + "review:\n  max:\n    token_env: X\n",
			[]string{"c.yaml:8: review.max.chat_id: is required", "review.max.moderators: list at least one MAX user ID"}},
		{"bad key on its line", base + "review:\n  max:\n    token_env: X\n    chat_id: -1\n    moderators: [1]\n    language: fr\n",
			[]string{"c.yaml:12: review.max.language: must be ru or en"}},
		{"unknown key", base + "review:\n  max: {token_env: X, chat_id: -1, moderators: [1], chat: 5}\n",
			[]string{"review.max.chat: unknown key"}},
		{"bad moderator", base + "review:\n  max: {token_env: X, chat_id: -1, moderators: [0]}\n",
			[]string{"review.max.moderators[0]: must be a user ID > 0"}},
		{"both token sources", base + "review:\n  max: {token_env: X, token_file: f, chat_id: -1, moderators: [1]}\n",
			[]string{"review.max.token_env: set only one"}},
		{"top-level max", base + "max: {token_env: X}\n", []string{"max: unknown key"}},
		{"token shared with a MAX account", base + maxAccount + "review:\n  max: {token_env: SHARED, chat_id: -1, moderators: [1]}\n",
			[]string{"c.yaml:12: review.max.token_env: accounts[1] (admin-max) reads its MAX token from the same place"}},
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

func TestParse_ReviewMAX_Webhook(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base+"review:\n  max:\n    token_env: X\n    chat_id: -70\n    moderators: [1]\n"+
		"    webhook: {url: https://strazh.example/max, listen: 127.0.0.1:8081, secret_file: max-hook}\n"))
	if err != nil {
		t.Fatal(err)
	}
	h := cfg.ReviewMAX.Webhook
	if h == nil || h.URL != "https://strazh.example/max" || h.Listen != "127.0.0.1:8081" || h.SecretFile != "max-hook" {
		t.Fatalf("review.max.webhook = %+v", h)
	}
	found := false
	for _, s := range cfg.Secrets() {
		found = found || s.Key == "review.max.webhook.secret" && s.File == "max-hook"
	}
	if !found {
		t.Errorf("secrets %+v lack review.max.webhook.secret", cfg.Secrets())
	}
	_, err = config.Parse("c.yaml", []byte(base+"review:\n  max:\n    token_env: X\n    chat_id: -70\n    moderators: [1]\n    webhook: {url: https://h/x}\n"))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:12: review.max.webhook.listen") {
		t.Errorf("error = %v", err)
	}
}

func TestParse_ReviewWeb(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base+"review:\n  web: {listen: \"127.0.0.1:9000\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ReviewWeb == nil || cfg.ReviewWeb.Listen != "127.0.0.1:9000" || cfg.ReviewWeb.SessionTTL == 0 {
		t.Fatalf("review.web = %+v, want the listen given and the defaults", cfg.ReviewWeb)
	}
	out, err := cfg.Dump()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := config.Parse("dump.yaml", out); err != nil {
		t.Errorf("the dump does not load again: %v\n%s", err, out)
	}
}

func TestParse_ReviewWeb_Problems(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"not loopback", base + "review:\n  web:\n    listen: \"0.0.0.0:8088\"\n", "c.yaml:9: review.web.listen: \"0.0.0.0:8088\" is not a loopback address"},
		{"every interface", base + "review:\n  web:\n    listen: \":8088\"\n", "review.web.listen: \":8088\" is not a loopback address"},
		{"top level", base + "web: {listen: \"127.0.0.1:1\"}\n", "c.yaml:7: web: the review console is configured as review.web"},
		{"bad ttl", base + "review:\n  web:\n    session_ttl: 10s\n", "review.web.session_ttl: 10s is not between"},
		{"unknown key", base + "review:\n  web:\n    port: 1\n", "c.yaml:9: review.web.port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("c.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := config.Parse("c.yaml", []byte(base+"review:\n  web: {listen: \"10.0.0.5:8088\", insecure_listen: true}\n")); err != nil {
		t.Errorf("insecure_listen given: %v", err)
	}
}

// review.web has the chats' time-out keys, with the chats' defaults.
func TestParse_ReviewWeb_Timeouts(t *testing.T) {
	tests := []struct {
		name, web      string
		remind, review time.Duration
		on             string
	}{
		{"defaults", `{listen: "127.0.0.1:9000"}`, 2 * time.Hour, 24 * time.Hour, "keep"},
		{"given", `{remind_after: 30m, review_timeout: 6h, on_timeout: delete}`, 30 * time.Minute, 6 * time.Hour, "delete"},
		{"off", `{remind_after: 0, review_timeout: 0}`, 0, 0, "keep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse("c.yaml", []byte(base+"review:\n  web: "+tt.web+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			w := cfg.ReviewWeb
			if w.RemindAfter != tt.remind || w.ReviewTimeout != tt.review || w.OnTimeout != tt.on {
				t.Errorf("remind_after %s, review_timeout %s, on_timeout %q; want %s, %s, %q",
					w.RemindAfter, w.ReviewTimeout, w.OnTimeout, tt.remind, tt.review, tt.on)
			}
		})
	}
}

func TestParse_ReviewWeb_TimeoutProblems(t *testing.T) {
	const tg = "telegram: {token_env: X, chat_id: -5, moderators: [1]}\n"
	const mx = "  max: {token_env: M, chat_id: -7, moderators: [1]}\n"
	tests := []struct{ name, yaml, want string }{
		{"negative timeout", base + "review:\n  web:\n    review_timeout: -1h\n", "c.yaml:9: review.web.review_timeout: ожидается длительность"},
		{"negative remind", base + "review:\n  web:\n    remind_after: -5m\n", "c.yaml:9: review.web.remind_after: ожидается длительность"},
		{"remind after the timeout", base + "review:\n  web: {remind_after: 6h, review_timeout: 6h}\n",
			"review.web.remind_after: 6h0m0s must be shorter than review_timeout (6h0m0s)"},
		{"bad verdict", base + "review:\n  web:\n    on_timeout: ban\n", `c.yaml:9: review.web.on_timeout: must be keep or delete, got "ban"`},
		{"not a duration", base + "review:\n  web:\n    review_timeout: soon\n", "c.yaml:9: review.web.review_timeout"},
		{"beside telegram", base + tg + "review:\n  web:\n    review_timeout: 6h\n",
			"c.yaml:10: review.web.review_timeout: applies only when the console is the only review channel; with the telegram review chat its timer decides: set telegram.review_timeout instead"},
		{"beside max", base + "review:\n" + mx + "  web:\n    on_timeout: delete\n",
			"c.yaml:10: review.web.on_timeout: applies only when the console is the only review channel; the review.max chat's timer decides"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("c.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	// Beside a chat, the console without these keys is fine, and so is
	// its dump (which leaves out the keys that do not apply).
	for _, chats := range []string{base + tg + "review:\n", base + "review:\n" + mx} {
		cfg, err := config.Parse("c.yaml", []byte(chats+"  web: {listen: \"127.0.0.1:9000\"}\n"))
		if err != nil {
			t.Fatalf("console beside a chat: %v", err)
		}
		out, err := cfg.Dump()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := config.Parse("dump.yaml", out); err != nil {
			t.Errorf("the dump does not load again: %v\n%s", err, out)
		}
	}
}

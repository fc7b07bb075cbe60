package meta

import (
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate(t *testing.T) {
	good := func() *FacebookConfig {
		c := DefaultFacebookConfig()
		c.PageID, c.TokenEnv = "1010", "FB_TOKEN"
		return c
	}
	cases := []struct {
		name   string
		mutate func(*FacebookConfig)
		want   string // "" valid
	}{
		{"defaults", func(*FacebookConfig) {}, ""},
		{"no page", func(c *FacebookConfig) { c.PageID = "" }, "page_id"},
		{"page name", func(c *FacebookConfig) { c.PageID = "akimat" }, "page_id"},
		{"two tokens", func(c *FacebookConfig) { c.TokenFile = "x" }, "token_env"},
		{"no token", func(c *FacebookConfig) { c.TokenEnv = "" }, "token_env"},
		{"fast poll", func(c *FacebookConfig) { c.PollInterval = time.Second }, "poll_interval"},
		{"mode", func(c *FacebookConfig) { c.ActionMode = "ban" }, "action_mode"},
		{"version", func(c *FacebookConfig) { c.GraphVersion = "25" }, "graph_version"},
		{"url", func(c *FacebookConfig) { c.GraphURL = "graph.facebook.com" }, "graph_url"},
		{"posts", func(c *FacebookConfig) { c.RecentPosts = 0 }, "recent_posts"},
		{"usage", func(c *FacebookConfig) { c.UsageBackoffPercent = 101 }, "usage_backoff_percent"},
		{"webhook without secret", func(c *FacebookConfig) { c.Webhook.Listen = ":8089"; c.Webhook.VerifyTokenEnv = "V" }, "webhook.app_secret_env"},
		{"webhook", func(c *FacebookConfig) {
			c.Webhook.Listen, c.Webhook.AppSecretEnv, c.Webhook.VerifyTokenEnv = ":8089", "S", "V"
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.mutate(c)
			err := c.Validate()
			if tc.want == "" && err != nil {
				t.Fatalf("unexpected: %v", err)
			}
			if tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want+":")) {
				t.Fatalf("got %v, want an error naming %s", err, tc.want)
			}
		})
	}
	ig := DefaultInstagramConfig()
	ig.TokenEnv = "X"
	if err := ig.Validate(); err == nil || !strings.Contains(err.Error(), "ig_user_id") {
		t.Fatalf("instagram without id: %v", err)
	}
}

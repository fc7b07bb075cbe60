package max

import (
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate(t *testing.T) {
	ok := func(c *Config) { c.ChannelID, c.TokenEnv = -1, "MAX_TOKEN" }
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string // "" valid; else a text the error must hold
	}{
		{"defaults with channel and token", func(*Config) {}, ""},
		{"no channel", func(c *Config) { c.ChannelID = 0 }, "channel_id: is required"},
		{"no token", func(c *Config) { c.TokenEnv = "" }, "token_env: token_env or token_file is required"},
		{"two tokens", func(c *Config) { c.TokenFile = "f" }, "set only one of token_env and token_file"},
		{"bad url", func(c *Config) { c.APIURL = "ftp://x" }, "api_url: must be an http(s) URL"},
		{"poll too short", func(c *Config) { c.PollInterval = time.Second }, "poll_interval: must be at least 5s"},
		{"no posts", func(c *Config) { c.RecentPosts = 0 }, "recent_posts: must be 1..500"},
		{"too many posts", func(c *Config) { c.RecentPosts = 501 }, "recent_posts: must be 1..500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			ok(c)
			tt.mutate(c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestConnector_Capabilities_NoRestore(t *testing.T) {
	f := newFake(t, fakeOpts())
	c := newConn(t, f, "a", nil)
	caps := c.Capabilities()
	if caps.Restore || !caps.Delete || !caps.Ban {
		t.Fatalf("capabilities %+v: want delete and ban (blacklist), no restore", caps)
	}
	if c.PollInterval() != 50*time.Millisecond {
		t.Fatalf("PollInterval %v", c.PollInterval())
	}
}

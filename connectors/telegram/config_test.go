package telegram

import (
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate(t *testing.T) {
	valid := func() *Config {
		c := DefaultConfig()
		c.ChatID, c.ChannelID, c.TokenEnv = -1001, -1002, "TG_TOKEN"
		return c
	}
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string // "" for valid
	}{
		{"defaults with ids and token", func(*Config) {}, ""},
		{"no chat", func(c *Config) { c.ChatID = 0 }, "chat_id: must be the discussion supergroup's id"},
		{"positive channel", func(c *Config) { c.ChannelID = 5 }, "channel_id: must be the channel's id"},
		{"chat is the channel", func(c *Config) { c.ChatID = c.ChannelID }, "chat_id: is the channel itself"},
		{"no token", func(c *Config) { c.TokenEnv = "" }, "token_env: token_env or token_file is required"},
		{"two tokens", func(c *Config) { c.TokenFile = "tg" }, "token_env: set only one"},
		{"bad url", func(c *Config) { c.APIURL = "ftp://x" }, "api_url: must be an http(s) URL"},
		{"ban mode", func(c *Config) { c.BanMode = "kick" }, `ban_mode: must be "ban" or "restrict"`},
		{"scope", func(c *Config) { c.Scope = "posts" }, `scope: must be "comments" or "all"`},
		{"poll timeout", func(c *Config) { c.PollTimeout = 90 * time.Second }, "poll_timeout: must be whole seconds from 1s to 50s"},
		{"admins refresh", func(c *Config) { c.AdminsRefresh = 0 }, "admins_refresh: must be > 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.mutate(c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestNew_MissingToken(t *testing.T) {
	c := DefaultConfig()
	c.ChatID, c.ChannelID, c.TokenEnv = -1001, -1002, "STRAZH_TEST_TG_TOKEN_UNSET"
	if _, err := New(c, connectorsDepsEmpty()); err == nil || !strings.Contains(err.Error(), "STRAZH_TEST_TG_TOKEN_UNSET") {
		t.Fatalf("New: %v", err)
	}
}

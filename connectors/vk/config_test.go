package vk

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/strazh/strazh/connectors"
)

const exampleYAML = `
group_id: 123456
api_url: https://api.vk.ru/method/
community_token_env: STRAZH_VK_COMMUNITY_TOKEN
user_token_file: vk-user-token
sources: [wall, board, messages]
long_poll_wait: 25s
catchup_days: 7
catchup_posts: 50
managers_refresh: 5m
initial_interval: 2s
max_interval: 2m
max_retries: 3
`

func TestConfig_Decode(t *testing.T) {
	cfg := DefaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader([]byte(exampleYAML)))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.GroupID != 123456 || cfg.LongPollWait != 25*time.Second || cfg.ManagersRefresh != 5*time.Minute ||
		len(cfg.Sources) != 3 || cfg.UserRPS != 3 || cfg.CatchupTopics != 20 {
		t.Fatalf("decoded %+v", cfg)
	}
	f, ok := connectors.Lookup("vk")
	if !ok {
		t.Fatal("vk not registered")
	}
	if _, ok := f.Config().(*Config); !ok {
		t.Fatal("factory config is not *vk.Config")
	}
}

func TestConfig_Validate(t *testing.T) {
	valid := func() *Config {
		c := DefaultConfig()
		c.GroupID = 1
		c.CommunityTokenEnv, c.UserTokenEnv = "A", "B"
		return c
	}
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string // "" valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"group", func(c *Config) { c.GroupID = -5 }, "group_id: must be > 0"},
		{"url", func(c *Config) { c.APIURL = "ftp://x" }, "api_url:"},
		{"no community token", func(c *Config) { c.CommunityTokenEnv = "" }, "community_token_env: community_token_env or community_token_file is required"},
		{"both user tokens", func(c *Config) { c.UserTokenFile = "f" }, "user_token_env: set only one"},
		{"service both", func(c *Config) { c.ServiceTokenEnv, c.ServiceTokenFile = "a", "b" }, "service_token_env: set only one"},
		{"unknown source", func(c *Config) { c.Sources = []string{"wall", "stories"} }, `sources[1]: unknown source "stories"`},
		{"dup source", func(c *Config) { c.Sources = []string{"wall", "wall"} }, `sources[1]: "wall" listed twice`},
		{"no sources", func(c *Config) { c.Sources = nil }, "sources: must list"},
		{"wait", func(c *Config) { c.LongPollWait = 1500 * time.Millisecond }, "long_poll_wait:"},
		{"wait max", func(c *Config) { c.LongPollWait = 91 * time.Second }, "long_poll_wait:"},
		{"user rps", func(c *Config) { c.UserRPS = 5 }, "user_rps: must be 1..3"},
		{"community rps", func(c *Config) { c.CommunityRPS = 0 }, "community_rps:"},
		{"intervals", func(c *Config) { c.MaxInterval = time.Millisecond }, "max_interval: must be >= initial_interval"},
		{"retries", func(c *Config) { c.MaxRetries = -1 }, "max_retries:"},
		{"catchup", func(c *Config) { c.CatchupPosts = 5000 }, "catchup_posts:"},
		{"catchup videos", func(c *Config) { c.CatchupVideos = 201 }, "catchup_videos: must be 0..200"},
		{"catchup photos", func(c *Config) { c.CatchupPhotos = -1 }, "catchup_photos:"},
		{"refresh without client", func(c *Config) { c.RefreshTokenEnv, c.DeviceID = "R", "d" }, "client_id: is required"},
		{"refresh without device", func(c *Config) { c.RefreshTokenEnv, c.ClientID = "R", "1" }, "device_id: is required"},
		{"refresh bad url", func(c *Config) { c.RefreshTokenEnv, c.ClientID, c.DeviceID, c.VKIDURL = "R", "1", "d", "id.vk.com" }, "vk_id_url:"},
		{"refresh instead of a user token", func(c *Config) {
			c.UserTokenEnv, c.RefreshTokenFile, c.ClientID, c.DeviceID = "", "vk-refresh", "1", "d"
		}, ""},
		{"refresh both", func(c *Config) {
			c.RefreshTokenEnv, c.RefreshTokenFile, c.ClientID, c.DeviceID = "R", "f", "1", "d"
		}, "refresh_token_env: set only one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.mutate(c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("want %q, got %v", tt.want, err)
			}
		})
	}
}

func TestNew_Secrets(t *testing.T) {
	cfg := DefaultConfig()
	cfg.GroupID = 1
	cfg.CommunityTokenEnv, cfg.UserTokenEnv = "STRAZH_TEST_VK_C", "STRAZH_TEST_VK_U"
	t.Setenv("STRAZH_TEST_VK_C", "c")
	if _, err := New(cfg, connectors.Deps{}); err == nil || !strings.Contains(err.Error(), "user_token_env") {
		t.Fatalf("missing user token: %v", err)
	}
	t.Setenv("STRAZH_TEST_VK_U", "u")
	c, err := New(cfg, connectors.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Close(t.Context())
}

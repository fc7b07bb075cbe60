package max

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/connectors/max/maxapi"
)

// Limits of the keys.
const (
	minPollInterval = 5 * time.Second
	maxRecentPosts  = 500
)

// Config is the MAX part of an account's YAML mapping. Durations are YAML
// strings such as "30s".
type Config struct {
	// ChannelID is the channel's chat id (negative, as MAX gives it).
	ChannelID int64 `yaml:"channel_id"`
	// APIURL is the bot API host (default https://platform-api2.max.ru/).
	APIURL string `yaml:"api_url"`
	// TokenEnv/File: the bot's token, from an environment variable or a
	// file (relative: under $CREDENTIALS_DIRECTORY). Exactly one is needed.
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	// PollInterval is how often the comments of the recent posts are read
	// (default 30s, at least 5s).
	PollInterval time.Duration `yaml:"poll_interval"`
	// RecentPosts is how many of the newest posts have their comments read
	// each cycle, one request per post (default 100, 1..500).
	RecentPosts int `yaml:"recent_posts"`
}

// DefaultConfig returns a Config holding the defaults.
func DefaultConfig() *Config {
	return &Config{APIURL: maxapi.DefaultURL, PollInterval: 30 * time.Second, RecentPosts: 100}
}

// Validate checks the values; problems name the key. Secrets are not read.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.ChannelID == 0 {
		bad("channel_id", "is required (the channel's chat id, e.g. -70801090403050)")
	}
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("api_url", "must be an http(s) URL, got %q", c.APIURL)
	}
	switch {
	case c.TokenEnv != "" && c.TokenFile != "":
		bad("token_env", "set only one of token_env and token_file")
	case c.TokenEnv == "" && c.TokenFile == "":
		bad("token_env", "token_env or token_file is required")
	}
	if c.PollInterval < minPollInterval {
		bad("poll_interval", "must be at least %s, got %s", minPollInterval, c.PollInterval)
	}
	if c.RecentPosts < 1 || c.RecentPosts > maxRecentPosts {
		bad("recent_posts", "must be 1..%d, got %d", maxRecentPosts, c.RecentPosts)
	}
	return errors.Join(errs...)
}

// Page is connectors.Paged: the channel_id moderated, at the API it is read
// from (a fake or a proxy serves pages of its own).
func (c *Config) Page() (key, id string) {
	if c.ChannelID == 0 {
		return "channel_id", ""
	}
	return "channel_id", strings.TrimRight(c.APIURL, "/") + " " + strconv.FormatInt(c.ChannelID, 10)
}

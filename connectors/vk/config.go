package vk

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Sources a VK account can moderate (the sources key).
const (
	SourceWall     = "wall"     // comments under wall posts
	SourcePhoto    = "photo"    // comments under the community's photos
	SourceVideo    = "video"    // comments under its videos
	SourceMarket   = "market"   // comments under its market items
	SourceBoard    = "board"    // posts in board topics (discussions)
	SourceMessages = "messages" // private messages to the community
)

// AllSources is the default of the sources key.
var AllSources = []string{SourceWall, SourcePhoto, SourceVideo, SourceMarket, SourceBoard, SourceMessages}

// DefaultAPIURL is VK's method endpoint: VK moved the API to api.vk.ru by
// 30 Sep 2025 (§1.1); links to posts stay on vk.com.
const DefaultAPIURL = "https://api.vk.ru/method/"

// DefaultVKIDURL is VK ID's base URL (§1.2.1).
const DefaultVKIDURL = "https://id.vk.com"

// Config is the VK part of an account's YAML mapping (besides name, network,
// backfill and ban, which the loader handles). Durations are YAML strings
// such as "25s" or "10m".
type Config struct {
	// GroupID is the community's numeric id (positive, as in club123456).
	GroupID int `yaml:"group_id"`
	// APIURL is the method endpoint, ending in a slash.
	APIURL string `yaml:"api_url"`

	// CommunityTokenEnv/File: the community token (rights manage, messages,
	// wall, photos...; used for long poll, board and messages), from an
	// environment variable or a file (relative: under
	// $CREDENTIALS_DIRECTORY). Exactly one is required.
	CommunityTokenEnv  string `yaml:"community_token_env"`
	CommunityTokenFile string `yaml:"community_token_file"`
	// UserTokenEnv/File: a user token of a community admin (rights wall,
	// photos, video, market, groups, offline), needed to delete and restore
	// wall/photo/video/market comments, to ban and to read the wall during
	// catch-up. At most one; with neither (and no refresh token) the
	// account runs on the community token alone.
	UserTokenEnv  string `yaml:"user_token_env"`
	UserTokenFile string `yaml:"user_token_file"`
	// RefreshTokenEnv/File: the VK ID refresh token that came with the user
	// token (optional). When set, strazh refreshes the user token before it
	// expires (VK ID access tokens live an hour), keeps the new pair in its
	// database (a refresh token works once) and refreshes once more on VK's
	// 1117; ClientID and DeviceID are then required, and user_token_env /
	// _file may be left out (the first access token comes from a refresh).
	RefreshTokenEnv  string `yaml:"refresh_token_env"`
	RefreshTokenFile string `yaml:"refresh_token_file"`
	// ClientID is the VK ID app's id; DeviceID the device_id VK ID returned
	// with the authorisation code (both sent with every refresh).
	ClientID string `yaml:"client_id"`
	DeviceID string `yaml:"device_id"`
	// VKIDURL is VK ID's base URL (default https://id.vk.com; refreshes go
	// to <vk_id_url>/oauth2/auth).
	VKIDURL string `yaml:"vk_id_url"`
	// ServiceTokenEnv/File: optional app service token; when set, catch-up
	// reads the wall and boards with it instead of the user token.
	ServiceTokenEnv  string `yaml:"service_token_env"`
	ServiceTokenFile string `yaml:"service_token_file"`

	// Sources lists what to moderate: wall, photo, video, market, board,
	// messages (default: all).
	Sources []string `yaml:"sources"`

	// LongPollWait is how long one long-poll request waits for events
	// (whole seconds, 1s..90s; default 25s, as proxies cut at ~30s).
	LongPollWait time.Duration `yaml:"long_poll_wait"`
	// CatchupDays and CatchupPosts bound the wall catch-up after a restart
	// or lost long-poll history: posts of the last CatchupDays days, at most
	// CatchupPosts of them (defaults 14 and 100; 0 posts: no wall catch-up).
	CatchupDays  int `yaml:"catchup_days"`
	CatchupPosts int `yaml:"catchup_posts"`
	// CatchupTopics is how many recently updated board topics catch-up
	// reads (default 20; 0: no board catch-up).
	CatchupTopics int `yaml:"catchup_topics"`
	// CatchupPhotos bounds the photo comments one catch-up reads, newest
	// first over all the community's photos (default 500 = 5 calls; 0: no
	// photo catch-up). CatchupVideos, CatchupMarket and CatchupDialogs are
	// how many of the newest videos, market items and dialogs it reads
	// (defaults 50, 50, 50; at most 200; 0: none).
	CatchupPhotos  int `yaml:"catchup_photos"`
	CatchupVideos  int `yaml:"catchup_videos"`
	CatchupMarket  int `yaml:"catchup_market"`
	CatchupDialogs int `yaml:"catchup_dialogs"`
	// ManagersRefresh is how often the list of community managers (never
	// moderated) is reloaded (default 10m).
	ManagersRefresh time.Duration `yaml:"managers_refresh"`
	// CommunityRPS and UserRPS are the request rates kept per token (VK's
	// limits: 20/s for a community token, 3/s for user and service tokens,
	// which are also the defaults and the maxima).
	CommunityRPS int `yaml:"community_rps"`
	UserRPS      int `yaml:"user_rps"`
	// RequestTimeout bounds one API request (default 15s); a long-poll
	// request gets LongPollWait on top.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// RetryPolicy (keys initial_interval, max_interval, max_retries) shapes
	// the back-off of the long poll when VK or the network fails:
	// exponential from initial_interval up to max_interval, with jitter;
	// after max_retries failed attempts in a row Fetch returns the error to
	// the pipeline (defaults 1s, 1m, 5). It is the same policy type the
	// pipeline uses, so the keys and the jitter are the same everywhere.
	moderation.RetryPolicy `yaml:",inline"`
}

// DefaultConfig returns a Config holding the defaults.
func DefaultConfig() *Config {
	return &Config{
		APIURL:          DefaultAPIURL,
		VKIDURL:         DefaultVKIDURL,
		Sources:         slices.Clone(AllSources),
		LongPollWait:    25 * time.Second,
		CatchupDays:     14,
		CatchupPosts:    100,
		CatchupTopics:   20,
		CatchupPhotos:   500,
		CatchupVideos:   50,
		CatchupMarket:   50,
		CatchupDialogs:  50,
		ManagersRefresh: 10 * time.Minute,
		CommunityRPS:    20,
		UserRPS:         3,
		RequestTimeout:  15 * time.Second,
		RetryPolicy:     moderation.RetryPolicy{InitialInterval: time.Second, MaxInterval: time.Minute, MaxRetries: 5},
	}
}

// Validate checks the values; problems name the key. Secrets are not read.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.GroupID <= 0 {
		bad("group_id", "must be > 0 (the community's numeric id)")
	}
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("api_url", "must be an http(s) URL, got %q", c.APIURL)
	}
	refresh := c.RefreshTokenEnv != "" || c.RefreshTokenFile != ""
	// The user token is optional: without it the account runs on the
	// community token alone (README.md: what still works).
	secretKeys := []struct {
		key, env, file string
		required       bool
	}{
		{"community_token", c.CommunityTokenEnv, c.CommunityTokenFile, true},
		{"user_token", c.UserTokenEnv, c.UserTokenFile, false},
		{"service_token", c.ServiceTokenEnv, c.ServiceTokenFile, false},
		{"refresh_token", c.RefreshTokenEnv, c.RefreshTokenFile, false},
	}
	if refresh {
		if c.ClientID == "" {
			bad("client_id", "is required with refresh_token_env/_file (the VK ID app's id)")
		}
		if c.DeviceID == "" {
			bad("device_id", "is required with refresh_token_env/_file (VK ID returned it with the code)")
		}
		if u, err := url.Parse(c.VKIDURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad("vk_id_url", "must be an http(s) URL, got %q", c.VKIDURL)
		}
	}
	for _, s := range secretKeys {
		switch {
		case s.env != "" && s.file != "":
			bad(s.key+"_env", "set only one of %s_env and %s_file", s.key, s.key)
		case s.required && s.env == "" && s.file == "":
			bad(s.key+"_env", "%s_env or %s_file is required", s.key, s.key)
		}
	}
	if len(c.Sources) == 0 {
		bad("sources", "must list at least one of %v", AllSources)
	}
	for i, s := range c.Sources {
		if !slices.Contains(AllSources, s) {
			bad(fmt.Sprintf("sources[%d]", i), "unknown source %q (want one of %v)", s, AllSources)
		} else if slices.Index(c.Sources, s) != i {
			bad(fmt.Sprintf("sources[%d]", i), "%q listed twice", s)
		}
	}
	if c.LongPollWait < time.Second || c.LongPollWait > 90*time.Second || c.LongPollWait%time.Second != 0 {
		bad("long_poll_wait", "must be whole seconds from 1s to 90s, got %s", c.LongPollWait)
	}
	if c.CatchupDays < 0 {
		bad("catchup_days", "must be >= 0")
	}
	if c.CatchupPosts < 0 || c.CatchupPosts > 1000 {
		bad("catchup_posts", "must be 0..1000")
	}
	if c.CatchupTopics < 0 || c.CatchupTopics > 100 {
		bad("catchup_topics", "must be 0..100")
	}
	if c.CatchupPhotos < 0 || c.CatchupPhotos > 5000 {
		bad("catchup_photos", "must be 0..5000")
	}
	for _, k := range []struct {
		key string
		n   int
	}{{"catchup_videos", c.CatchupVideos}, {"catchup_market", c.CatchupMarket}, {"catchup_dialogs", c.CatchupDialogs}} {
		if k.n < 0 || k.n > 200 {
			bad(k.key, "must be 0..200")
		}
	}
	if c.ManagersRefresh <= 0 {
		bad("managers_refresh", "must be > 0")
	}
	if c.CommunityRPS < 1 || c.CommunityRPS > 20 {
		bad("community_rps", "must be 1..20 (VK's limit for a community token is 20/s)")
	}
	if c.UserRPS < 1 || c.UserRPS > 3 {
		bad("user_rps", "must be 1..3 (VK's limit for a user token is 3/s)")
	}
	if c.RequestTimeout <= 0 {
		bad("request_timeout", "must be > 0")
	}
	if c.InitialInterval <= 0 {
		bad("initial_interval", "must be > 0")
	}
	if c.MaxInterval < c.InitialInterval {
		bad("max_interval", "must be >= initial_interval")
	}
	if c.MaxRetries < 0 {
		bad("max_retries", "must be >= 0")
	}
	return errors.Join(errs...)
}

func (c *Config) has(source string) bool { return slices.Contains(c.Sources, source) }

// Page is connectors.Paged: the group_id moderated, at the API it is read
// from (a fake or a proxy serves pages of its own).
func (c *Config) Page() (key, id string) {
	if c.GroupID == 0 {
		return "group_id", ""
	}
	return "group_id", strings.TrimRight(c.APIURL, "/") + " " + strconv.Itoa(c.GroupID)
}

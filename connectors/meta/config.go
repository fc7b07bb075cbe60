package meta

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Limits and defaults of the keys.
const (
	minPollInterval     = 10 * time.Second
	defaultPollInterval = 60 * time.Second
	maxRecentPosts      = 500
	defaultRecentPosts  = 100
	// DefaultGraphURL is the Graph API host (Facebook Login; Instagram
	// Login accounts may use https://graph.instagram.com/).
	DefaultGraphURL = "https://graph.facebook.com/"
	// DefaultGraphVersion is the newest version platform-apis.md §3
	// documents (early 2026); keep it configurable, Meta retires versions
	// about two years after release.
	DefaultGraphVersion = "v25.0"
)

// Action modes: what a moderation "delete" does on the network.
const (
	ModeDelete = "delete" // the comment is deleted; it cannot be restored
	ModeHide   = "hide"   // hidden: the author and their friends still see it; «Восстановить» unhides
)

var versionRE = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)

// settings are the keys both networks share.
type settings struct {
	id           string // page id or Instagram user id
	idKey        string
	graphURL     string
	version      string
	tokenEnv     string
	tokenFile    string
	pollInterval time.Duration
	recentPosts  int
	actionMode   string
	usageBackoff int
	webhook      WebhookConfig
	managers     []string
}

// WebhookConfig is the listener Meta delivers to (optional: without listen
// the account is read by polling alone).
type WebhookConfig struct {
	// Listen is the address of the HTTP listener ("127.0.0.1:8089"; empty:
	// no webhooks). Accounts with the same listen share it: one Meta app
	// delivers every page's and account's changes to one callback URL.
	Listen string `yaml:"listen"`
	// Path the callback is served at (default /meta/webhook).
	Path string `yaml:"path"`
	// AppSecretEnv/File: the Meta app's secret, which signs deliveries
	// (X-Hub-Signature-256). Exactly one is needed with listen.
	AppSecretEnv  string `yaml:"app_secret_env"`
	AppSecretFile string `yaml:"app_secret_file"`
	// VerifyTokenEnv/File: the verify token typed into the app's webhook
	// settings, echoed back in the subscription challenge.
	VerifyTokenEnv  string `yaml:"verify_token_env"`
	VerifyTokenFile string `yaml:"verify_token_file"`
	// MaxBody bounds a delivery's size in bytes (default 1 MiB).
	MaxBody int64 `yaml:"max_body"`
}

// FacebookConfig is the `network: facebook` part of an account's YAML
// mapping (a Facebook Page). Durations are YAML strings such as "60s".
type FacebookConfig struct {
	// PageID is the Page's numeric id.
	PageID string `yaml:"page_id"`
	// GraphURL is the Graph API host (default https://graph.facebook.com/).
	GraphURL string `yaml:"graph_url"`
	// GraphVersion is the API version in every path (default v25.0).
	GraphVersion string `yaml:"graph_version"`
	// TokenEnv/File: the Page access token (MODERATE task), from an
	// environment variable or a file (relative: under
	// $CREDENTIALS_DIRECTORY). Exactly one is needed.
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	// PollInterval is how often the recent posts' comments are read
	// (default 60s, at least 10s); webhooks, when set, act sooner.
	PollInterval time.Duration `yaml:"poll_interval"`
	// RecentPosts is how many of the newest posts have their comments read
	// each cycle, one request per post (default 100, 1..500).
	RecentPosts int `yaml:"recent_posts"`
	// ActionMode: "hide" (default: reversible, «Восстановить» unhides) or
	// "delete" (gone for good).
	ActionMode string `yaml:"action_mode"`
	// UsageBackoffPercent: when Meta's usage headers report this share of
	// a limit used, calls pause before Meta refuses them (default 90).
	UsageBackoffPercent int `yaml:"usage_backoff_percent"`
	// Webhook is the optional listener for Meta's deliveries.
	Webhook WebhookConfig `yaml:"webhook"`
	// Managers are the Facebook user ids of the people who run the Page
	// (as `from.id` shows them in its comments): never moderated, and
	// their replies answer appeals. The Page itself always is exempt.
	Managers []string `yaml:"managers"`
}

// InstagramConfig is the `network: instagram` part (a professional
// Instagram account), read through the Graph API.
type InstagramConfig struct {
	// IGUserID is the Instagram professional account's id (not the
	// username; GET /{page-id}?fields=instagram_business_account shows it).
	IGUserID string `yaml:"ig_user_id"`
	// GraphURL: https://graph.facebook.com/ (Facebook Login, the default)
	// or https://graph.instagram.com/ (Instagram Login).
	GraphURL     string        `yaml:"graph_url"`
	GraphVersion string        `yaml:"graph_version"`
	TokenEnv     string        `yaml:"token_env"`
	TokenFile    string        `yaml:"token_file"`
	PollInterval time.Duration `yaml:"poll_interval"`
	// RecentPosts is how many of the newest media have their comments read.
	RecentPosts         int           `yaml:"recent_posts"`
	ActionMode          string        `yaml:"action_mode"`
	UsageBackoffPercent int           `yaml:"usage_backoff_percent"`
	Webhook             WebhookConfig `yaml:"webhook"`
	// Managers are the Instagram user ids (`from.id`) of the people who
	// run the account: never moderated, their replies answer appeals.
	Managers []string `yaml:"managers"`
}

// DefaultFacebookConfig returns a FacebookConfig holding the defaults.
func DefaultFacebookConfig() *FacebookConfig {
	return &FacebookConfig{GraphURL: DefaultGraphURL, GraphVersion: DefaultGraphVersion,
		PollInterval: defaultPollInterval, RecentPosts: defaultRecentPosts, ActionMode: ModeHide,
		UsageBackoffPercent: 90, Webhook: WebhookConfig{Path: defaultWebhookPath, MaxBody: defaultMaxBody}}
}

// DefaultInstagramConfig returns an InstagramConfig holding the defaults.
func DefaultInstagramConfig() *InstagramConfig {
	return &InstagramConfig{GraphURL: DefaultGraphURL, GraphVersion: DefaultGraphVersion,
		PollInterval: defaultPollInterval, RecentPosts: defaultRecentPosts, ActionMode: ModeHide,
		UsageBackoffPercent: 90, Webhook: WebhookConfig{Path: defaultWebhookPath, MaxBody: defaultMaxBody}}
}

const (
	defaultWebhookPath = "/meta/webhook"
	defaultMaxBody     = 1 << 20
)

func (c *FacebookConfig) settings() settings {
	return settings{c.PageID, "page_id", c.GraphURL, c.GraphVersion, c.TokenEnv, c.TokenFile,
		c.PollInterval, c.RecentPosts, c.ActionMode, c.UsageBackoffPercent, c.Webhook, c.Managers}
}

func (c *InstagramConfig) settings() settings {
	return settings{c.IGUserID, "ig_user_id", c.GraphURL, c.GraphVersion, c.TokenEnv, c.TokenFile,
		c.PollInterval, c.RecentPosts, c.ActionMode, c.UsageBackoffPercent, c.Webhook, c.Managers}
}

// Page is connectors.Paged: the page_id moderated, at the Graph host it
// is read from (a fake or a proxy serves pages of its own).
func (c *FacebookConfig) Page() (key, id string) { return c.settings().page() }

// Page is connectors.Paged: the ig_user_id moderated, at the Graph host it
// is read from.
func (c *InstagramConfig) Page() (key, id string) { return c.settings().page() }

func (s settings) page() (key, id string) {
	id = strings.TrimSpace(s.id)
	if id == "" {
		return s.idKey, ""
	}
	return s.idKey, strings.TrimRight(s.graphURL, "/") + " " + id
}

// Validate checks the values; problems name the key. Secrets are not read.
func (c *FacebookConfig) Validate() error { return c.settings().validate() }

// Validate checks the values; problems name the key. Secrets are not read.
func (c *InstagramConfig) Validate() error { return c.settings().validate() }

var numericRE = regexp.MustCompile(`^[0-9]{1,30}$`)

func (s settings) validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if !numericRE.MatchString(s.id) {
		bad(s.idKey, "is required: the numeric id, got %q", s.id)
	}
	if u, err := url.Parse(s.graphURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("graph_url", "must be an http(s) URL, got %q", s.graphURL)
	}
	if !versionRE.MatchString(s.version) {
		bad("graph_version", "must look like v25.0, got %q", s.version)
	}
	switch {
	case s.tokenEnv != "" && s.tokenFile != "":
		bad("token_env", "set only one of token_env and token_file")
	case s.tokenEnv == "" && s.tokenFile == "":
		bad("token_env", "token_env or token_file is required")
	}
	if s.pollInterval < minPollInterval {
		bad("poll_interval", "must be at least %s, got %s", minPollInterval, s.pollInterval)
	}
	if s.recentPosts < 1 || s.recentPosts > maxRecentPosts {
		bad("recent_posts", "must be 1..%d, got %d", maxRecentPosts, s.recentPosts)
	}
	if s.actionMode != ModeDelete && s.actionMode != ModeHide {
		bad("action_mode", "must be delete or hide, got %q", s.actionMode)
	}
	if s.usageBackoff < 10 || s.usageBackoff > 100 {
		bad("usage_backoff_percent", "must be 10..100, got %d", s.usageBackoff)
	}
	seen := map[string]bool{}
	for i, id := range s.managers {
		key := fmt.Sprintf("managers[%d]", i)
		switch {
		case !numericRE.MatchString(id):
			bad(key, "want a numeric user id (as `from.id` shows it in the page's comments), got %q", id)
		case id == s.id:
			bad(key, "%s is the page itself (%s), which is never moderated anyway", id, s.idKey)
		case seen[id]:
			bad(key, "%s is listed twice", id)
		}
		seen[id] = true
	}
	w := s.webhook
	if w.Listen != "" {
		if !strings.HasPrefix(w.Path, "/") {
			bad("webhook.path", "must start with /, got %q", w.Path)
		}
		if (w.AppSecretEnv == "") == (w.AppSecretFile == "") {
			bad("webhook.app_secret_env", "exactly one of app_secret_env and app_secret_file is required with webhook.listen")
		}
		if (w.VerifyTokenEnv == "") == (w.VerifyTokenFile == "") {
			bad("webhook.verify_token_env", "exactly one of verify_token_env and verify_token_file is required with webhook.listen")
		}
		if w.MaxBody < 1024 || w.MaxBody > 16<<20 {
			bad("webhook.max_body", "must be 1024..16777216 bytes, got %d", w.MaxBody)
		}
	}
	return errors.Join(errs...)
}

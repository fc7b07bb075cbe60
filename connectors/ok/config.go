package ok

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultAPIURL is OK's REST endpoint (§2.1); the method goes in the
// method parameter.
const DefaultAPIURL = "https://api.ok.ru/fb.do"

// Config is the OK part of an account's YAML mapping (besides name,
// network, backfill and ban, which the loader handles).
type Config struct {
	// GroupID is the group's numeric id (ok.ru/group/<id>).
	GroupID int64 `yaml:"group_id"`
	// APIURL is the REST endpoint (default https://api.ok.ru/fb.do).
	APIURL string `yaml:"api_url"`
	// ApplicationKey is the application's public key (not a secret).
	ApplicationKey string `yaml:"application_key"`
	// ApplicationSecretKeyEnv/File: the application's secret key, from an
	// environment variable or a file (relative: under
	// $CREDENTIALS_DIRECTORY). Exactly one is required.
	ApplicationSecretKeyEnv  string `yaml:"application_secret_key_env"`
	ApplicationSecretKeyFile string `yaml:"application_secret_key_file"`
	// AccessTokenEnv/File: a group admin's access token with VALUABLE_ACCESS,
	// GROUP_CONTENT and LONG_ACCESS_TOKEN. Exactly one is required.
	AccessTokenEnv  string `yaml:"access_token_env"`
	AccessTokenFile string `yaml:"access_token_file"`
	// PollInterval is how often the recent topics and their comments are
	// read (default 30s, jittered by ±10%).
	PollInterval time.Duration `yaml:"poll_interval"`
	// CatchupTopics is how many of the group's newest topics are watched,
	// every cycle and after a restart (default 20, at most 100).
	CatchupTopics int `yaml:"catchup_topics"`
	// Managers are the OK user ids (ok.ru/profile/<id>) of the group's
	// administrators and moderators. OK documents no method that lists a
	// group's managers (platform-apis §2), so the operator names them:
	// their comments are never moderated and their replies answer appeals.
	Managers []string `yaml:"managers"`
}

// DefaultConfig returns a Config holding the defaults.
func DefaultConfig() *Config {
	return &Config{APIURL: DefaultAPIURL, PollInterval: 30 * time.Second, CatchupTopics: 20}
}

// Validate checks the values; problems name the key. Secrets are not read.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.GroupID <= 0 {
		bad("group_id", "must be > 0 (the group's numeric id, as in ok.ru/group/<id>)")
	}
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("api_url", "must be an http(s) URL, got %q", c.APIURL)
	}
	if c.ApplicationKey == "" {
		bad("application_key", "is required (the application's public key)")
	}
	for _, s := range []struct{ key, env, file string }{
		{"application_secret_key", c.ApplicationSecretKeyEnv, c.ApplicationSecretKeyFile},
		{"access_token", c.AccessTokenEnv, c.AccessTokenFile},
	} {
		switch {
		case s.env != "" && s.file != "":
			bad(s.key+"_env", "set only one of %s_env and %s_file", s.key, s.key)
		case s.env == "" && s.file == "":
			bad(s.key+"_env", "%s_env or %s_file is required", s.key, s.key)
		}
	}
	if c.PollInterval < time.Second {
		bad("poll_interval", "must be at least 1s, got %s", c.PollInterval)
	}
	if c.CatchupTopics < 1 || c.CatchupTopics > maxTopics {
		bad("catchup_topics", "must be 1..%d, got %d", maxTopics, c.CatchupTopics)
	}
	seen := map[string]bool{}
	for i, id := range c.Managers {
		switch {
		case !isOKUserID(id):
			bad(fmt.Sprintf("managers[%d]", i), "want a numeric OK user id (as in ok.ru/profile/<id>), got %q", id)
		case seen[id]:
			bad(fmt.Sprintf("managers[%d]", i), "%s is listed twice", id)
		}
		seen[id] = true
	}
	return errors.Join(errs...)
}

// isOKUserID reports whether id is a positive decimal number.
func isOKUserID(id string) bool {
	if id == "" || len(id) > 20 || id[0] == '0' {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Page is connectors.Paged: the group_id moderated, at the API it is read
// from (a fake or a proxy serves pages of its own).
func (c *Config) Page() (key, id string) {
	if c.GroupID == 0 {
		return "group_id", ""
	}
	return "group_id", strings.TrimRight(c.APIURL, "/") + " " + strconv.FormatInt(c.GroupID, 10)
}

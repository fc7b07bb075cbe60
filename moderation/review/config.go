package review

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Config is the `telegram:` section of strazh's configuration. The keys are
// a contract; durations are Go duration strings ("2h", "30m").
type Config struct {
	// APIURL is the Bot API server, https://api.telegram.org unless a local
	// Bot API server or a fake is used.
	APIURL string `yaml:"api_url"`
	// TokenEnv names the environment variable holding the bot token;
	// TokenFile is a file with it (relative: under $CREDENTIALS_DIRECTORY).
	// Exactly one of them is set.
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	// ChatID is the private review chat (a group or supergroup, negative).
	// Messages from other chats are ignored.
	ChatID int64 `yaml:"chat_id"`
	// Moderators are the Telegram user IDs allowed to decide and to run
	// /unban, /pause and /resume.
	Moderators []int64 `yaml:"moderators"`
	// Language of cards and replies: ru (default) or en.
	Language string `yaml:"language"`
	// RemindAfter: a review still pending after this long is reminded once
	// (0 disables reminders).
	RemindAfter time.Duration `yaml:"remind_after"`
	// ReviewTimeout: after this long the OnTimeout decision applies,
	// recorded as decided by "timeout" (0 disables time-outs).
	ReviewTimeout time.Duration `yaml:"review_timeout"`
	// OnTimeout is the decision applied at ReviewTimeout: keep or delete.
	OnTimeout string `yaml:"on_timeout"`
	// NotifyAuto says how automatic actions are reported: each (one message
	// per action), digest (grouped every DigestEvery) or off.
	NotifyAuto string `yaml:"notify_auto"`
	// DigestEvery is the digest period when NotifyAuto is digest.
	DigestEvery time.Duration `yaml:"digest_every"`
}

// Values of Language, OnTimeout and NotifyAuto.
const (
	LangRU = "ru"
	LangEN = "en"

	TimeoutKeep   = "keep"
	TimeoutDelete = "delete"

	NotifyEach   = "each"
	NotifyDigest = "digest"
	NotifyOff    = "off"
)

// DefaultAPIURL is the public Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// DefaultConfig returns the defaults; chat_id, moderators and the token
// must still be set.
func DefaultConfig() Config {
	return Config{
		APIURL:        DefaultAPIURL,
		TokenEnv:      "STRAZH_TELEGRAM_TOKEN",
		Language:      LangRU,
		RemindAfter:   2 * time.Hour,
		ReviewTimeout: 24 * time.Hour,
		OnTimeout:     TimeoutKeep,
		NotifyAuto:    NotifyEach,
		DigestEvery:   30 * time.Minute,
	}
}

// Validate reports every problem, naming the YAML keys.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("telegram.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	checkChat(bad, chatKeys{c.APIURL, c.TokenEnv, c.TokenFile, c.ChatID, c.Moderators, c.Language},
		"the review chat's ID, e.g. -1001234567890", "Telegram")
	if c.RemindAfter < 0 {
		bad("remind_after", "must not be negative")
	}
	if c.ReviewTimeout < 0 {
		bad("review_timeout", "must not be negative")
	}
	if c.RemindAfter > 0 && c.ReviewTimeout > 0 && c.RemindAfter >= c.ReviewTimeout {
		bad("remind_after", "must be shorter than review_timeout (%s)", c.ReviewTimeout)
	}
	if c.OnTimeout != TimeoutKeep && c.OnTimeout != TimeoutDelete {
		bad("on_timeout", "must be keep or delete, got %q", c.OnTimeout)
	}
	switch c.NotifyAuto {
	case NotifyEach, NotifyOff:
	case NotifyDigest:
		if c.DigestEvery <= 0 {
			bad("digest_every", "must be > 0 when notify_auto is digest")
		}
	default:
		bad("notify_auto", "must be each, digest or off, got %q", c.NotifyAuto)
	}
	if c.DigestEvery < 0 {
		bad("digest_every", "must not be negative")
	}
	return errors.Join(errs...)
}

// chatKeys are the keys every review chat has (telegram:, review.max:).
type chatKeys struct {
	apiURL, tokenEnv, tokenFile string
	chatID                      int64
	moderators                  []int64
	language                    string
}

// checkChat reports the problems of a review chat's common keys through
// bad; example describes chat_id, network names the user IDs.
func checkChat(bad func(key, format string, args ...any), c chatKeys, example, network string) {
	if u, err := url.Parse(c.apiURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("api_url", "must be an http(s) URL, got %q", c.apiURL)
	}
	switch {
	case c.tokenEnv != "" && c.tokenFile != "":
		bad("token_env", "set only one of token_env and token_file")
	case c.tokenEnv == "" && c.tokenFile == "":
		bad("token_env", "token_env or token_file is required")
	}
	if c.chatID == 0 {
		bad("chat_id", "is required (%s)", example)
	}
	if len(c.moderators) == 0 {
		bad("moderators", "list at least one %s user ID", network)
	}
	seen := make(map[int64]bool)
	for i, id := range c.moderators {
		switch {
		case id <= 0:
			bad(fmt.Sprintf("moderators[%d]", i), "must be a user ID > 0, got %d", id)
		case seen[id]:
			bad(fmt.Sprintf("moderators[%d]", i), "duplicate user ID %d", id)
		}
		seen[id] = true
	}
	if c.language != LangRU && c.language != LangEN {
		bad("language", "must be ru or en, got %q", c.language)
	}
}

package review

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/connectors/max/maxapi"
)

// MAXConfig is the `review: {max: …}` section: a review chat in MAX with
// the same cards, buttons and commands as the Telegram one. The keys are a
// contract.
type MAXConfig struct {
	// APIURL is the bot API host (default https://platform-api2.max.ru/).
	APIURL string `yaml:"api_url"`
	// TokenEnv names the environment variable holding the bot token;
	// TokenFile is a file with it (relative: under $CREDENTIALS_DIRECTORY).
	// Exactly one of them is set. One bot token has one updates loop: a
	// token a MAX account of `accounts:` also uses is refused.
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	// ChatID is the moderators' group chat in MAX (negative); the bot must
	// be its admin to see messages. Messages from other chats are ignored.
	ChatID int64 `yaml:"chat_id"`
	// Moderators are the MAX user IDs allowed to decide and to run
	// /unban, /pause and /resume.
	Moderators []int64 `yaml:"moderators"`
	// Language of cards and replies: ru (default) or en.
	Language string `yaml:"language"`
}

// DefaultMAXConfig returns the defaults; chat_id, moderators and the token
// must still be set.
func DefaultMAXConfig() MAXConfig {
	return MAXConfig{APIURL: maxapi.DefaultURL, TokenEnv: "STRAZH_MAX_REVIEW_TOKEN", Language: LangRU}
}

// Validate reports every problem, naming the YAML keys (review.max.…).
func (c MAXConfig) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("review.max.%s: %s", key, fmt.Sprintf(format, args...)))
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
	if c.ChatID == 0 {
		bad("chat_id", "is required (the moderators' MAX chat, e.g. -70801090403050)")
	}
	if len(c.Moderators) == 0 {
		bad("moderators", "list at least one MAX user ID")
	}
	seen := make(map[int64]bool)
	for i, id := range c.Moderators {
		switch {
		case id <= 0:
			bad(fmt.Sprintf("moderators[%d]", i), "must be a user ID > 0, got %d", id)
		case seen[id]:
			bad(fmt.Sprintf("moderators[%d]", i), "duplicate user ID %d", id)
		}
		seen[id] = true
	}
	if c.Language != LangRU && c.Language != LangEN {
		bad("language", "must be ru or en, got %q", c.Language)
	}
	return errors.Join(errs...)
}

// NewMAX prepares the MAX reviewer: the same reviewer as New's over the
// MAX bot API. policy gives what the MAX section does not set (reminders,
// time-outs, how automatic actions are reported): the Telegram section's
// when there is one, else DefaultConfig. deps.Store must be the MAX
// channel's own card store (store.DB.ReviewCards("max")): an outbox, an
// updates marker and a card index of its own. It does no I/O beyond
// reading the token.
func NewMAX(cfg MAXConfig, policy Config, deps Deps) (*Reviewer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Moderation == nil || deps.Store == nil {
		return nil, errors.New("review: Moderation and Store are required")
	}
	token, err := secret.Resolve("token", cfg.TokenEnv, cfg.TokenFile)
	if err != nil {
		return nil, fmt.Errorf("review.max.%w", err)
	}
	rc := policy
	rc.APIURL, rc.TokenEnv, rc.TokenFile = cfg.APIURL, cfg.TokenEnv, cfg.TokenFile
	rc.ChatID, rc.Moderators, rc.Language = cfg.ChatID, cfg.Moderators, cfg.Language
	t := newReviewer(rc, token, deps, maxLimits)
	tr, err := newMAXTransport(cfg, token, t.client, &t.tm)
	if err != nil {
		return nil, fmt.Errorf("review.max: %w", err)
	}
	t.setTransport(tr)
	return t, nil
}

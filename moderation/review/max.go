package review

import (
	"errors"
	"fmt"

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
	// Webhook, when set, has MAX deliver the updates instead of being
	// long-polled (maxwebhook.go).
	Webhook *MAXWebhook `yaml:"webhook"`
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
	checkChat(bad, chatKeys{c.APIURL, c.TokenEnv, c.TokenFile, c.ChatID, c.Moderators, c.Language},
		"the moderators' MAX chat, e.g. -70801090403050", "MAX")
	if c.Webhook != nil {
		c.Webhook.check(bad)
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
	token, err := prepare(cfg.Validate(), deps, cfg.TokenEnv, cfg.TokenFile, "review.max.")
	if err != nil {
		return nil, err
	}
	rc := policy
	rc.APIURL, rc.TokenEnv, rc.TokenFile = cfg.APIURL, cfg.TokenEnv, cfg.TokenFile
	rc.ChatID, rc.Moderators, rc.Language = cfg.ChatID, cfg.Moderators, cfg.Language
	t := newReviewer(rc, token, deps, maxLimits)
	tr, err := newMAXTransport(cfg, token, t.client, &t.tm)
	if err != nil {
		return nil, fmt.Errorf("review.max: %w", err)
	}
	if cfg.Webhook != nil {
		if err := t.useWebhook(tr, cfg.Webhook); err != nil {
			return nil, err
		}
	}
	t.setTransport(tr)
	return t, nil
}

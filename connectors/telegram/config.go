package telegram

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultAPIURL is the Bot API's base URL (§5.1); methods are
// <api_url>/bot<token>/<method>.
const DefaultAPIURL = "https://api.telegram.org"

// Ban modes (the ban_mode key).
const (
	BanModeBan      = "ban"      // banChatMember: removed from the group
	BanModeRestrict = "restrict" // restrictChatMember: stays, cannot write
)

// Scopes (the scope key).
const (
	ScopeComments = "comments" // only the threads under the channel's posts
	ScopeAll      = "all"      // every message in the discussion group
)

// Config is the Telegram part of an account's YAML mapping (besides name,
// network, backfill and ban, which the loader handles).
type Config struct {
	// ChatID is the channel's linked discussion supergroup, where the
	// comments live (-100…; getChat(channel).linked_chat_id).
	ChatID int64 `yaml:"chat_id"`
	// ChannelID is the channel itself (-100…): its automatic forwards open
	// the comment threads, and what it posts is never moderated.
	ChannelID int64 `yaml:"channel_id"`
	// APIURL is the Bot API's base URL (default https://api.telegram.org).
	APIURL string `yaml:"api_url"`
	// TokenEnv/File: the connector's bot token, from an environment
	// variable or a file (relative: under $CREDENTIALS_DIRECTORY). Exactly
	// one is required. It must be a bot of its own, not the review bot's:
	// two getUpdates pollers of one token take each other's updates.
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	// BanMode is what a ban does to a user: "ban" (banChatMember, default)
	// or "restrict" (restrictChatMember: read-only in the group). An author
	// posting as a channel is always banned with banChatSenderChat.
	BanMode string `yaml:"ban_mode"`
	// Scope is "comments" (default: the threads of the channel's posts) or
	// "all" (every message of the discussion group).
	Scope string `yaml:"scope"`
	// PollTimeout is how long one getUpdates waits for updates (whole
	// seconds, 1s..50s; default 25s).
	PollTimeout time.Duration `yaml:"poll_timeout"`
	// AdminsRefresh is how often the administrators of the group and the
	// channel (never moderated) are reloaded (default 10m).
	AdminsRefresh time.Duration `yaml:"admins_refresh"`
	// RequestTimeout bounds one API request (default 15s); getUpdates gets
	// PollTimeout on top.
	RequestTimeout time.Duration `yaml:"request_timeout"`
}

// DefaultConfig returns a Config holding the defaults.
func DefaultConfig() *Config {
	return &Config{
		APIURL:         DefaultAPIURL,
		BanMode:        BanModeBan,
		Scope:          ScopeComments,
		PollTimeout:    25 * time.Second,
		AdminsRefresh:  10 * time.Minute,
		RequestTimeout: 15 * time.Second,
	}
}

// Validate checks the values; problems name the key. Secrets are not read.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.ChatID >= 0 {
		bad("chat_id", "must be the discussion supergroup's id (negative, -100…), got %d", c.ChatID)
	}
	if c.ChannelID >= 0 {
		bad("channel_id", "must be the channel's id (negative, -100…), got %d", c.ChannelID)
	}
	if c.ChatID != 0 && c.ChatID == c.ChannelID {
		bad("chat_id", "is the channel itself: give the linked discussion group (getChat(channel).linked_chat_id)")
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
	if c.BanMode != BanModeBan && c.BanMode != BanModeRestrict {
		bad("ban_mode", "must be %q or %q, got %q", BanModeBan, BanModeRestrict, c.BanMode)
	}
	if c.Scope != ScopeComments && c.Scope != ScopeAll {
		bad("scope", "must be %q or %q, got %q", ScopeComments, ScopeAll, c.Scope)
	}
	if c.PollTimeout < time.Second || c.PollTimeout > 50*time.Second || c.PollTimeout%time.Second != 0 {
		bad("poll_timeout", "must be whole seconds from 1s to 50s, got %s", c.PollTimeout)
	}
	if c.AdminsRefresh <= 0 {
		bad("admins_refresh", "must be > 0")
	}
	if c.RequestTimeout <= 0 {
		bad("request_timeout", "must be > 0")
	}
	return errors.Join(errs...)
}

// Page is connectors.Paged: the chat_id moderated, at the API it is read
// from (a fake or a proxy serves pages of its own).
func (c *Config) Page() (key, id string) {
	if c.ChatID == 0 {
		return "chat_id", ""
	}
	return "chat_id", strings.TrimRight(c.APIURL, "/") + " " + strconv.FormatInt(c.ChatID, 10)
}

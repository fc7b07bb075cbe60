package web

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/strazh/strazh/moderation/review"
)

// Config is `review: {web: ...}`. The key names are a contract.
type Config struct {
	// Listen is host:port of the console. Loopback only unless
	// insecure_listen: put it behind a TLS proxy (README).
	Listen string `yaml:"listen"`
	// InsecureListen allows a non-loopback listen address: the console
	// then speaks plain HTTP to the network, passwords included.
	InsecureListen bool `yaml:"insecure_listen"`
	// SecureCookies marks the session cookie Secure: set it when the
	// browser reaches the console over HTTPS (through the proxy).
	SecureCookies bool `yaml:"secure_cookies"`
	// TrustProxy takes the client's address from X-Real-IP (set by the
	// TLS proxy on this machine) for the sign-in rate limit.
	TrustProxy bool `yaml:"trust_proxy"`
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration `yaml:"session_ttl"`
	// Refresh is how often the console learns of decisions made in other
	// channels: a small frame on the queue page reloads this often and
	// says how many reviews are new and how many were decided elsewhere;
	// the queue itself never reloads under the moderator (0: never).
	Refresh time.Duration `yaml:"refresh"`
	// RemindAfter, ReviewTimeout and OnTimeout are the review chats' keys
	// of the same names (telegram:), for when the console is the only
	// review channel (with a chat, the chat's apply). RemindAfter: the queue
	// marks a review still pending after this long (0: never).
	RemindAfter time.Duration `yaml:"remind_after"`
	// ReviewTimeout: after this long the OnTimeout decision applies,
	// recorded as decided by "timeout" (0 disables time-outs).
	ReviewTimeout time.Duration `yaml:"review_timeout"`
	// OnTimeout is the decision applied at ReviewTimeout: keep or delete
	// (review.TimeoutKeep, review.TimeoutDelete).
	OnTimeout string `yaml:"on_timeout"`
}

// DefaultConfig is the console's defaults; the time-outs are the review
// chats' (2h, 24h, keep).
func DefaultConfig() Config {
	return Config{Listen: "127.0.0.1:8088", SessionTTL: 12 * time.Hour, Refresh: 30 * time.Second,
		RemindAfter: 2 * time.Hour, ReviewTimeout: 24 * time.Hour, OnTimeout: review.TimeoutKeep}
}

// Validate names each problem by its YAML key (review.web.listen: ...).
func (c Config) Validate() error {
	var errs []error
	if c.Listen == "" {
		errs = append(errs, errors.New("review.web.listen: required (host:port, such as 127.0.0.1:8088)"))
	} else if host, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("review.web.listen: %q is not host:port", c.Listen))
	} else if !c.InsecureListen && !loopback(host) {
		errs = append(errs, fmt.Errorf("review.web.listen: %q is not a loopback address: the console would take passwords over plain HTTP from the network; listen on 127.0.0.1 behind a TLS proxy, or set review.web.insecure_listen: true to accept that risk", c.Listen))
	}
	if c.SessionTTL < time.Minute || c.SessionTTL > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("review.web.session_ttl: %s is not between 1m and 30d", c.SessionTTL))
	}
	if c.Refresh < 0 || (c.Refresh > 0 && c.Refresh < 5*time.Second) {
		errs = append(errs, fmt.Errorf("review.web.refresh: %s: 0 (off) or at least 5s", c.Refresh))
	}
	if c.RemindAfter < 0 {
		errs = append(errs, fmt.Errorf("review.web.remind_after: %s: must not be negative (0: no reminders)", c.RemindAfter))
	}
	if c.ReviewTimeout < 0 {
		errs = append(errs, fmt.Errorf("review.web.review_timeout: %s: must not be negative (0: no time-out)", c.ReviewTimeout))
	}
	if c.RemindAfter > 0 && c.ReviewTimeout > 0 && c.RemindAfter >= c.ReviewTimeout {
		errs = append(errs, fmt.Errorf("review.web.remind_after: %s must be shorter than review_timeout (%s)", c.RemindAfter, c.ReviewTimeout))
	}
	if c.OnTimeout != review.TimeoutKeep && c.OnTimeout != review.TimeoutDelete {
		errs = append(errs, fmt.Errorf("review.web.on_timeout: must be keep or delete, got %q", c.OnTimeout))
	}
	return errors.Join(errs...)
}

// loopback reports whether host names only this machine. An empty host
// (":8088") listens on every interface, so it is not loopback.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

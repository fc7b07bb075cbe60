package web

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"
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
	// Refresh reloads the queue page this often so decisions made in other
	// channels show (0: never).
	Refresh time.Duration `yaml:"refresh"`
}

// DefaultConfig is the console's defaults.
func DefaultConfig() Config {
	return Config{Listen: "127.0.0.1:8088", SessionTTL: 12 * time.Hour, Refresh: 30 * time.Second}
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

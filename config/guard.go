package config

import "time"

// Guard configures the account guard (keys guard.*, §1.2.2): page
// managers, token rights and expiry, and the page settings that matter,
// checked periodically and when a network reports a change.
type Guard struct {
	// Enabled: the guard runs in the daemon (default true).
	Enabled bool `yaml:"enabled"`
	// Every is the time between two checks of every account (default 1h);
	// VK's group_officers_edit and group_change_settings check at once.
	Every time.Duration `yaml:"every"`
	// ExpiryWarning: a token expiring sooner than this is an event, and
	// `strazh doctor` says so (default 3d).
	ExpiryWarning time.Duration `yaml:"warn_before"`
}

// DefaultGuard: on, hourly, three days' warning.
func DefaultGuard() Guard {
	return Guard{Enabled: true, Every: time.Hour, ExpiryWarning: 72 * time.Hour}
}

// checkGuard is Guard's part of Config.validate.
func (c *Config) checkGuard(bad func(at int, key, format string, args ...any)) {
	if c.Guard.Every < time.Minute {
		bad(0, "guard.every", "%s: want at least 1m", c.Guard.Every)
	}
	if c.Guard.ExpiryWarning < 0 {
		bad(0, "guard.warn_before", "must not be negative")
	}
}

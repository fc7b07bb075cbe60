package config

import (
	"fmt"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/duration"
)

// Warnings are what the configuration allows but very likely does not
// mean; each names file, line and key. `strazh check` prints them and
// `strazh run` logs them at start.
func (c *Config) Warnings() []error {
	var out []error
	for i, a := range c.Accounts {
		sb, ok := a.Conn.(connectors.ShortestBan)
		if !ok || a.Ban.Duration <= 0 {
			continue
		}
		if floor := sb.ShortestBan(); a.Ban.Duration <= floor {
			key := fmt.Sprintf("accounts[%d].ban.duration", i)
			out = append(out, Problem{File: c.File, Line: c.Line(key), Key: key,
				Msg: fmt.Sprintf("%s: an automatic ban this short is not placed on %s (a ban ending within %s is recorded as skipped): nobody is banned; give more than %s, or 0 for ever",
					duration.Format(a.Ban.Duration), a.Network, duration.Format(floor), duration.Format(floor))})
		}
	}
	return out
}

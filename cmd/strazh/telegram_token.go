package main

import (
	"fmt"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/connectors/telegram"
)

// sameBotToken refuses a Telegram account that uses the review bot's own
// token: both would long-poll getUpdates with it, and each poll confirms
// (drops) the other's updates, so taps or comments would be lost. The
// connector needs a bot of its own (connectors/telegram/README.md).
// Secrets that cannot be read are reported by buildAccounts, not here.
func sameBotToken(cfg *config.Config, review string) []error {
	var errs []error
	for i, a := range cfg.Accounts {
		tc, ok := a.Conn.(*telegram.Config)
		if !ok || review == "" {
			continue
		}
		tok, err := secret.Resolve("token", tc.TokenEnv, tc.TokenFile)
		if err != nil || tok != review {
			continue
		}
		errs = append(errs, fmt.Errorf("%s:%d: accounts[%d] (%s): token: is the review bot's token (telegram.token); "+
			"give the connector a bot of its own: two getUpdates pollers of one token take each other's updates",
			cfg.File, a.Line, i, a.Name))
	}
	return errs
}

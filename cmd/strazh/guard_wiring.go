package main

import (
	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/guard"
	"github.com/strazh/strazh/moderation/pipeline"
)

// guardAccounts are the accounts whose connector can be guarded
// (moderation.Guarded).
func guardAccounts(accounts []pipeline.Account) []guard.Account {
	var out []guard.Account
	for _, a := range accounts {
		if g, ok := a.Conn.(moderation.Guarded); ok {
			out = append(out, guard.Account{Name: a.Name, Network: a.Network, Conn: g})
		}
	}
	return out
}

// newGuard makes the daemon's account guard (nil: switched off, or no
// account can be guarded). It announces through the review channels.
func (d *daemon) newGuard(cfg config.Guard, accounts []pipeline.Account) (*guard.Guard, error) {
	accs := guardAccounts(accounts)
	if !cfg.Enabled || len(accs) == 0 {
		return nil, nil
	}
	opts := guard.Options{Every: cfg.Every, ExpiryWarning: cfg.ExpiryWarning, Store: d.db,
		Metrics: guard.NewMetrics(d.reg), Logger: d.log}
	if d.fan != nil {
		opts.Announcer = d.fan
	}
	return guard.New(opts, accs)
}

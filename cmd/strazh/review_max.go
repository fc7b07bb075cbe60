package main

import (
	"errors"
	"fmt"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/config/secret"
	maxconn "github.com/strazh/strazh/connectors/max"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/review"
)

// wireMAX adds the MAX review chat (review.max) to the review fan-out: its
// own card store in the database, the policy of the Telegram section (or
// the defaults), the same pipeline.
func (d *daemon) wireMAX(cfg *config.Config, h daemonHooks, accounts []pipeline.Account) error {
	if cfg.ReviewMAX == nil {
		return nil
	}
	tok, err := secret.Resolve("review.max.token", cfg.ReviewMAX.TokenEnv, cfg.ReviewMAX.TokenFile)
	if err != nil {
		return err
	}
	if errs := sameMAXToken(cfg, tok); len(errs) > 0 {
		return errors.Join(errs...)
	}
	policy := review.DefaultConfig()
	if cfg.Telegram != nil {
		policy = *cfg.Telegram
	}
	cards, err := d.db.ReviewCards(review.ChannelMAX)
	if err != nil {
		return err
	}
	if d.fan == nil {
		d.fan = review.NewFanout(d.log)
	}
	d.mx, err = review.NewMAX(*cfg.ReviewMAX, policy, review.Deps{
		Moderation: d.fan.Moderation(review.ChannelMAX, d.pipe), Store: cards, History: d.pipe.History(),
		Logger: d.log, HTTPClient: h.httpClient, Timing: h.timing, Metrics: d.reg,
		Capabilities: accountCapabilities(accounts),
	})
	if err != nil {
		return err
	}
	return d.fan.Add(review.ChannelMAX, d.mx)
}

// sameMAXToken refuses a MAX account that uses the MAX review bot's token
// (review.max.token), read from another place than the configuration
// check compares: MAX gives one token's updates to one poller, so the
// connector and the review chat would take each other's. Secrets that
// cannot be read are reported by buildAccounts, not here.
func sameMAXToken(cfg *config.Config, review string) []error {
	var errs []error
	for i, a := range cfg.Accounts {
		mc, ok := a.Conn.(*maxconn.Config)
		if !ok || review == "" {
			continue
		}
		tok, err := secret.Resolve("token", mc.TokenEnv, mc.TokenFile)
		if err != nil || tok != review {
			continue
		}
		errs = append(errs, fmt.Errorf("%s:%d: accounts[%d] (%s): token: is the MAX review bot's token (review.max.token); "+
			"give the review chat a bot of its own: one token has one updates loop", cfg.File, a.Line, i, a.Name))
	}
	return errs
}

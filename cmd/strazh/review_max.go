package main

import (
	"errors"
	"fmt"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/config/secret"
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
	if err := tokenShared(cfg); err != nil {
		return err
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

// tokenShared refuses a review.max token that a MAX account also uses,
// read from another place (the configuration check compares the places):
// MAX has one updates loop per token.
func tokenShared(cfg *config.Config) error {
	m := cfg.ReviewMAX
	mine, err := secret.Resolve("token", m.TokenEnv, m.TokenFile)
	if err != nil {
		return fmt.Errorf("review.max.%w", err)
	}
	for _, ref := range cfg.Secrets() {
		var i int
		if _, err := fmt.Sscanf(ref.Key, "accounts[%d].token", &i); err != nil || i >= len(cfg.Accounts) || cfg.Accounts[i].Network != "max" {
			continue
		}
		theirs, err := secret.Resolve("token", ref.Env, ref.File)
		if err == nil && theirs == mine {
			return errors.New("review.max: the token is also the token of accounts[" + fmt.Sprint(i) + "] (" + cfg.Accounts[i].Name +
				"); one bot token has one updates loop, so the review chat needs a bot of its own")
		}
	}
	return nil
}

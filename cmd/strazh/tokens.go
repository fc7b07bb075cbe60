package main

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// tokenExpiry exports when the tokens connectors renew expire: a VK ID user
// token lives an hour and is refreshed when a quarter is left, so a value
// that keeps falling means refreshing fails (alert StrazhTokenExpiring).
// Connectors stay metric-free: they only answer moderation.TokenExpirer.
type tokenExpiry struct {
	accounts []pipeline.Account
	now      func() time.Time
}

var tokenExpiryDesc = prometheus.NewDesc("strazh_token_expiry_seconds",
	"Seconds until the account's renewable user token (VK ID) expires; negative once expired. Absent for tokens that do not expire by time.",
	[]string{"account", "network"}, nil)

func newTokenExpiry(accounts []pipeline.Account) *tokenExpiry {
	return &tokenExpiry{accounts: accounts, now: time.Now}
}

func (c *tokenExpiry) Describe(ch chan<- *prometheus.Desc) { ch <- tokenExpiryDesc }

func (c *tokenExpiry) Collect(ch chan<- prometheus.Metric) {
	now := c.now()
	for _, a := range c.accounts {
		te, ok := a.Conn.(moderation.TokenExpirer)
		if !ok {
			continue
		}
		exp := te.TokenExpires()
		if exp.IsZero() {
			continue
		}
		ch <- prometheus.MustNewConstMetric(tokenExpiryDesc, prometheus.GaugeValue, exp.Sub(now).Seconds(), a.Name, a.Network)
	}
}

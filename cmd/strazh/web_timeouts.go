package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/web"
)

// consoleTimeoutTick is how often the console-only time-outs are checked
// (the chat reviewers' Timing.Tick default).
const consoleTimeoutTick = 30 * time.Second

// consoleOnly reports whether the web console is the only review channel:
// then no chat reviewer's timer applies review_timeout, and the daemon
// does (runConsoleTimeouts).
func (d *daemon) consoleOnly() bool { return d.web != nil && d.tg == nil && d.mx == nil }

// consolePolicy is the review chats' policy with review.web's own keys
// (review_timeout, on_timeout, remind_after; defaults 24h, keep, 2h). The
// console shows remind_after in its queue itself.
func consolePolicy(c web.Config) review.Config {
	pol := review.DefaultConfig()
	pol.RemindAfter, pol.ReviewTimeout, pol.OnTimeout = c.RemindAfter, c.ReviewTimeout, c.OnTimeout
	return pol
}

// runConsoleTimeouts applies the review time-out policy when the console
// is the only review channel: a review pending longer than
// pol.ReviewTimeout gets pol.OnTimeout, decided by moderation.ByTimeout, as
// the Telegram and MAX reviewers do (moderation/review/timers.go). The
// policy is review.web's (consolePolicy).
func runConsoleTimeouts(ctx context.Context, mod review.Moderation, pol review.Config, tick time.Duration, log *slog.Logger) {
	if pol.ReviewTimeout <= 0 {
		return
	}
	v := moderation.Allow
	if pol.OnTimeout == review.TimeoutDelete {
		v = moderation.Delete
	}
	tk := time.NewTicker(tick)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
		ds, err := mod.PendingReviews()
		if err != nil {
			log.Error("list pending reviews", "err", err)
			continue
		}
		now := time.Now()
		for _, d := range ds {
			if now.Sub(d.DecidedAt) < pol.ReviewTimeout || ctx.Err() != nil {
				continue
			}
			actx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			_, err := mod.Resolve(actx, d.ID, v, 0, moderation.ByTimeout, "")
			cancel()
			switch {
			case err == nil:
				log.Info("review timed out", "decision_id", d.ID, "verdict", v.String())
			case !errors.Is(err, moderation.ErrAlreadyDecided):
				log.Error("apply review time-out", "decision_id", d.ID, "err", err)
			}
		}
	}
}

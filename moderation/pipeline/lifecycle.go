package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/strazh/strazh/moderation"
)

// DefaultPollInterval is the reader's pause after an empty batch from a
// connector that declares no interval of its own (moderation.Poller).
const DefaultPollInterval = time.Second

// closeTimeout bounds each connector's Close at shutdown.
const closeTimeout = 5 * time.Second

// pollInterval is how often an idle account's connector is asked.
func (p *Pipeline) pollInterval(a *accountRun) time.Duration {
	if pl, ok := a.Conn.(moderation.Poller); ok {
		if d := pl.PollInterval(); d > 0 {
			return d
		}
	}
	return p.opts.PollInterval
}

// idlePause waits after an empty batch so that Fetch starts at most once
// per poll interval (±10% jitter, so pages polled by one daemon drift
// apart instead of asking the network in step). A Fetch that blocked for
// the interval already (a long poll) is called again at once. It reports
// false when ctx ended.
func (p *Pipeline) idlePause(ctx context.Context, a *accountRun, took time.Duration) bool {
	d := jitter(p.pollInterval(a)) - took
	if d <= 0 {
		return ctx.Err() == nil
	}
	return sleep(ctx, d)
}

// jitter spreads d over [0.9d, 1.1d].
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d - d/10 + rand.N(d/5+1)
}

// connect calls Connect until it works, at the retry policy's back-off; it
// reports false when ctx ended first. reconnects > 0 is the number of
// times in a row the connector said it was not connected since its last
// good Fetch: the first Connect then waits too, so a connector that
// connects but loses the session at once is not asked in a loop.
func (p *Pipeline) connect(ctx context.Context, a *accountRun, reconnects int, hint time.Duration, log *slog.Logger) bool {
	if reconnects > 0 && !sleep(ctx, p.opts.Retry.Wait(reconnects, hint)) {
		return false
	}
	for attempt := 1; ; attempt++ {
		err := a.Conn.Connect(ctx)
		if err == nil {
			if reconnects > 0 {
				log.Info("connector connected again", "reconnects", reconnects)
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		p.connectorError(a, "connect", err, log)
		if !sleep(ctx, p.opts.Retry.Wait(reconnects+attempt, moderation.RetryAfter(err))) {
			return false
		}
	}
}

// notConnected reports whether a Fetch error asks for a new Connect.
func notConnected(err error) bool { return errors.Is(err, moderation.ErrNotConnected) }

// closeConnectors closes every account's connector once reading, deciding
// and acting are over, each bounded by closeTimeout.
func (p *Pipeline) closeConnectors() {
	for _, name := range p.order {
		a := p.accounts[name]
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		if err := a.Conn.Close(ctx); err != nil {
			p.log.Warn("connector did not close cleanly", "account", a.Name, "network", a.Network, "err", err)
		}
		cancel()
	}
}

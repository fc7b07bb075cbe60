package review

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// chatLimiter keeps the sender under Telegram's per-chat limit (20
// messages a minute to a group, about one a second) with two token
// buckets: PerMinute per Window with a burst of one (so any minute carries
// at most PerMinute+1), and one message per MinGap.
type chatLimiter struct {
	window, gap *rate.Limiter
}

func newChatLimiter(tm Timing) *chatLimiter {
	return &chatLimiter{
		window: rate.NewLimiter(rate.Every(tm.Window/time.Duration(tm.PerMinute)), 1),
		gap:    rate.NewLimiter(rate.Every(tm.MinGap), 1),
	}
}

// wait blocks until one more message may go, or ctx ends. A wait that
// ends with ctx gives its tokens back: the next message is not delayed by
// one that never went.
func (l *chatLimiter) wait(ctx context.Context) error {
	now := time.Now()
	rw, rg := l.window.ReserveN(now, 1), l.gap.ReserveN(now, 1)
	d := max(rw.DelayFrom(now), rg.DelayFrom(now))
	if d <= 0 {
		return nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		rw.Cancel()
		rg.Cancel()
		return ctx.Err()
	}
}

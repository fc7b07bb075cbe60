package moderation

import (
	"math/rand/v2"
	"time"
)

// RetryPolicy is the back-off used for connector calls; the names match the
// config keys used everywhere (initial_interval, max_interval, max_retries).
type RetryPolicy struct {
	InitialInterval time.Duration `yaml:"initial_interval"` // first wait
	MaxInterval     time.Duration `yaml:"max_interval"`     // longest wait
	MaxRetries      int           `yaml:"max_retries"`      // attempts per action before it is marked failed
}

// DefaultRetryPolicy suits the networks' rate limits.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{InitialInterval: time.Second, MaxInterval: 5 * time.Minute, MaxRetries: 30}
}

// Wait is the pause before attempt n (1-based): exponential with full
// jitter in its upper half, at least hint when the server gave one, but
// never above MaxInterval (a guessed hint such as "ten minutes for VK's
// error 29" must not override the configured bound).
func (r RetryPolicy) Wait(n int, hint time.Duration) time.Duration {
	d := r.InitialInterval
	if d <= 0 {
		d = time.Second
	}
	for i := 1; i < n && d < r.MaxInterval; i++ {
		d *= 2
	}
	if r.MaxInterval > 0 && d > r.MaxInterval {
		d = r.MaxInterval
	}
	d = d/2 + rand.N(d/2+1)
	if hint > d {
		d = hint
	}
	if r.MaxInterval > 0 && d > r.MaxInterval {
		d = r.MaxInterval
	}
	return d
}

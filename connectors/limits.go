package connectors

import (
	"crypto/sha256"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiters hands out one token bucket per credential, shared by every
// connector of the daemon: networks limit a token, not an account, so two
// pages managed with one admin's user token share its rate. Keys are
// SHA-256 hashes of the credential: the set never holds a token, and
// nothing it logs or prints can show one. Safe for concurrent use; the zero
// value is ready. A nil *Limiters gives every caller its own bucket.
type Limiters struct {
	mu     sync.Mutex
	m      map[[sha256.Size]byte]*rate.Limiter
	shared map[sharedKey]any
}

type sharedKey struct {
	credential [sha256.Size]byte
	name       string
}

// For returns the bucket of credential that lets at most n requests start
// in any window (one token refilled every window/n, rounded up, so requests
// are spread evenly). A second caller with a smaller n lowers the shared
// rate to its own: the strictest configured limit of a token wins.
func (l *Limiters) For(credential string, n int, window time.Duration) *rate.Limiter {
	per := time.Duration(max(n, 1))
	every := rate.Every((window + per - 1) / per)
	if l == nil {
		return rate.NewLimiter(every, 1)
	}
	k := sha256.Sum256([]byte(credential))
	l.mu.Lock()
	defer l.mu.Unlock()
	if lim := l.m[k]; lim != nil {
		if every < lim.Limit() {
			lim.SetLimit(every)
		}
		return lim
	}
	if l.m == nil {
		l.m = make(map[[sha256.Size]byte]*rate.Limiter)
	}
	lim := rate.NewLimiter(every, 1)
	l.m[k] = lim
	return lim
}

// Shared returns the value kept for credential under name, made by mk on
// the first call: a connector's per-token state that every page using the
// token must share (VK packs the calls waiting for one token's rate into
// one request). A nil *Limiters returns a new value every time.
func (l *Limiters) Shared(credential, name string, mk func() any) any {
	if l == nil {
		return mk()
	}
	k := sharedKey{sha256.Sum256([]byte(credential)), name}
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.shared[k]; ok {
		return v
	}
	if l.shared == nil {
		l.shared = make(map[sharedKey]any)
	}
	v := mk()
	l.shared[k] = v
	return v
}

// Len is how many credentials have a bucket (for tests and the admin view).
func (l *Limiters) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

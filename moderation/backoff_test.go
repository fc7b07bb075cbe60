package moderation

import (
	"testing"
	"time"
)

func TestRetryPolicy_Wait(t *testing.T) {
	r := RetryPolicy{InitialInterval: time.Second, MaxInterval: time.Minute, MaxRetries: 5}
	tests := []struct {
		name     string
		n        int
		hint     time.Duration
		min, max time.Duration
	}{
		{"first", 1, 0, 500 * time.Millisecond, time.Second},
		{"doubles", 3, 0, 2 * time.Second, 4 * time.Second},
		{"capped", 30, 0, 30 * time.Second, time.Minute},
		{"hint honoured", 1, 20 * time.Second, 20 * time.Second, 20 * time.Second},
		{"hint above max_interval is capped", 1, 10 * time.Minute, time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 100 {
				if got := r.Wait(tt.n, tt.hint); got < tt.min || got > tt.max {
					t.Fatalf("Wait(%d, %s) = %s, want %s..%s", tt.n, tt.hint, got, tt.min, tt.max)
				}
			}
		})
	}
}

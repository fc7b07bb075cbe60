package telegram

import (
	"context"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// TestConnector_Delete_RateLimitHintInText: a 429 without
// parameters.retry_after still waits what its description says ("Too Many
// Requests: retry after 7"). Before, it was retried at the pipeline's
// first back-off step, well inside Telegram's pause, and refused again.
func TestConnector_Delete_RateLimitHintInText(t *testing.T) {
	tests := []struct {
		name      string
		desc      string
		parameter int
		want      time.Duration
	}{
		{"parameter", "Too Many Requests: retry after 7", 7, 7 * time.Second},
		{"text only", "Too Many Requests: retry after 7", 0, 7 * time.Second},
		{"neither", "Too Many Requests", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, "tg", nil)
			f.FailNext("deleteMessage", 1, 429, tt.desc, tt.parameter)
			err := c.Delete(context.Background(), "-100:2")
			if moderation.Classify(err) != moderation.ClassRetry {
				t.Fatalf("Delete = %v, want a retry", err)
			}
			if got := moderation.RetryAfter(err); got != tt.want {
				t.Fatalf("retry after %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRetryInText_NonASCII: a description with letters whose lower case
// is longer or shorter in bytes (Ⱥ, İ, K) before the hint is read at the
// hint's place. Before, the index found in the lower-cased text was used
// in the original: the wait was misread, or the slice ran past the end
// and the daemon panicked on a proxy's 429.
func TestRetryInText_NonASCII(t *testing.T) {
	tests := []struct {
		desc string
		want time.Duration
	}{
		{"İ Too Many Requests: retry after 7", 7 * time.Second},
		{"Ⱥ: retry after ", 0},
		{"KKKK retry after 42", 42 * time.Second},
		{"RETRY AFTER 3", 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if got := retryInText(tt.desc); got != tt.want {
				t.Fatalf("retryInText(%q) = %v, want %v", tt.desc, got, tt.want)
			}
		})
	}
}

package maxapi

import (
	"testing"
	"time"
)

func TestCommentTime_Forms(t *testing.T) {
	at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		ts   int64
		want time.Time // zero: now
	}{
		{"milliseconds", at.UnixMilli(), at},
		{"seconds", at.Unix(), at},
		{"missing", 0, time.Time{}},
		{"negative", -5, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CommentTime(&Message{Timestamp: tt.ts})
			if tt.want.IsZero() {
				if d := time.Since(got); d < 0 || d > time.Minute {
					t.Fatalf("CommentTime(%d) = %v, want now", tt.ts, got)
				}
				return
			}
			if !got.Equal(tt.want) {
				t.Fatalf("CommentTime(%d) = %v, want %v", tt.ts, got, tt.want)
			}
		})
	}
}

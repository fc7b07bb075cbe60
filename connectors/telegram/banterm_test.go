package telegram

import (
	"context"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// TestConnector_Ban_TermOverOrNear: a timed ban whose end has passed or is
// minutes away when it is placed (it waited for Telegram through a rate
// limit or an outage) is not placed, and says so (ErrUnsupported: the
// action is recorded as skipped, not as done). It was sent with until_date a minute
// ahead: Telegram takes an until_date under 30 s from its own now as a ban
// for ever (§5.2), so with the daemon's clock half a minute behind
// Telegram's an author whose term was over was banned for good.
func TestConnector_Ban_TermOverOrNear(t *testing.T) {
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	tests := []struct {
		name   string
		until  time.Time
		placed bool
	}{
		{"over an hour ago", now.Add(-time.Hour), false},
		{"over just now", now, false},
		{"ends in three minutes", now.Add(3 * time.Minute), false},
		{"ends in ten minutes", now.Add(10 * time.Minute), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, "tg", nil)
			c.now = func() time.Time { return now }
			err := c.Ban(ctx, "501", moderation.BanRequest{Until: tt.until})
			if tt.placed && err != nil {
				t.Fatalf("Ban: %v", err)
			}
			if !tt.placed && moderation.Classify(err) != moderation.ClassUnsupported {
				t.Fatalf("Ban: %v, want it refused as not placed (skipped, not recorded as done)", err)
			}
			b, ok := f.Bans(groupID)[501]
			if ok != tt.placed || (ok && !b.Until.Equal(tt.until)) {
				t.Fatalf("ban on the fake %+v (present %v), want placed %v until %s", b, ok, tt.placed, tt.until)
			}
		})
	}
}

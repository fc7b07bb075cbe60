package vk

import (
	"context"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

// TestConnector_Ban_TermOver: a timed ban whose end has passed when it is
// placed (it waited for VK through a rate limit or an outage) is not
// placed, and says so (ErrUnsupported: recorded as skipped with why), as
// Telegram's does. It returned nil: the audit said the author was banned
// while nobody was.
func TestConnector_Ban_TermOver(t *testing.T) {
	tests := []struct {
		name   string
		until  time.Duration
		placed bool
	}{
		{"over an hour ago", -time.Hour, false},
		{"ends in thirty seconds", 30 * time.Second, false},
		{"ends in a day", 24 * time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, vktest.Options{})
			c := newConn(t, f, nil)
			connect(t, c)
			err := c.Ban(context.Background(), "501", moderation.BanRequest{Until: time.Now().Add(tt.until)})
			if tt.placed {
				if err != nil {
					t.Fatalf("Ban: %v", err)
				}
			} else if moderation.Classify(err) != moderation.ClassUnsupported {
				t.Fatalf("Ban = %v, want it refused as not placed (skipped, not recorded as done)", err)
			}
			if _, ok := f.Bans()[501]; ok != tt.placed {
				t.Fatalf("banned on the fake: %v, want %v", ok, tt.placed)
			}
		})
	}
}

// TestConfig_ShortestBan_Floor: VK's config tells the loader the floor Ban
// keeps (connectors.ShortestBan), so `strazh check` warns on a
// ban.duration VK would never place. Before, only Telegram said so: a VK
// page with ban.duration 1m banned nobody without a warning.
func TestConfig_ShortestBan_Floor(t *testing.T) {
	sb, ok := any(&Config{}).(connectors.ShortestBan)
	if !ok {
		t.Fatal("vk.Config does not tell its shortest ban")
	}
	floor := sb.ShortestBan()
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	if err := c.Ban(context.Background(), "501", moderation.BanRequest{Until: time.Now().Add(floor)}); moderation.Classify(err) != moderation.ClassUnsupported {
		t.Fatalf("a ban of the floor (%s): %v, want it not placed", floor, err)
	}
	if err := c.Ban(context.Background(), "502", moderation.BanRequest{Until: time.Now().Add(floor + time.Hour)}); err != nil {
		t.Fatalf("a ban an hour over the floor: %v", err)
	}
}

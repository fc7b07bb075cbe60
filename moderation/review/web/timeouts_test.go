package web

import (
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

func TestConfig_Validate_Timeouts(t *testing.T) {
	tests := []struct {
		name string
		tune func(*Config)
		want string // "" valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"all off", func(c *Config) { c.RemindAfter, c.ReviewTimeout = 0, 0 }, ""},
		{"reminder without a time-out", func(c *Config) { c.ReviewTimeout = 0 }, ""},
		{"negative timeout", func(c *Config) { c.ReviewTimeout = -time.Hour }, "review.web.review_timeout: -1h0m0s: must not be negative"},
		{"negative remind", func(c *Config) { c.RemindAfter = -time.Minute }, "review.web.remind_after: -1m0s: must not be negative"},
		{"remind not before the timeout", func(c *Config) { c.RemindAfter = 25 * time.Hour },
			"review.web.remind_after: 25h0m0s must be shorter than review_timeout (24h0m0s)"},
		{"bad verdict", func(c *Config) { c.OnTimeout = "ban" }, `review.web.on_timeout: must be keep or delete, got "ban"`},
		{"empty verdict", func(c *Config) { c.OnTimeout = "" }, `review.web.on_timeout: must be keep or delete, got ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.tune(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
}

// The chats remind once of a review nobody decided; the console's queue
// marks it from remind_after on.
func TestServer_Queue_RemindAfter(t *testing.T) {
	tests := []struct {
		name   string
		remind time.Duration
		waited time.Duration
		want   bool
	}{
		{"before remind_after", 2 * time.Hour, 90 * time.Minute, false},
		{"after remind_after", 2 * time.Hour, 3 * time.Hour, true},
		{"own key", 30 * time.Minute, 40 * time.Minute, true},
		{"reminders off", 0, 20 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.RemindAfter = tt.remind
			f := newFixtureConfig(t, cfg, func(_ *store.DB, d *Deps) {
				d.Now = func() time.Time { return time.Now().Add(tt.waited) }
			})
			id := f.commit("ты дурак", moderation.Review)
			c := f.client()
			c.login("mod", "password-mod")
			_, page, _ := c.do("GET", "/queue", nil)
			if !strings.Contains(page, `id="card-`+itoa(id)+`"`) {
				t.Fatalf("card %d not in the queue:\n%s", id, page)
			}
			mark := `id="remind-` + itoa(id) + `">Напоминание: ждёт решения дольше ` + durationWords(tt.remind) + `</strong>`
			if got := strings.Contains(page, mark); got != tt.want {
				t.Errorf("reminder mark shown %v, want %v (%s)", got, tt.want, mark)
			}
		})
	}
}

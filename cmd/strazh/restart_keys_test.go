package main

import (
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation/review"
)

// TestRestartKeys: a reload names every changed setting it cannot apply,
// so the operator knows a restart is needed; rules, log and dry_run it
// applies itself.
func TestRestartKeys(t *testing.T) {
	base := func() *config.Config {
		c := &config.Config{Model: config.DefaultModel()}
		c.Appeals.AnswerWithin = 24 * time.Hour
		return c
	}
	for _, tc := range []struct {
		key    string
		change func(c *config.Config)
	}{
		{"model", func(c *config.Config) { c.Model.Learn.Budget = nil }},
		{"appeals", func(c *config.Config) { c.Appeals.AnswerWithin = 12 * time.Hour }},
		{"review.max", func(c *config.Config) { c.ReviewMAX = &review.MAXConfig{ChatID: 1} }},
		{"retention", func(c *config.Config) { c.Retention = time.Hour }},
	} {
		b := base()
		tc.change(b)
		if got := restartKeys(base(), b); !slices.Equal(got, []string{tc.key}) {
			t.Errorf("%s changed: restart keys %q", tc.key, got)
		}
	}
	b := base()
	b.DryRun, b.Log.Level = true, "debug"
	if got := restartKeys(base(), b); len(got) != 0 {
		t.Errorf("dry_run and log are applied by the reload, yet named: %q", got)
	}
}

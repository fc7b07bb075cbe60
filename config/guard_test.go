package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
)

func TestParse_Guard(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string // in the error; "" no error
		every      time.Duration
	}{
		{"default on, hourly", base, "", time.Hour},
		{"every given", base + "guard: {every: 30m, warn_before: 7d}\n", "", 30 * time.Minute},
		{"every too short", base + "guard: {every: 10s}\n", "c.yaml:7: guard.every: 10s: want at least 1m", 0},
		{"negative warning", base + "guard: {warn_before: -1h}\n", "c.yaml:7: guard.warn_before:", 0}, // the duration syntax refuses it
		{"unknown key", base + "guard: {interval: 1h}\n", "guard.interval: unknown key", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse("c.yaml", []byte(tt.yaml))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !cfg.Guard.Enabled || cfg.Guard.Every != tt.every {
					t.Errorf("guard %+v", cfg.Guard)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

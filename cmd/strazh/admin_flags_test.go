package main

import (
	"context"
	"strings"
	"testing"
)

// Flags that cannot be meant as given are refused, naming the flag: they
// used to be dropped, so `review -decide 0 -verdict delete` and `review
// -verdict ban` listed the pending reviews as if nothing had been asked,
// `-ban 7d -verdict delete` deleted without the ban, `-ban 30s` was refused
// in the admin socket's terms, `audit -limit -5` printed every decision and
// `-since` after `-until` nothing.
func TestAdmin_Flags_Refused(t *testing.T) {
	cfg, _ := stoppedConfig(t, nil)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"decide zero", []string{"review", "-decide", "0", "-verdict", "delete"}, "-decide 0"},
		{"verdict alone", []string{"review", "-verdict", "ban"}, "-verdict and -ban go only with -decide ID"},
		{"ban alone", []string{"review", "-ban", "7d"}, "-verdict and -ban go only with -decide ID"},
		{"ban with delete", []string{"review", "-decide", "1", "-verdict", "delete", "-ban", "7d"}, `-ban goes only with -verdict ban, not "delete"`},
		{"negative limit", []string{"audit", "-limit", "-5"}, "-limit -5"},
		{"ban under a minute", []string{"review", "-decide", "1", "-verdict", "ban", "-ban", "30s"}, "-ban 30s: a ban lasts at least a minute"},
		{"empty span", []string{"audit", "-since", "2026-12-01", "-until", "2026-11-01"}, "-since 2026-12-01 is not before -until 2026-11-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{tc.args[0], "-config", cfg}, tc.args[1:]...)
			out, errOut, code := runCLI(context.Background(), args...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("code %d, stderr %q; want 2 and %q", code, errOut, tc.want)
			}
			if out != "" {
				t.Errorf("printed %q, want nothing", out)
			}
		})
	}
}

// `model rollback 1 2` made version 1 live and dropped the 2; `model status
// extra` ignored it.
func TestModel_ExtraArgumentRefused(t *testing.T) {
	cfg, _ := stoppedConfig(t, healthyDB(t))
	for _, args := range [][]string{
		{"model", "rollback", "0", "2", "-config", cfg},
		{"model", "rollback", "-config", cfg, "0", "2"},
		{"model", "status", "-config", cfg, "extra"},
	} {
		out, errOut, code := runCLI(context.Background(), args...)
		if code != 2 || !strings.Contains(errOut, `unexpected argument "`) || out != "" {
			t.Errorf("%v: code %d, out %q, stderr %q; want it refused", args, code, out, errOut)
		}
	}
}

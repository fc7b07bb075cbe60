package store

import (
	"strings"
	"testing"
)

func TestFoldNeedle_In(t *testing.T) {
	tests := []struct {
		raw, needle string
		want        bool
	}{
		{"Ругань ПЛОХАЯ тут", "плохая", true},
		{"Ругань ПлОхАя тут", "плохая", true},
		{"ёлка", "Ё", true},
		{"Hello World", "world", true},
		{"плохо", "плохая", false},
		{"\x00\x04плох", "плохая", false},
		{"anything", "", true},
		{"ab\xffcd", "\xffc", true},
		{"Straße", "STRASSE", false}, // simple folding only, as strings.EqualFold
	}
	for _, tt := range tests {
		got := newFoldNeedle(tt.needle).in([]byte(tt.raw))
		if got != tt.want {
			t.Errorf("in(%q, %q) = %v, want %v", tt.raw, tt.needle, got, tt.want)
		}
		// Never fewer matches than the decoded check it stands in front of.
		if tt.needle != "" && strings.Contains(strings.ToLower(tt.raw), strings.ToLower(tt.needle)) && !got {
			t.Errorf("in(%q, %q) misses a match strings.ToLower finds", tt.raw, tt.needle)
		}
	}
}

func FuzzFoldNeedle_NoFalseNegative(f *testing.F) {
	f.Add("Ругань ПЛОХАЯ", "плох")
	f.Fuzz(func(t *testing.T, raw, needle string) {
		if needle == "" || strings.ToLower(needle) != needle {
			return
		}
		// The console lowers the needle; a record whose lowered text
		// contains it must pass the prefilter.
		if strings.Contains(strings.ToLower(raw), needle) && len(strings.ToLower(raw)) == len(raw) && !newFoldNeedle(needle).in([]byte(raw)) {
			t.Errorf("in(%q, %q) = false, strings.ToLower finds it", raw, needle)
		}
	})
}

package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFolder_All(t *testing.T) {
	tests := []struct {
		raw, needle string
		want        bool
	}{
		{"Ругань ПЛОХАЯ тут", "плохая", true},
		{"Ругань ПлОхАя тут", "плохая", true},
		{"ЁЛКА и Ѐ", "ёлка и ѐ", true},
		{"Hello World", "world", true},
		{"плохо", "плохая", false},
		{"\x00\x04плох", "плохая", false},
		{"ab\xffcd", "\xffc", true},
		{"ÀÉÎ", "àéî", true},
	}
	for _, tt := range tests {
		if got := newFolder([]string{tt.needle}).all([]byte(tt.raw)); got != tt.want {
			t.Errorf("all(%q, %q) = %v, want %v", tt.raw, tt.needle, got, tt.want)
		}
	}
	if !newFolder(nil).all([]byte("x")) {
		t.Error("no needles must match everything")
	}
}

func TestLowerInto_AsStringsToLower(t *testing.T) {
	// Every rune of the Cyrillic block and Latin-1, against the standard library.
	var b strings.Builder
	for r := rune(0); r < 0x530; r++ {
		if utf8.ValidRune(r) {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if got, want := string(lowerInto(nil, []byte(s))), strings.ToLower(s); got != want {
		for i, r := range []rune(want) {
			if g := []rune(got); i >= len(g) || g[i] != r {
				t.Fatalf("lowerInto differs from strings.ToLower at rune %d: %q vs %q", i, string(g[i]), string(r))
			}
		}
		t.Fatal("lowerInto differs from strings.ToLower")
	}
}

func FuzzFolder_NoFalseNegative(f *testing.F) {
	f.Add("Ругань ПЛОХАЯ", "плох")
	f.Fuzz(func(t *testing.T, raw, needle string) {
		if needle == "" || !utf8.ValidString(raw) {
			return
		}
		low := strings.ToLower(needle)
		// The console's check: the text contains the lowered needle, as is
		// or lowered. The prefilter must let every such record through.
		if (strings.Contains(raw, low) || strings.Contains(strings.ToLower(raw), low)) && !newFolder([]string{low}).all([]byte(raw)) {
			t.Errorf("all(%q, %q) = false, the decoded check finds it", raw, low)
		}
	})
}

package normalize

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// FuzzNormalize: any text normalises without panicking, every normalised
// byte points inside the original text (a letter at a rune start), a mask
// in N is counted in Masked, and the readable form is valid UTF-8.
func FuzzNormalize(f *testing.F) {
	var tx Text
	f.Fuzz(func(t *testing.T, s string) {
		tx.Normalize(s)
		for _, p := range [][2]any{{tx.N, tx.NPos}, {tx.T, tx.TPos}} {
			n, pos := p[0].([]byte), p[1].([]int32)
			if len(n) != len(pos) {
				t.Fatalf("%d bytes, %d positions", len(n), len(pos))
			}
			for i, off := range pos {
				if off < 0 || int(off) > len(s) {
					t.Fatalf("position %d of byte %d outside the text (%d bytes)", off, i, len(s))
				}
				// A word's closing space records "just after its last
				// rune's first byte" (endWord); every other byte a rune.
				if n[i] != Space && int(off) < len(s) && !utf8.RuneStart(s[off]) && utf8.ValidString(s) {
					t.Fatalf("position %d of byte %d is inside a rune", off, i)
				}
			}
		}
		// the rule engine looks for masked words in N only when Masked
		// counts one
		if tx.Masked == 0 && bytes.IndexByte(tx.N, Mask) >= 0 {
			t.Fatalf("N %q has a mask but Masked is 0", tx.N)
		}
		if out := String(s); !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q, not UTF-8", s, out)
		}
	})
}

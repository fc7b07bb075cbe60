package rules

import "testing"

// BenchmarkLoad is the start-up cost of the shipped packs and model: every
// `strazh classify` and `strazh check` pays it once.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(DefaultConfig(), "."); err != nil {
			b.Fatal(err)
		}
	}
}

package rules

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortForms_AgreesWithSortStable holds the eight-bytes-a-step radix
// sort to a stable sort by bytes.Compare: forms sharing long prefixes (the
// shape of expanded phrases), forms that are prefixes of one another at
// every length around the eight-byte steps, duplicates, zero bytes, and
// groups on both sides of the insertion-sort threshold.
func TestSortForms_AgreesWithSortStable(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 3))
	alphabet := []byte{0, 1, ' ', 0xE0, 0xE1, 0xFF}
	for round := range 400 {
		n := 1 + r.IntN(300)
		if round%50 == 0 {
			n = 3000 + r.IntN(3000)
		}
		stem := make([]byte, r.IntN(20))
		for i := range stem {
			stem[i] = alphabet[r.IntN(len(alphabet))]
		}
		forms := make([][]byte, n)
		for i := range forms {
			var f []byte
			switch r.IntN(4) {
			case 0: // a prefix of the stem, any length
				f = slices.Clone(stem[:r.IntN(len(stem)+1)])
			case 1: // an earlier form, once more
				if i > 0 {
					f = slices.Clone(forms[r.IntN(i)])
					break
				}
				fallthrough
			default: // the stem or a part of it, then a tail
				f = slices.Clone(stem[:len(stem)-r.IntN(len(stem)/2+1)])
				for range r.IntN(24) {
					f = append(f, alphabet[r.IntN(len(alphabet))])
				}
			}
			forms[i] = f
		}
		got := sortForms(forms)
		want := make([]int32, n)
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return bytes.Compare(forms[a], forms[b]) })
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: %d forms sorted wrong", round, n)
		}
	}
}

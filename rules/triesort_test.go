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

// TestTrie_Scan_SharedTails holds the dag to the naive matcher where most
// of it is shared: forms made as expanded entries are (a few alternatives
// a step, multiplied out) with one term for all the forms of an entry, so
// that nodes with one kid and leaves with one term are found again and
// again (nodeKey's exact keys) and tails differ by a byte or a term only.
func TestTrie_Scan_SharedTails(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 4))
	for round := range 300 {
		b := newTrieBuilder()
		var forms [][]byte
		var terms []term
		for e := range 1 + r.IntN(4) {
			tm := term{lex: int32(r.IntN(2)), entry: int32(e % 2), anchorEnd: r.IntN(2) == 0, exception: r.IntN(4) == 0}
			steps := make([][][]byte, 1+r.IntN(3))
			for k := range steps {
				for range 1 + r.IntN(3) {
					alt := make([]byte, 1+r.IntN(3))
					for i := range alt {
						alt[i] = trieAlphabet[r.IntN(4)]
					}
					if round%2 == 1 && k > 0 && r.IntN(6) == 0 {
						alt[len(alt)-1] = Star // never first: a form starts with a letter
					}
					steps[k] = append(steps[k], alt)
				}
			}
			var walk func(k int, f []byte)
			walk = func(k int, f []byte) {
				if k == len(steps) {
					forms = append(forms, f)
					terms = append(terms, tm)
					b.add(f, tm)
					return
				}
				for _, a := range steps[k] {
					walk(k+1, append(slices.Clip(f), a...))
				}
			}
			walk(0, nil)
		}
		tr := b.build()
		for range 10 {
			buf := randomBuf(r, 2+r.IntN(60))
			for _, anchored := range []bool{true, false} {
				var work int
				got := hitKeys(tr.scan(buf, anchored, 0, nil, &work))
				want := naiveScan(forms, terms, buf, anchored)
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Fatalf("round %d, anchored %v, buf %q, forms %q:\n got %q\nwant %q", round, anchored, buf, forms, got, want)
				}
			}
		}
	}
}

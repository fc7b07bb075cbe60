package rules

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/strazh/strazh/rules/normalize"
)

// trieAlphabet is what the random forms and buffers are made of: a few
// letters (so that forms share prefixes and the dag shares suffixes), a
// digit, a Latin letter and the space; forms also get Stars.
var trieAlphabet = []byte{0xE0, 0xE1, 0xE2, 0xE5, 0xFF, 'a', normalize.Number, normalize.Space}

// randomForms returns n forms of 1..maxLen bytes with their terms; star
// allows Stars inside and at the end.
func randomForms(r *rand.Rand, n, maxLen int, star bool) ([][]byte, []term) {
	var forms [][]byte
	var terms []term
	for i := range n {
		f := make([]byte, 1+r.IntN(maxLen))
		for k := range f {
			f[k] = trieAlphabet[r.IntN(len(trieAlphabet)-1)] // letters only...
			if k > 0 && r.IntN(6) == 0 {
				f[k] = normalize.Space // ...and a space inside now and then
			}
			if star && k > 0 && r.IntN(5) == 0 {
				f[k] = Star
			}
		}
		if r.IntN(8) == 0 && len(forms) > 0 { // the same form twice
			f = slices.Clone(forms[r.IntN(len(forms))])
		}
		forms = append(forms, f)
		terms = append(terms, term{lex: int32(r.IntN(4)), entry: int32(i), anchorEnd: r.IntN(3) == 0, exception: r.IntN(5) == 0})
	}
	return forms, terms
}

// randomBuf is a normalised buffer: a space, words of the alphabet
// separated by single spaces, a space.
func randomBuf(r *rand.Rand, n int) []byte {
	buf := []byte{normalize.Space}
	for len(buf) < n {
		for range 1 + r.IntN(7) {
			buf = append(buf, trieAlphabet[r.IntN(len(trieAlphabet)-1)])
		}
		buf = append(buf, normalize.Space)
	}
	return buf
}

// naiveEnds returns where form f, matched at buf[j:], ends, as the trie
// walks it: a Star stands for up to maxStar bytes, stopping at a space.
func naiveEnds(f []byte, buf []byte, j int, out []int) []int {
	if len(f) == 0 {
		return append(out, j)
	}
	if f[0] == Star {
		for k := j; k < len(buf) && k <= j+maxStar; k++ {
			out = naiveEnds(f[1:], buf, k, out)
			if buf[k] == normalize.Space {
				break
			}
		}
		return out
	}
	if j < len(buf) && buf[j] == f[0] {
		return naiveEnds(f[1:], buf, j+1, out)
	}
	return out
}

// naiveScan is every hit of the forms in buf, as trie.scan finds them, in
// no particular order.
func naiveScan(forms [][]byte, terms []term, buf []byte, anchored bool) []string {
	var out []string
	for i := 1; i < len(buf)-1; i++ {
		if buf[i] == normalize.Space || (anchored && buf[i-1] != normalize.Space) {
			continue
		}
		for fi, f := range forms {
			for _, end := range naiveEnds(f, buf, i, nil) {
				t := terms[fi]
				if t.anchorEnd && (end >= len(buf) || buf[end] != normalize.Space) {
					continue
				}
				out = append(out, hitKey(hit{t: &t, start: int32(i), end: int32(end)}))
			}
		}
	}
	return out
}

func hitKey(h hit) string {
	return fmt.Sprintf("%d-%d %d/%d/%v/%v src%d", h.start, h.end, h.t.lex, h.t.entry, h.t.anchorEnd, h.t.exception, h.src)
}

func hitKeys(hs []hit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hitKey(h)
	}
	return out
}

// TestTrie_Scan_AgreesWithNaive holds the trie (the dag with its children
// at base+class) to matching every form at every position, on random
// forms with shared prefixes and suffixes, spaces and Stars.
func TestTrie_Scan_AgreesWithNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 1))
	for round := range 300 {
		forms, terms := randomForms(r, 1+r.IntN(60), 1+r.IntN(7), round%2 == 1)
		b := newTrieBuilder()
		for i, f := range forms {
			b.add(f, terms[i])
		}
		tr := b.build()
		for range 10 {
			buf := randomBuf(r, 2+r.IntN(80))
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

// TestAutomaton_Scan_AgreesWithTrieWalks holds the one-pass scan (the
// automaton's table steps, with the anchored trie walked from the word
// starts it notes and the nodes visited after the walks) to walking each
// trie from every position: the same hits in the same order.
func TestAutomaton_Scan_AgreesWithTrieWalks(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 2))
	var sc scratch
	for round := range 300 {
		sforms, sterms := randomForms(r, 1+r.IntN(60), 1+r.IntN(7), round%2 == 1)
		aforms, aterms := randomForms(r, 1+r.IntN(30), 1+r.IntN(5), false)
		bs, ba, bw := newTrieBuilder(), newTrieBuilder(), newTrieBuilder()
		for i, f := range sforms {
			bs.add(f, sterms[i])
		}
		for i, f := range aforms {
			ba.add(f, aterms[i])
			bw.add(f, aterms[i])
		}
		ts, a, tw := bs.build(), newAutomaton(ba), bw.build()
		if a == nil {
			t.Fatalf("round %d: no automaton for %q", round, aforms)
		}
		for range 10 {
			buf := randomBuf(r, 2+r.IntN(120))
			var work int
			gotS, gotA := a.scan(buf, 1, ts, &sc, nil, nil, &work)
			wantS := ts.scan(buf, true, 1, nil, &work)
			wantA := tw.scan(buf, false, 1, nil, &work)
			if g, w := hitKeys(gotS), hitKeys(wantS); !slices.Equal(g, w) {
				t.Fatalf("round %d, buf %q, anchored forms %q:\n got %q\nwant %q", round, buf, sforms, g, w)
			}
			if g, w := hitKeys(gotA), hitKeys(wantA); !slices.Equal(g, w) {
				t.Fatalf("round %d, buf %q, inner forms %q:\n got %q\nwant %q", round, buf, aforms, g, w)
			}
		}
	}
}

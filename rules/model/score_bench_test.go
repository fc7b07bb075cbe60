package model

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strazh/strazh/rules/normalize"
)

// benchTexts are up to n corpus texts, normalised (the engine scores the
// normaliser's output); the benchmark skips without the corpus.
func benchTexts(b *testing.B, n int) [][]byte {
	b.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "corpus", "*.jsonl"))
	var out [][]byte
	var t normalize.Text
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<22)
		for k := 0; sc.Scan() && k < n/len(files); k++ {
			var r struct {
				Text string `json:"text"`
			}
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				t.Normalize(r.Text)
				out = append(out, append([]byte(nil), t.N...))
			}
		}
		fh.Close()
	}
	if len(out) == 0 {
		b.Skip("corpus not available")
	}
	return out
}

// BenchmarkModel_ScoreNormalized is the model's share of the engine's hot
// path: every label of the shipped model on normalised corpus texts.
func BenchmarkModel_ScoreNormalized(b *testing.B) {
	m := Shipped()
	texts := benchTexts(b, 6000)
	out := make([]float64, m.NumLabels())
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.ScoreNormalized(texts[i%len(texts)], out)
	}
}

// TestModel_GatherEdges_AgreesWithWalk checks the written-out feature
// walk of scoring bucket by bucket against featurizer.walk, for the
// shipped n-gram setting (unrolled) and others (the loop), with weights
// that differ per bucket so that any bucket missed, added or moved
// changes the integer sum.
func TestModel_GatherEdges_AgreesWithWalk(t *testing.T) {
	texts := [][]byte{
		[]byte(""), []byte(" "), []byte("а"), []byte(" а "), []byte(" аб "), []byte(" абв "), []byte(" абвг "),
		[]byte(" абвгд "), []byte(" абвгде "), []byte(" абвгдеж ж "), []byte("нет пробелов по краям"),
		[]byte(" " + strings.Repeat("я", 100) + " и " + strings.Repeat("ю", 41) + " "),
	}
	var nt normalize.Text
	for _, s := range []string{"Ну ТЫ и дурак, Вася!!! Заработок 5000₽ в лс t.me/x", "ё-моё х*й оченьдлинноесловобезпробелов"} {
		nt.Normalize(s)
		texts = append(texts, append([]byte(nil), nt.N...))
	}
	for _, cr := range [][2]int{{4, 6}, {1, 3}, {3, 5}, {2, 8}, {4, 4}, {5, 6}} {
		for wordN := 0; wordN <= 2; wordN++ {
			p := DefaultParams()
			p.Bits, p.CharMin, p.CharMax, p.WordNgrams = 12, cr[0], cr[1], wordN
			m := &Model{p: p, labels: []string{"x"}, bias: []float32{0}, scale: []float32{1}, q: make([]int16, 1<<p.Bits)}
			for b := range m.q {
				m.q[b] = int16(uint32(b)*2654435761>>16) | 1
			}
			m.init()
			for _, n := range texts {
				var want int64
				wantN := 0
				m.f.walk(n, func(b uint32, _, _, _ int) {
					want += int64(m.q[b])
					wantN++
				})
				var acc [maxLabels]int64
				got := m.gatherEdges(n, &acc)
				if got != wantN || acc[0] != want {
					t.Errorf("char %d..%d words %d %q: %d features summing to %d, walk gives %d summing to %d",
						cr[0], cr[1], wordN, normalize.Decode(n), got, acc[0], wantN, want)
				}
			}
		}
	}
}

// TestSums46_AgreesWithGatherEdges holds the one-pass scorer of the
// shipped shape to gatherEdges and accumulate, the written-out walk it
// replaces, on edge-case and random normalised texts, with weights that
// differ per bucket and label so that any feature missed, added or moved
// to another bucket or label changes a sum.
func TestSums46_AgreesWithGatherEdges(t *testing.T) {
	texts := [][]byte{
		[]byte(""), []byte(" "), []byte("а"), []byte(" а "), []byte(" аб "), []byte(" абв "), []byte(" абвг "),
		[]byte(" абвгд "), []byte(" абвгде "), []byte(" абвгдеж ж "), []byte("нет пробелов по краям"),
		[]byte(" " + strings.Repeat("я", 100) + " и " + strings.Repeat("ю", 41) + " "), []byte("  двойной  пробел  "),
	}
	var nt normalize.Text
	for _, s := range []string{"Ну ТЫ и дурак, Вася!!! Заработок 5000₽ в лс t.me/x", "ё-моё х*й оченьдлинноесловобезпробелов"} {
		nt.Normalize(s)
		texts = append(texts, append([]byte(nil), nt.N...))
	}
	r := rand.New(rand.NewPCG(4, 6))
	letters := []byte{0xE0, 0xE1, 0xEE, 0xFF, 'a', 'z', normalize.Number, normalize.Currency, normalize.Mask}
	for range 2000 {
		n := []byte{normalize.Space}
		for range r.IntN(12) {
			for range 1 + r.IntN(r.IntN(50)+1) {
				n = append(n, letters[r.IntN(len(letters))])
			}
			n = append(n, normalize.Space)
		}
		if r.IntN(10) == 0 {
			n = n[1:] // no space at the start
		}
		texts = append(texts, n)
	}
	for wordN := 0; wordN <= 2; wordN++ {
		p := DefaultParams()
		p.WordNgrams = wordN
		m := &Model{p: p, labels: []string{"a", "b"}, bias: []float32{0, 0}, scale: []float32{1, 1}, q: make([]int16, 2<<p.Bits)}
		for b := range m.q {
			m.q[b] = int16(uint32(b)*2654435761>>16) | 1
		}
		m.init()
		if !m.is46() {
			t.Fatalf("the default parameters are not the shipped shape: %+v", p)
		}
		for _, n := range texts {
			var acc [maxLabels]int64
			wantN := m.gatherEdges(n, &acc)
			a0, a1, got := sums46((*table46)(m.q), m.f.wordN, n)
			if got != wantN || a0 != acc[0] || a1 != acc[1] {
				t.Errorf("words %d %q: %d features summing to %d, %d; gatherEdges gives %d summing to %d, %d",
					wordN, normalize.Decode(n), got, a0, a1, wantN, acc[0], acc[1])
			}
		}
	}
}

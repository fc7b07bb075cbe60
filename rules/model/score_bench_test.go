package model

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
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

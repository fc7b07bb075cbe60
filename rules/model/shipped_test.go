package model

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestShipped_Reads(t *testing.T) {
	if err := ShippedErr(); err != nil {
		t.Fatalf("the embedded model is broken: %v", err)
	}
	m := Shipped()
	if got := m.Labels(); len(got) != len(ShippedLabels) || got[0] != ShippedLabels[0] || got[1] != ShippedLabels[1] {
		t.Errorf("shipped labels %v, want %v", got, ShippedLabels)
	}
	if n := len(shippedFile); n > 8<<20 {
		t.Errorf("shipped model is %d bytes, the limit is 8 MB", n)
	}
}

// TestShipped_Provenance checks that the shipped model was trained from
// the corpus with the shipped parameters (run `make model` when it fails).
// It needs ../shared/corpus: it skips without it, unless CI is set.
func TestShipped_Provenance(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	var ex []Example
	for _, f := range ShippedSources {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			if os.Getenv("CI") == "" {
				t.Skipf("corpus not available: %v", err)
			}
			t.Fatal(err)
		}
		e, err := ReadExamples(fh, f)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		ex = append(ex, e...)
	}
	info := Shipped().Info()
	if got, want := info.DataHash, DataHash(ex); got != want {
		t.Errorf("shipped model's data hash %.12s, the corpus hashes to %.12s: run make model", got, want)
	}
	if got, want := info.ParamsHash, ShippedParams().Hash(); got != want {
		t.Errorf("shipped model's params hash %.12s, ShippedParams hash to %.12s: run make model", got, want)
	}
	if got, want := info.Features, Shipped().FeaturesDigest(); got != want {
		t.Errorf("shipped model's features %.12s, this code computes %.12s: the feature code changed, run make model", got, want)
	}
	if got, want := info.DataFeatures, Shipped().DataFeaturesDigest(ex); got != want {
		t.Errorf("shipped model's data features %.12s, this code computes %.12s from the corpus: the normaliser or the features changed, run make model", got, want)
	}
	if info.Format != formatVersion {
		t.Errorf("shipped model has format %d, this code writes %d: run make model", info.Format, formatVersion)
	}
}

// BenchmarkRead is the memory of a model in the daemon: B/op is what
// reading the shipped model allocates (the weights and the header).
func BenchmarkRead(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(shippedFile)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(shippedFile)), "file_bytes")
}

// BenchmarkTrain_Corpus trains the shipped model's labels on the corpus
// (about 63,000 rows) without the k-fold: one op is one training. Run it
// with -benchtime=1x.
func BenchmarkTrain_Corpus(b *testing.B) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	var ex []Example
	for _, f := range ShippedSources {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			b.Skipf("corpus not available: %v", err)
		}
		e, err := ReadExamples(fh, f)
		fh.Close()
		if err != nil {
			b.Fatal(err)
		}
		ex = append(ex, e...)
	}
	p := DefaultParams()
	for b.Loop() {
		if _, err := Train(ex, ShippedLabels, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ex)), "rows")
}

// BenchmarkModel_Adapt adapts the shipped model to 2,000 page decisions.
func BenchmarkModel_Adapt(b *testing.B) {
	m := Shipped()
	page := make([]Example, 2000)
	for i := range page {
		page[i] = Example{Text: "комментарий номер " + strconv.Itoa(i) + " про дороги и дворы", Scope: []string{"toxic"}}
		if i%3 == 0 {
			page[i].Labels = []string{"toxic"}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Adapt(page, AdaptParams{}); err != nil {
			b.Fatal(err)
		}
	}
}

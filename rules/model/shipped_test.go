package model

import (
	"os"
	"path/filepath"
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
	if info.Format != formatVersion {
		t.Errorf("shipped model has format %d, this code writes %d: run make model", info.Format, formatVersion)
	}
}

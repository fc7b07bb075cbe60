package store

import (
	"bytes"
	"testing"
)

// FuzzDecodeDecision: any stored bytes decode to a decision or an error,
// never a panic (a corrupt record must not take the daemon down), and a
// decoded decision encodes to a record that decodes to the same encoding.
func FuzzDecodeDecision(f *testing.F) {
	f.Fuzz(func(t *testing.T, v []byte) {
		d, err := decodeDecision(v)
		if err != nil {
			return
		}
		enc := appendDecision(nil, d)
		d2, err := decodeDecision(enc)
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if enc2 := appendDecision(nil, d2); !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding not stable:\n%x\n%x", enc, enc2)
		}
	})
}

package store

import (
	"strings"
	"testing"
)

func BenchmarkFolder_All(b *testing.B) {
	raw := []byte(strings.Repeat("Когда уже отремонтируют дорогу на улице Ленина, дом 4242? Обращаемся третий раз. ", 2) + "Житель 42")
	n := newFolder([]string{"редкоеслово"})
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if n.all(raw) {
			b.Fatal("found")
		}
	}
}

package rules

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/strazh/strazh/rules/normalize"
)

// TestPlainLower_AgreesWithNormalize holds the start-up's fast path for
// lexicon pieces to Normalize: wherever plainLower takes a piece, its
// bytes are Normalize's N without the outer spaces.
func TestPlainLower_AgreesWithNormalize(t *testing.T) {
	var nt normalize.Text
	check := func(s string) bool {
		t.Helper()
		got, ok := plainLower(s, nil)
		if !ok {
			return false
		}
		nt.Normalize(s)
		if want := trim(nt.N); string(got) != string(want) {
			t.Fatalf("plainLower(%q) = %q, Normalize gives %q", s, normalize.Decode(got), normalize.Decode(want))
		}
		return true
	}
	fixed := []struct {
		s  string
		ok bool
	}{
		{"слово", true}, {"хуууй", true}, {"а", true}, {"я", true}, {"п", true}, {"р", true},
		{"ссс", false}, {"сссора", false}, {"ссора", false}, {"ссылка", false}, {"с", true}, {"сказ", true},
		{"ёлка", true}, {"всё её", true}, {"Ёлка", false}, {"Слово", false}, {"слoво", false}, {"сл0во", false},
		{"два слова", true}, {"", false}, {" слово", true}, {"слово ", true}, {" ", false}, {"кто у нас", true}, {"а б слово", true}, {"х у й", false}, {"х у йй", false}, {"а и б в", false}, {"слово  слово", false}, {"слово ссора", false}, {"слово\tслово", false}, {"слово-", false}, {"й", true},
		{"\xd1", false}, {"сл\xd1", false}, {"сло\u0301во", false}, {"сло\u200bво", false}, {"іти", false},
	}
	for _, c := range fixed {
		if got := check(c.s); got != c.ok {
			t.Errorf("plainLower(%q) took it: %v, want %v", c.s, got, c.ok)
		}
	}
	// random words over troublesome pieces: every letter of а..я, ё, upper
	// case, Latin and digit look-alikes, marks, invisible and broken bytes
	var pieces []string
	for r := 'а'; r <= 'я'; r++ {
		pieces = append(pieces, string(r), string(r), string(r))
	}
	pieces = append(pieces, "ё", "Ё", "А", "Я", "С", "сс", "ссс", "o", "x", "H", "0", "3", "6", "1", "\u0301",
		"\u200b", "\xd1", "\xd0", "\xd0\x80", "\xd1\x90", "\xd1\x9f", " ", " ", " ", " ", "-", ".", "*", "@", "і", "ѕ", "ο")
	rng := rand.New(rand.NewPCG(9, 2))
	taken := 0
	for range 50000 {
		var b strings.Builder
		for n := 1 + rng.IntN(12); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if check(b.String()) {
			taken++
		}
	}
	if taken < 1000 {
		t.Fatalf("plainLower took only %d of 50,000 random words: the test proves little", taken)
	}
}

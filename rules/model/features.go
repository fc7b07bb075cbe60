package model

import (
	"github.com/strazh/strazh/rules/normalize"
)

// Features are hashed n-grams of the normalised text (rules/normalize):
// character n-grams of every word with the spaces around it, so a stem
// (" дур") and an ending ("ака ") are features of their own, and the words
// and word pairs. Each n-gram's FNV-1a hash, mixed, picks one of 2^Bits
// buckets; character and word n-grams hash with different seeds.
//
// With Params.Inner false (the default) a character n-gram must touch an
// edge of its word: stems and endings, not pieces from inside. A piece
// from inside is how a model learns мат from "скипидар" or "сабля": the
// rule engine's lexicons do that job with their exceptions, and a model
// that does it too only adds false alarms on innocent words.

const (
	fnvOffset = 0xcbf29ce484222325
	fnvPrime  = 0x100000001b3
	mix       = 0x9E3779B97F4A7C15
	seedWord  = 0x517cc1b727220a95 // word n-grams live apart from char n-grams
	seedPair  = 0x2545F4914F6CDD1D
	seedEnd   = 0x9FB21C651E98DF25 // endings, hashed backwards
)

// maxWord caps the letters of one word that give character n-grams: a
// 2,000-letter run of noise costs no more than a long word.
const maxWord = 40

// Kinds of feature, for Explain.
const (
	kindChar = iota
	kindWord
	kindPair
)

// featurizer holds the hashing settings of a model.
type featurizer struct {
	bits             uint
	charMin, charMax int
	wordN            int
	inner            bool
	minFeatures      int
}

func (f *featurizer) bucket(h uint64) uint32 {
	return uint32((h * mix) >> (64 - f.bits))
}

func hashBytes(h uint64, b []byte) uint64 {
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h
}

// walk calls fn with every feature of n (a normalize.Text.N: " word word "),
// in text order: its bucket, its kind and the span of n it covers (for a
// pair, from the first word's start to the second's end). Model.logits is
// the same walk written out for speed; TestFeatures_LogitsAgree keeps them
// together.
func (f *featurizer) walk(n []byte, fn func(b uint32, kind, s, e int)) {
	var prev uint64
	prevStart := 0
	havePrev := false
	for i := 0; i < len(n); {
		if n[i] == normalize.Space {
			i++
			continue
		}
		j := i
		for j < len(n) && n[j] != normalize.Space {
			j++
		}
		a, b := wordSpan(n, i, j)
		if f.inner {
			for s := a; s < b; s++ {
				h := uint64(fnvOffset)
				for k := s; k < b && k-s < f.charMax; k++ {
					h = (h ^ uint64(n[k])) * fnvPrime
					if k-s+1 >= f.charMin {
						fn(f.bucket(h), kindChar, s, k+1)
					}
				}
			}
		} else {
			// stems: from the word's start
			h := uint64(fnvOffset)
			for k := a; k < b && k-a < f.charMax; k++ {
				h = (h ^ uint64(n[k])) * fnvPrime
				if k-a+1 >= f.charMin {
					fn(f.bucket(h), kindChar, a, k+1)
				}
			}
			// endings: up to the word's end (the whole word was a stem),
			// hashed from the end backwards so one pass gives them all
			h = seedEnd
			for k := b - 1; k >= a+1 && b-k <= f.charMax; k-- {
				h = (h ^ uint64(n[k])) * fnvPrime
				if b-k >= f.charMin {
					fn(f.bucket(h), kindChar, k, b)
				}
			}
		}
		if f.wordN >= 1 {
			h := hashBytes(seedWord, n[i:j])
			fn(f.bucket(h), kindWord, i, j)
			if f.wordN >= 2 && havePrev {
				fn(f.bucket((prev*seedPair^h)*fnvPrime), kindPair, prevStart, j)
			}
			prev, prevStart, havePrev = h, i, true
		}
		i = j
	}
}

// wordSpan widens the word n[i:j] by the spaces around it (N always has
// them; be safe at the edges) and caps it at maxWord letters.
func wordSpan(n []byte, i, j int) (a, b int) {
	a, b = i-1, j+1
	if a < 0 {
		a = i
	}
	if b > len(n) {
		b = j
	}
	if b-a > maxWord+2 {
		b = a + maxWord + 2
	}
	return a, b
}

// appendBuckets appends the buckets of n to dst.
func (f *featurizer) appendBuckets(dst []uint32, n []byte) []uint32 {
	f.walk(n, func(b uint32, _, _, _ int) { dst = append(dst, b) })
	return dst
}

// describe is a feature's readable text.
func describe(n []byte, kind, s, e int) string {
	switch kind {
	case kindWord:
		return "слово " + normalize.Decode(n[s:e])
	case kindPair:
		return "слова " + normalize.Decode(n[s:e])
	}
	return "«" + normalize.Decode(n[s:e]) + "»"
}

package model

import (
	"github.com/strazh/strazh/rules/normalize"
)

// Features are hashed n-grams of the normalised text (rules/normalize): the
// character n-grams of every word with the spaces around it (" дур", "рак "),
// so a prefix or an ending is a feature of its own, and the words and word
// pairs. Each n-gram's FNV-1a hash, mixed, picks one of 2^Bits buckets;
// character and word n-grams hash with different seeds.

const (
	fnvOffset = 0xcbf29ce484222325
	fnvPrime  = 0x100000001b3
	mix       = 0x9E3779B97F4A7C15
	seedWord  = 0x51_7c_c1_b7_27_22_0a_95 // word n-grams live apart from char n-grams
	seedPair  = 0x2545_F491_4F6C_DD1D
)

// maxWord caps the letters of one word that give character n-grams: a
// 2,000-letter run of noise costs no more than a long word.
const maxWord = 40

// featurizer holds the hashing settings of a model.
type featurizer struct {
	bits             uint
	charMin, charMax int
	wordN            int
}

func (f *featurizer) bucket(h uint64) uint32 {
	return uint32((h * mix) >> (64 - f.bits))
}

// each calls fn with the bucket of every feature of n (a normalize.Text.N:
// " word word "), in text order. It allocates nothing.
func (f *featurizer) each(n []byte, fn func(b uint32)) {
	var prev uint64
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
		// the word is n[i:j]; with its spaces, n[i-1:j+1] (N always has
		// them, but be safe at the edges)
		a, b := i-1, j+1
		if a < 0 {
			a = i
		}
		if b > len(n) {
			b = j
		}
		if b-a > maxWord+2 {
			b = a + maxWord + 2
		}
		for s := a; s < b; s++ {
			h := uint64(fnvOffset)
			for k := s; k < b && k-s < f.charMax; k++ {
				h = (h ^ uint64(n[k])) * fnvPrime
				if k-s+1 >= f.charMin {
					fn(f.bucket(h))
				}
			}
		}
		if f.wordN >= 1 {
			h := uint64(seedWord)
			for k := i; k < j; k++ {
				h = (h ^ uint64(n[k])) * fnvPrime
			}
			fn(f.bucket(h))
			if f.wordN >= 2 && havePrev {
				fn(f.bucket((prev*seedPair ^ h) * fnvPrime))
			}
			prev, havePrev = h, true
		}
		i = j
	}
}

// named is one feature with the text it stands for (for Explain).
type named struct {
	text string
	b    uint32
}

// eachNamed is each with the n-gram's readable text; it allocates.
func (f *featurizer) eachNamed(n []byte, fn func(named)) {
	var prevWord string
	var prev uint64
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
		a, b := i-1, j+1
		if a < 0 {
			a = i
		}
		if b > len(n) {
			b = j
		}
		if b-a > maxWord+2 {
			b = a + maxWord + 2
		}
		for s := a; s < b; s++ {
			h := uint64(fnvOffset)
			for k := s; k < b && k-s < f.charMax; k++ {
				h = (h ^ uint64(n[k])) * fnvPrime
				if k-s+1 >= f.charMin {
					fn(named{text: "«" + normalize.Decode(n[s:k+1]) + "»", b: f.bucket(h)})
				}
			}
		}
		if f.wordN >= 1 {
			h := uint64(seedWord)
			for k := i; k < j; k++ {
				h = (h ^ uint64(n[k])) * fnvPrime
			}
			w := normalize.Decode(n[i:j])
			fn(named{text: "слово " + w, b: f.bucket(h)})
			if f.wordN >= 2 && havePrev {
				fn(named{text: "слова " + prevWord + " " + w, b: f.bucket((prev*seedPair ^ h) * fnvPrime)})
			}
			prev, prevWord, havePrev = h, w, true
		}
		i = j
	}
}

// appendBuckets appends the buckets of n to dst.
func (f *featurizer) appendBuckets(dst []uint32, n []byte) []uint32 {
	f.each(n, func(b uint32) { dst = append(dst, b) })
	return dst
}

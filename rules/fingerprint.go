package rules

import (
	"github.com/strazh/strazh/moderation"
)

// shingle is the length in normalised bytes of the pieces a fingerprint is
// made of; texts shorter than minFingerprint get none (too short to call
// two of them copies).
const (
	shingle        = 5
	minFingerprint = 16
)

// fingerprint is a MinHash sketch of the normalised text (one-permutation
// hashing): every 5-byte shingle is hashed once (one multiplication:
// Fibonacci hashing, whose top bits mix all 40 bits of the shingle), the
// top three bits pick one of eight slots and each slot keeps its smallest
// value. Two texts
// share a slot with probability close to the Jaccard similarity of their
// shingle sets, so it survives reordered words, homoglyphs and padding.
func fingerprint(n []byte) moderation.Fingerprint {
	var fp moderation.Fingerprint
	if len(n) < minFingerprint {
		return fp
	}
	for i := range fp {
		fp[i] = ^uint32(0)
	}
	x := uint64(n[0])<<24 | uint64(n[1])<<16 | uint64(n[2])<<8 | uint64(n[3])
	mask, mul := fpMask, fpMul // variables: the loop keeps them in registers
	for _, b := range n[shingle-1:] {
		x = x<<8 | uint64(b)
		h := (x & mask) * mul
		// min, not a branch: whether a shingle lowers its slot is a coin
		// toss the branch predictor loses
		fp[h>>61] = min(fp[h>>61], uint32(h>>29))
	}
	for i := range fp {
		if fp[i] == 0 {
			fp[i] = 1 // zero means "no fingerprint"
		}
	}
	return fp
}

// fpMask and fpMul are fingerprint's shingle mask (40 bits) and multiplier
// as variables: Go remakes a 64-bit constant in every step of a loop.
var fpMask, fpMul uint64 = 0xFFFFFFFFFF, 0x9E3779B97F4A7C15

package rules

import (
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/normalize"
)

// shingle is the length in normalised bytes of the pieces a fingerprint is
// made of; texts shorter than minFingerprint get none (too short to call
// two of them copies).
const (
	shingle        = 5
	minFingerprint = 16
)

// fingerprint is a MinHash sketch of the normalised text: for each of eight
// hash functions the smallest hash over all 5-byte shingles. Two texts
// share a slot with probability equal to the Jaccard similarity of their
// shingle sets, so it survives reordered words, homoglyphs and padding.
func fingerprint(n []byte) moderation.Fingerprint {
	var fp moderation.Fingerprint
	if len(n) < minFingerprint {
		return fp
	}
	for i := range fp {
		fp[i] = ^uint32(0)
	}
	var x uint64
	for i, b := range n {
		x = x<<8 | uint64(b)
		if i < shingle-1 {
			continue
		}
		base := (x & 0xFFFFFFFFFF) * 0x9E3779B97F4A7C15
		base ^= base >> 29
		for k := range fp {
			h := uint32((base*mult[k] + add[k]) >> 32)
			if h < fp[k] {
				fp[k] = h
			}
		}
	}
	for i := range fp {
		if fp[i] == 0 {
			fp[i] = 1 // zero means "no fingerprint"
		}
	}
	_ = normalize.Space
	return fp
}

var mult = [8]uint64{0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93, 0xA0761D6478BD642F,
	0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3, 0x1D8E4E27C47D124F}
var add = [8]uint64{0x2545F4914F6CDD1D, 0x9E3779B97F4A7C15, 0x632BE59BD9B4E019, 0x85EBCA77C2B2AE63,
	0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5, 0xFF51AFD7ED558CCD}

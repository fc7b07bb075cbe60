package rules

import (
	"math"
	"strconv"
)

// appendFixed2 is strconv.AppendFloat(b, v, 'f', 2, 64), written out for a
// score (0 ≤ v ≤ 1): every reviewed comment's reason carries its scores,
// and strconv's general path cost ≈ 1,000 instructions a number. v is
// mant/2^s exactly; its hundredths are rounded to nearest, ties to even,
// as strconv rounds the exact value (TestAppendFixed2_AgreesWithStrconv).
func appendFixed2(b []byte, v float64) []byte {
	if !(v >= 0 && v <= 1) || math.Signbit(v) {
		return strconv.AppendFloat(b, v, 'f', 2, 64)
	}
	bits := math.Float64bits(v)
	exp := int(bits >> 52)
	var n uint64
	if exp != 0 { // zero and subnormals are 0.00
		mant := bits&(1<<52-1) | 1<<52
		s := uint(1075 - exp)        // ≥ 52, as v ≤ 1
		if x := mant * 100; s < 64 { // x < 2^60: for s ≥ 64 under half a hundredth
			n = x >> s
			r, half := x&(1<<s-1), uint64(1)<<(s-1)
			if r > half || r == half && n&1 == 1 {
				n++
			}
		}
	}
	return append(b, byte('0'+n/100), '.', byte('0'+n/10%10), byte('0'+n%10))
}

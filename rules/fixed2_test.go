package rules

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestAppendFixed2_AgreesWithStrconv holds the score formatter to
// strconv.AppendFloat(…, 'f', 2, 64) on the values around every rounding
// boundary (k/200 and its neighbours a few ulps away, exact ties such as
// 0.125), random scores, the ends and what it leaves to strconv.
func TestAppendFixed2_AgreesWithStrconv(t *testing.T) {
	vals := []float64{0, 1, math.Copysign(0, -1), 0.005, 0.015, 0.125, 0.375, 0.625, 0.875, 0.995, 0.9999999,
		math.SmallestNonzeroFloat64, 1e-300, 1e-20, 0x1p-60, 0x1p-64, 0x1p-65, 1.0000001, -0.5, 2, 123.456, math.NaN(), math.Inf(1)}
	for k := 0; k <= 200; k++ {
		v := float64(k) / 200
		vals = append(vals, v)
		for d, u, w := 0, v, v; d < 4; d++ {
			u, w = math.Nextafter(u, 0), math.Nextafter(w, 2)
			vals = append(vals, u, w)
		}
	}
	r := rand.New(rand.NewPCG(2, 9))
	for range 200000 {
		vals = append(vals, r.Float64(), math.Float64frombits(r.Uint64()>>2)) // the second: any exponent up to 1
	}
	for _, v := range vals {
		want := string(strconv.AppendFloat([]byte("x "), v, 'f', 2, 64))
		if got := string(appendFixed2([]byte("x "), v)); got != want {
			t.Fatalf("%v (%#x): %q, strconv %q", v, math.Float64bits(v), got, want)
		}
	}
}

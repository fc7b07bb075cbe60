package learn

import "testing"

// sample makes n examples at score s, pos of them positive.
func sample(s float64, n, pos int) []scored {
	out := make([]scored, n)
	for i := range out {
		out[i] = scored{s: s, pos: i < pos}
	}
	return out
}

func cat(parts ...[]scored) []scored {
	var out []scored
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestDeleteFrom(t *testing.T) {
	cases := []struct {
		name string
		xs   []scored
		want float64
	}{
		{"pure top, noisy middle", cat(sample(0.97, 60, 60), sample(0.8, 40, 20), sample(0.1, 100, 0)), 0.97},
		{"the middle still keeps 99 %", cat(sample(0.97, 100, 100), sample(0.8, 50, 49), sample(0.1, 100, 0)), 0.8},
		{"too few on top", cat(sample(0.97, 30, 30), sample(0.1, 100, 0)), 0},
		{"never below 0.5", cat(sample(0.97, 100, 100), sample(0.4, 100, 100)), 0.97},
		{"a clean one just below the pure top stays out", cat(sample(0.99, 59, 59), sample(0.98, 1, 0)), 0.99},
		{"a clean one inside the top", cat(sample(0.99, 40, 40), sample(0.985, 1, 0), sample(0.98, 19, 19)), 0},
	}
	for _, c := range cases {
		if got := deleteFrom(c.xs); got != c.want {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
}

func TestKeepBelow(t *testing.T) {
	cases := []struct {
		name string
		xs   []scored
		want float64
	}{
		{"clean bottom", cat(sample(0.02, 60, 0), sample(0.2, 40, 20), sample(0.9, 100, 100)), 0.2},
		{"too few at the bottom", cat(sample(0.02, 30, 0), sample(0.2, 40, 20)), 0},
		{"never above 0.5", cat(sample(0.02, 100, 0), sample(0.45, 100, 0), sample(0.7, 100, 0)), 0.5},
		{"a rude one at the very bottom", cat(sample(0.01, 1, 1), sample(0.02, 49, 0), sample(0.3, 10, 10)), 0},
	}
	for _, c := range cases {
		if got := keepBelow(c.xs); got != c.want {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
}

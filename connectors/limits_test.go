package connectors_test

import (
	"testing"
	"time"

	"github.com/strazh/strazh/connectors"
)

func TestLimiters_For(t *testing.T) {
	var l connectors.Limiters
	first := l.For("token-1", 3, time.Second)
	// In order: each step sees the set the steps before left.
	steps := []struct {
		name  string
		token string
		n     int
		same  bool    // the bucket of the first call
		want  float64 // requests per second after the call
	}{
		{"same token, same bucket, the lower rate kept", "token-1", 20, true, 3},
		{"another token, another bucket", "token-2", 20, false, 20},
		{"a stricter limit lowers the shared rate", "token-1", 1, true, 1},
	}
	for _, s := range steps {
		got := l.For(s.token, s.n, time.Second)
		if (got == first) != s.same {
			t.Errorf("%s: same bucket %v, want %v", s.name, got == first, s.same)
		}
		if r := float64(got.Limit()); r < s.want*0.999 || r > s.want*1.001 {
			t.Errorf("%s: %.3f requests per second, want %v", s.name, r, s.want)
		}
	}
	if l.Len() != 2 {
		t.Errorf("%d buckets, want 2", l.Len())
	}
	var none *connectors.Limiters
	x, y := none.For("token-1", 3, time.Second), none.For("token-1", 3, time.Second)
	if x == y {
		t.Error("a nil set shared a bucket")
	}
}

package max

import (
	"testing"
)

// FuzzDecodeCursor: whatever is stored, decoding does not panic, and a
// decoded cursor encodes to one that decodes to the same.
func FuzzDecodeCursor(f *testing.F) {
	f.Add([]byte(`{"v":1,"marker":5,"posts":[{"mid":"mid.1","t":10,"after":12,"at":["mid.2"]}],"blacklist":{"777":0}}`))
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cur, err := decodeCursor(raw)
		if err != nil {
			return
		}
		again, err := decodeCursor(cur.encode())
		if err != nil || string(again.encode()) != string(cur.encode()) {
			t.Fatalf("round trip: %v %s vs %s", err, again.encode(), cur.encode())
		}
	})
}

func TestCursor_AddPost_NewestFirstBounded(t *testing.T) {
	var c cursor
	for _, tm := range []int64{5, 1, 9, 3, 9} {
		c.addPost(postPos{Mid: string(rune('a' + tm)), Time: tm}, 3)
	}
	var got []int64
	for _, p := range c.Posts {
		got = append(got, p.Time)
	}
	if len(got) != 3 || got[0] != 9 || got[1] != 5 || got[2] != 3 {
		t.Fatalf("posts by time %v, want [9 5 3]", got)
	}
}

func TestPostPos_Known(t *testing.T) {
	p := postPos{}
	p.see(10, "a")
	p.see(10, "b")
	p.see(8, "z")
	for _, tc := range []struct {
		ts   int64
		mid  string
		want bool
	}{{9, "x", true}, {10, "a", true}, {10, "b", true}, {10, "c", false}, {11, "d", false}} {
		if got := p.known(tc.ts, tc.mid); got != tc.want {
			t.Errorf("known(%d, %s) = %v", tc.ts, tc.mid, got)
		}
	}
}

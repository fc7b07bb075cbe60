package meta

import (
	"fmt"
	"maps"
	"strings"
	"testing"
)

// TestCursor_Packed_RoundTrip: what was seen of a post survives encode
// and decode, pruned to the newest keepPerPost, and the file stays small.
func TestCursor_Packed_RoundTrip(t *testing.T) {
	p := &postState{ID: "1010_3", Time: 1_796_000_000, URL: "https://www.facebook.com/1010_3"}
	for i := range 60 {
		p.see(fmt.Sprintf("3_%d", i), uint64(1000+i), p.Time+int64(i))
	}
	cur := cursor{V: cursorVersion, Posts: []*postState{p}, Inbox: 7}
	raw := cur.encode()
	back, err := decodeCursor(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := back.Posts[0]
	if !maps.Equal(q.Seen, p.Seen) || q.Low != p.Low || q.ID != p.ID || back.Inbox != 7 || len(q.Seen) != keepPerPost {
		t.Fatalf("round trip: %d seen, low %d (want %d, %d)", len(q.Seen), q.Low, len(p.Seen), p.Low)
	}
	if s, ok := q.known("3_59", p.Time+59); !ok || s.V != 1059 {
		t.Errorf("newest comment: %+v %v", s, ok)
	}
	if _, ok := q.known("3_60", p.Time+60); ok {
		t.Error("a comment never seen is known")
	}
	if _, ok := q.known("3_1", p.Time+1); !ok {
		t.Error("a pruned older comment must count as read (Low)")
	}
	if perComment := len(raw) / keepPerPost; perComment > 16 {
		t.Errorf("%d bytes a comment in the cursor (%d in all), want at most 16", perComment, len(raw))
	}
}

// TestCursor_Decode_Version1: a cursor written before the packing is read
// (its comments stay known) and written back in the new form.
func TestCursor_Decode_Version1(t *testing.T) {
	v1 := `{"v":1,"p":[{"id":"1010_3","t":1796000000,"s":{"3_12":{"v":43288475,"d":1796000005}},"l":1796000001}],"i":3}`
	cur, err := decodeCursor([]byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	p := cur.Posts[0]
	if s, ok := p.known("3_12", 1796000005); !ok || s.V != 43288475 || s.D != 1796000005 {
		t.Fatalf("version 1 comment: %+v %v", s, ok)
	}
	out := string(cur.encode())
	if !strings.Contains(out, `"v":2`) || strings.Contains(out, `"s":`) || !strings.Contains(out, `"k":`) {
		t.Fatalf("written back as %s", out)
	}
}

func TestCursor_Decode_Corrupt(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{`{"v":2,"p":[{"id":"1010_3","t":1,"k":"@@"}]}`, "post 0 (1010_3): seen comments"},
		{`{"v":2,"p":[{"id":"1010_3","t":1,"k":"AAAA"}]}`, "bytes left over"},
		{`{"v":3}`, "unknown version 3"},
		{`{"v":2,"p":[null]}`, "empty post"},
	} {
		if _, err := decodeCursor([]byte(tc.raw)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.raw, err, tc.want)
		}
	}
}

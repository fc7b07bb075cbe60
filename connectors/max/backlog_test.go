package max

import (
	"fmt"
	"testing"

	"github.com/strazh/strazh/connectors/max/maxtest"
)

// TestConnector_Fetch_BurstOverACycle: more new comments under a post than
// one cycle reads (a raid of bots, or hours of downtime under a hot post)
// are all read, the rest in the next cycles, each once. Before, a cycle
// read the newest 500, moved the post's position past them and the older
// new ones were never read: never moderated, never recorded.
func TestConnector_Fetch_BurstOverACycle(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	post := f.AddPost("горячая тема")
	c := connected(t, f, "a")
	d := &driver{t: t, c: c}
	f.AddComment(post, 500, "u", "до налёта")
	if got := texts(d.cycle()); !got["до налёта"] {
		t.Fatalf("first cycle %v", got)
	}
	const n = 730
	for i := range n {
		f.AddComment(post, int64(1000+i), "u", fmt.Sprint("налёт ", i))
	}
	seen := map[string]int{}
	for range 4 {
		for _, u := range d.cycle() {
			seen[u.Comment.Text]++
		}
	}
	for i := range n {
		if k := fmt.Sprint("налёт ", i); seen[k] != 1 {
			t.Fatalf("%q read %d times, want once (read %d of %d)", k, seen[k], len(seen), n)
		}
	}
	if seen["до налёта"] != 0 {
		t.Fatalf("the comment before the raid read again")
	}
	// A new comment after the burst is read as usual.
	f.AddComment(post, 501, "u", "после")
	if got := texts(d.cycle()); !got["после"] || len(got) != 1 {
		t.Fatalf("after the burst %v", got)
	}
}

// TestConnector_Fetch_BurstOverARestart: the rest of a burst is in the
// cursor, so a restart between its cycles reads it too.
func TestConnector_Fetch_BurstOverARestart(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	post := f.AddPost("горячая тема")
	d := &driver{t: t, c: connected(t, f, "a")}
	d.cycle()
	const n = 730
	for i := range n {
		f.AddComment(post, int64(1000+i), "u", fmt.Sprint("налёт ", i))
	}
	seen := texts(d.cycle())
	if len(seen) >= n {
		t.Fatalf("one cycle read all %d: no burst to carry", len(seen))
	}
	d.c = connected(t, f, "a") // a restart with the saved cursor
	for range 3 {
		for k := range texts(d.cycle()) {
			seen[k] = true
		}
	}
	for i := range n {
		if k := fmt.Sprint("налёт ", i); !seen[k] {
			t.Fatalf("%q never read (read %d of %d)", k, len(seen), n)
		}
	}
}

package ok

import (
	"context"
	"testing"
)

// TestConnector_Fetch_NumericIDs: topics, authors and users given as JSON
// numbers rather than strings (OK's id types are unverified; §2.3 shows
// strings) are read. Before, one such id made the whole answer
// unreadable, every cycle failed on it, and the account moderated
// nothing.
func TestConnector_Fetch_NumericIDs(t *testing.T) {
	f, tok := newFake(t)
	f.SetNumericIDs(true)
	c := newConn(t, f, "ok-a", tok, nil)
	if err := c.Connect(context.Background()); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	topic := f.AddTopic(testGID)
	f.AddComment(topic, "5810", "когда починят дорогу?")
	d := newDriver(t, c, nil)
	d.Fetch()
	got := d.Find("когда починят дорогу?")
	if len(got) != 1 {
		t.Fatalf("the comment read %d times, want 1 (%d updates)", len(got), len(d.All))
	}
	cm := got[0].Comment
	if cm.PostID != topic || cm.Author.ID != "5810" || cm.Author.Name != "Иван Петров" {
		t.Fatalf("read as post %q, author %q %q", cm.PostID, cm.Author.ID, cm.Author.Name)
	}
}

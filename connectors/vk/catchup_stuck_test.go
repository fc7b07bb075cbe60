package vk

import (
	"context"
	"testing"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

// TestConnector_Fetch_CatchUpFailsOnAndOn: a catch-up that fails again and
// again with an error that looks transient (a code VK does not list, such
// as 200 "access to album denied" on a community whose photos are closed;
// an endless outage of one method) no longer keeps the long poll from
// being read. Every Fetch started with the owed catch-up and returned its
// error, so the page's new comments were never read: after max_retries
// failures in a row the connector reads on and keeps the gap for later.
func TestConnector_Fetch_CatchUpFailsOnAndOn(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	post := f.AddPost("пост")
	f.AddComment(post, 501, "до перезапуска")
	d.Until("the first comment", d.Has("до перезапуска"))
	_ = c.Close(context.Background())

	// A restart owes a catch-up; its photo part fails on and on.
	f.Fail("photos.getAllComments", 200, 1<<20)
	c = newConn(t, f, nil)
	connect(t, c)
	f.AddComment(post, 502, "после перезапуска")
	cur := d.Cur
	var got []moderation.Update
	for i := 0; i < 20 && len(got) == 0; i++ {
		ups, next, err := c.Fetch(context.Background(), cur)
		if err != nil {
			if moderation.Classify(err) != moderation.ClassRetry {
				t.Fatalf("Fetch %d: %v", i, err)
			}
			continue
		}
		cur, got = next, append(got, ups...)
	}
	if len(got) == 0 || got[len(got)-1].Comment.Text != "после перезапуска" {
		t.Fatalf("read %+v while the catch-up kept failing, want the new comment", got)
	}
	if cu, _ := decodeCursor(cur); cu.Gap == nil {
		t.Error("the gap of the failed catch-up was not kept")
	}
}

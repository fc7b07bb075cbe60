package meta

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/meta/metatest"
)

// TestConnector_Fetch_FeedCursorRepeats: a feed whose next page repeats
// the cursor it was asked with, or lists a post again (a pinned post on
// every page), is read once per post. Before, the listing followed the
// same cursor until recent_posts entries (100 requests a cycle), the
// cursor held the post that many times, each copy read its comments, and
// the first cycle delivered every comment once per copy.
func TestConnector_Fetch_FeedCursorRepeats(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			post := addPost(f, network, "Пост")
			f.AddComment(post, "", "501", "Иван", "вопрос про дорогу")
			path, field, tf := metatest.PageID+"/feed", "message", "created_time"
			if network == Instagram {
				path, field, tf = metatest.IGUserID+"/media", "caption", "timestamp"
			}
			body := fmt.Sprintf(`{"data":[{"id":%q,%q:"Пост",%q:%q}],"paging":{"cursors":{"after":"same"},"next":"https://graph.facebook.com/v25.0/x?after=same"}}`,
				post, field, tf, time.Now().UTC().Format(graphTime))
			f.Answer(path, 1<<20, body)
			c := newConn(t, f, network, "page", opts{})
			connect(t, c)
			ups, next, err := c.Fetch(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(ups); n != 1 {
				t.Fatalf("%d updates, want the one comment once", n)
			}
			if n := len(f.Calls(path)); n > 2 {
				t.Fatalf("%d listing requests in a cycle: the repeated cursor was followed", n)
			}
			cur, err := decodeCursor(next)
			if err != nil {
				t.Fatal(err)
			}
			if len(cur.Posts) != 1 {
				t.Fatalf("%d posts in the cursor, want 1", len(cur.Posts))
			}
		})
	}
}

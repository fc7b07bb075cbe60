package meta

import (
	"context"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// TestConnector_Fetch_NoPostsListed: a poll in which Meta lists no post
// at all (an empty feed or media page, a glitch more likely than a page
// emptied) keeps what was read of the recent posts. It dropped them, and
// the next poll read every comment of the posts as new again.
func TestConnector_Fetch_NoPostsListed(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, network, "page", opts{poll: 1})
			connect(t, c)
			post := addPost(f, network, "Пост")
			f.AddComment(post, "", "501", "Иван", "когда починят дорогу?")
			ctx := context.Background()
			var cur []byte
			fetch := func() []moderation.Update {
				t.Helper()
				ups, next, err := c.Fetch(ctx, cur)
				if err != nil {
					t.Fatal(err)
				}
				cur = next
				return ups
			}
			if ups := fetch(); len(ups) != 1 {
				t.Fatalf("first poll: %d updates", len(ups))
			}
			suffix := "/feed"
			if network == Instagram {
				suffix = "/media"
			}
			f.Answer(suffix, 1, `{"data":[]}`)
			fetch()
			if ups := fetch(); len(ups) != 0 {
				t.Fatalf("after a poll listing no post, %d comments delivered again", len(ups))
			}
		})
	}
}

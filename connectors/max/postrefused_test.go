package max

import (
	"context"
	"net/http"
	"testing"

	"github.com/strazh/strazh/connectors/max/maxtest"
)

// TestConnector_Pipeline_PostRefused: a post whose comments MAX refuses
// for good (400, 405: comments off under it, a message that is no post),
// or answers in a shape that cannot be read (a field of another type: the
// comments' shape is unverified, §6.5), is passed over, and the other
// posts are read. Before, it ended every cycle at that post: with nothing
// read before it (the newest post), Fetch failed every time, and no
// comment under any older post was moderated again.
func TestConnector_Pipeline_PostRefused(t *testing.T) {
	tests := []struct {
		name string
		fail func(f *fake, path string)
	}{
		{"400", func(f *fake, path string) { f.Fail(path, 1<<20, http.StatusBadRequest, 0) }},
		{"405", func(f *fake, path string) { f.Fail(path, 1<<20, http.StatusMethodNotAllowed, 0) }},
		{"unreadable", func(f *fake, path string) {
			f.Answer(path, 1<<20, `{"messages":[{"sender":{"user_id":"501"},"timestamp":"вчера","body":{"mid":7}}]}`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, maxtest.Options{})
			older := f.AddPost("Ремонт дорог на улице Ленина")
			newer := f.AddPost("Комментарии к этому посту не читаются")
			tt.fail(f, "/messages/"+newer+"/comments")
			c := connected(t, f, "max-admin")
			r := startPipeline(t, t.TempDir(), c)
			bad := f.AddComment(older, 501, "Иван Петров", "плохое слово "+obsceneMark)
			eventually(t, "the marked comment under the older post deleted", func() bool { return f.Deleted(bad) })
			if n := r.decisions(t)["плохое слово "+obsceneMark]; n != 1 {
				t.Fatalf("decided %d times", n)
			}
			// Passed over, and counted (strazh_connector_posts_skipped_total).
			if c.PostsSkipped() == 0 {
				t.Fatal("PostsSkipped = 0 after a post was passed over")
			}
		})
	}
}

// TestConnector_Fetch_CommentsKeyMissing: a comments answer without its
// messages field (the list's shape is unverified, §6.5: a renamed field,
// another envelope) is unreadable: the post is passed over and counted.
// Before, it read as a post with no comments, every cycle, with no error
// or count: nothing under it was ever moderated.
func TestConnector_Fetch_CommentsKeyMissing(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	post := f.AddPost("Пост")
	c := connected(t, f, "a")
	d := &driver{t: t, c: c}
	d.cycle()
	f.Answer("/messages/"+post+"/comments", 1<<20, `{"comments":[{"body":{"mid":"mid.c1","text":"мат"}}]}`)
	for range 200 {
		polled := c.nextPoll
		_, next, err := c.Fetch(context.Background(), d.cur)
		if err != nil {
			break // the only post passed over: the cycle's error
		}
		d.cur = next
		if c.nextPoll != polled {
			break
		}
	}
	if c.PostsSkipped() == 0 {
		t.Fatal("a comments answer without messages read as an empty post, not passed over")
	}
}

package meta

import (
	"testing"
)

// TestConnector_Pipeline_PostUnreadable: a post whose comments answer a
// shape that cannot be read (a field of another type), or an item error
// other than "unknown object" (803), is passed over and the other posts
// are read. Before, it ended every cycle at that post: with nothing read
// before it (the newest post), Fetch failed every time and no comment
// under an older post was moderated again.
func TestConnector_Pipeline_PostUnreadable(t *testing.T) {
	tests := []struct {
		name string
		fail func(f *fake, suffix string)
	}{
		{"unreadable", func(f *fake, suffix string) {
			f.Answer(suffix, 1<<20, `{"data":[{"id":7,"message":["не строка"],"from":"501"}]}`)
		}},
		{"803", func(f *fake, suffix string) { f.Fail(suffix, 1<<20, 803, 0) }},
	}
	for _, network := range networks {
		for _, tt := range tests {
			t.Run(network+"/"+tt.name, func(t *testing.T) {
				f := newFake(t)
				older := addPost(f, network, "Ремонт дорог")
				newer := addPost(f, network, "Пост, комментарии которого не читаются")
				tt.fail(f, newer+"/comments")
				c := newConn(t, f, network, "page", opts{})
				connect(t, c)
				r := startPipeline(t, t.TempDir(), c)
				id := f.AddComment(older, "", "501", "Иван", "плохое слово "+obsceneMark)
				eventually(t, "the marked comment under the older post acted on", func() bool { return f.Deleted(id) })
				if n := r.decisions(t)["плохое слово "+obsceneMark]; n != 1 {
					t.Fatalf("decided %d times", n)
				}
				if c.PostsSkipped() == 0 {
					t.Fatal("PostsSkipped = 0 after a post was passed over")
				}
			})
		}
	}
}

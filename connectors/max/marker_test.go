package max

import (
	"net/http"
	"testing"

	"github.com/strazh/strazh/connectors/max/maxtest"
)

// TestConnector_Pipeline_UpdatesRefused: /updates refusing the saved
// marker (past MAX's retention, unverified) or refusing for good (400)
// does not stop the comments from being read. Updates came first in every
// Fetch and their error was returned, so a marker MAX no longer took, or
// an /updates that refused, left the account reading nothing at all. A
// marker refused is dropped (the updates start from the latest, the posts
// are listed again); an /updates refusing on is passed over, the comments
// polled all the same.
func TestConnector_Pipeline_UpdatesRefused(t *testing.T) {
	tests := []struct {
		name   string
		refuse func(f *fake)
	}{
		{"marker expired", func(f *fake) { f.ExpireMarkers() }},
		{"400 on and on", func(f *fake) { f.Fail("/updates", 1<<20, http.StatusBadRequest, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, maxtest.Options{})
			dir := t.TempDir()
			post := f.AddPost("Отключение воды")
			r := startPipeline(t, dir, connected(t, f, "max-admin"))
			f.AddComment(post, 501, "Иван", "первый "+obsceneMark)
			eventually(t, "the first decided", func() bool { return r.decisions(t)["первый "+obsceneMark] == 1 })
			r.stop()

			tt.refuse(f)
			r = startPipeline(t, dir, connected(t, f, "max-admin"))
			second := f.AddComment(post, 502, "Мария", "второй "+obsceneMark)
			eventually(t, "the comment after the restart deleted", func() bool { return f.Deleted(second) })
			post2 := f.AddPost("Новый пост")
			third := f.AddComment(post2, 503, "Пётр", "под новым постом "+obsceneMark)
			eventually(t, "the comment under a post made after the restart deleted", func() bool { return f.Deleted(third) })
		})
	}
}

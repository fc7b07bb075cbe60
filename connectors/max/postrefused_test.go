package max

import (
	"net/http"
	"testing"

	"github.com/strazh/strazh/connectors/max/maxtest"
)

// TestConnector_Pipeline_PostRefused: a post whose comments MAX refuses
// for good (400, 405: comments off under it, a message that is no post)
// is passed over, and the other posts are read. Before, the refusal ended
// every cycle at that post: with nothing read before it (the newest
// post), Fetch failed every time, and no comment under any older post was
// moderated again.
func TestConnector_Pipeline_PostRefused(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusMethodNotAllowed} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			f := newFake(t, maxtest.Options{})
			older := f.AddPost("Ремонт дорог на улице Ленина")
			newer := f.AddPost("Комментарии к этому посту закрыты")
			f.Fail("/messages/"+newer+"/comments", 1<<20, status, 0)
			c := connected(t, f, "max-admin")
			r := startPipeline(t, t.TempDir(), c)
			bad := f.AddComment(older, 501, "Иван Петров", "плохое слово "+obsceneMark)
			eventually(t, "the marked comment under the older post deleted", func() bool { return f.Deleted(bad) })
			if n := r.decisions(t)["плохое слово "+obsceneMark]; n != 1 {
				t.Fatalf("decided %d times", n)
			}
		})
	}
}

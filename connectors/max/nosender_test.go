package max

import (
	"testing"

	"github.com/strazh/strazh/connectors/max/maxtest"
)

// TestConnector_Pipeline_CommentWithoutSender: a comment whose author MAX
// does not give (the comments list of docs/platform-apis.md §6.5 shows
// none; the field is unverified) is moderated. It was taken for the
// channel's own comment, exempt: had MAX named the author elsewhere than
// "sender", no comment of the channel would ever have been moderated, and
// nothing would have said so.
func TestConnector_Pipeline_CommentWithoutSender(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	c := connected(t, f, "max-admin")
	r := startPipeline(t, t.TempDir(), c)
	post := f.AddPost("Ремонт дорог на улице Ленина")
	bad := f.AddComment(post, 0, "", "плохое слово "+obsceneMark)
	good := f.AddComment(post, 0, "", "когда закончат ремонт?")
	eventually(t, "both decided", func() bool {
		n := r.decisions(t)
		return n["когда закончат ремонт?"] == 1 && n["плохое слово "+obsceneMark] == 1
	})
	eventually(t, "the marked comment deleted on the fake", func() bool { return f.Deleted(bad) })
	if f.Deleted(good) {
		t.Fatal("a clean comment was deleted")
	}
}

package vk

import (
	"strconv"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

// caughtUp loses the long poll's history (failed:3) around fn and fetches
// until a catch-up after it has read through (wall.get called, no gap).
func (d *driver) caughtUp(f *vktest.Server, fn func()) {
	d.T.Helper()
	before := len(f.Calls("wall.get"))
	f.LoseEvents(fn)
	d.Until("a catch-up", func() bool {
		cur, _ := decodeCursor(d.Cur)
		return len(f.Calls("wall.get")) > before && cur.Gap == nil
	})
}

// threadReads counts wall.getComments calls of one thread, inside
// execute scripts or alone.
func threadReads(f *vktest.Server, root int) int {
	n := 0
	needle := `"comment_id":` + strconv.Itoa(root)
	for _, c := range f.Calls("execute") {
		n += strings.Count(c.Params.Get("code"), needle)
	}
	for _, c := range f.Calls("wall.getComments") {
		if c.Params.Get("comment_id") == strconv.Itoa(root) {
			n++
		}
	}
	return n
}

// Before: edits made while strazh was down were not seen if VK's history
// no longer had them. Now the post's version hash differs and the edited
// version is delivered; an unchanged post delivers nothing again.
func TestConnector_CatchUp_EditWhileDown(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	p1, p2 := f.AddPost("первый"), f.AddPost("второй")
	id := f.AddComment(p1, 501, "хороший комментарий")
	f.AddComment(p2, 502, "не трогали")
	d.Until("both", func() bool { return len(d.All) == 2 })
	d.caughtUp(f, func() {}) // the hashes are taken
	d.caughtUp(f, func() {
		if err := f.EditComment(id, "хороший комментарий, дурак"); err != nil {
			t.Fatal(err)
		}
	})
	got := d.Find("хороший комментарий, дурак")
	if len(got) != 1 || got[0].Type != moderation.UpdateComment || got[0].Comment.ID != d.Find("хороший комментарий")[0].Comment.ID {
		t.Fatalf("edit made while down: %+v", got)
	}
	if n := len(d.Find("не трогали")); n != 1 {
		t.Errorf("an unchanged post's comment was delivered %d times", n)
	}
}

// Before: a reply made while down under a top-level comment older than the
// cursor was never read (catch-up read only top-level comments after it).
func TestConnector_CatchUp_ReplyUnderOldComment(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	post := f.AddPost("пост")
	root := f.AddComment(post, 501, "старый вопрос")
	f.AddComment(post, 502, "новее вопроса")
	d.Until("both", func() bool { return len(d.All) == 2 })
	d.caughtUp(f, func() { f.AddReply(post, 503, root, "поздний ответ") })
	if len(d.Find("поздний ответ")) != 1 {
		t.Fatalf("the reply under the old comment was missed: %d updates", len(d.All))
	}
}

// A thread longer than a page's replies is read again only when its count
// changed, and then its new replies are delivered.
func TestConnector_CatchUp_LongThreadReadWhenGrown(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	post := f.AddPost("пост")
	root := f.AddComment(post, 501, "обсуждение")
	for i := range threadItems + 2 {
		f.AddReply(post, 502, root, "ответ "+strconv.Itoa(i))
	}
	d.Until("all", func() bool { return len(d.All) == threadItems+3 })
	d.caughtUp(f, func() {}) // thread count stored
	f.ResetCalls()
	d.caughtUp(f, func() {})
	if n := threadReads(f, root); n != 0 {
		t.Errorf("an unchanged thread was read %d times", n)
	}
	f.ResetCalls()
	d.caughtUp(f, func() { f.AddReply(post, 503, root, "тринадцатый ответ") })
	if len(d.Find("тринадцатый ответ")) != 1 {
		t.Fatal("a new reply deep in a long thread was missed")
	}
	if n := threadReads(f, root); n == 0 {
		t.Error("the grown thread was not read")
	}
	if d.Dups != 0 {
		t.Errorf("%d duplicates", d.Dups)
	}
}

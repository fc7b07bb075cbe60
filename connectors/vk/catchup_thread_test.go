package vk

import (
	"strconv"
	"testing"

	"github.com/strazh/strazh/connectors/vk/vktest"
)

// TestConnector_CatchUp_ThreadUnreadable: a thread the catch-up cannot
// read (its comment deleted between the post's page and the thread's, a
// thread VK refuses) leaves that thread for the next catch-up, not the
// whole post. Before, the thread's error (an item error: 104, 212, ...)
// dropped everything read of the post: a comment made under it while
// strazh was down was never delivered, and the next catch-up failed the
// same way as long as the thread did.
func TestConnector_CatchUp_ThreadUnreadable(t *testing.T) {
	for _, code := range []int{104, 212} {
		t.Run("error "+strconv.Itoa(code), func(t *testing.T) {
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
			d.caughtUp(f, func() {}) // the thread's count and the post's hash stored
			f.FailThread(root, code)
			d.caughtUp(f, func() {
				f.AddComment(post, 503, "новый вопрос под постом")
				f.AddReply(post, 503, root, "ответ в длинной ветке")
			})
			if n := len(d.Find("новый вопрос под постом")); n != 1 {
				t.Fatalf("the comment under the post was delivered %d times, want 1", n)
			}
			f.FailThread(root, 0)
			d.caughtUp(f, func() {})
			if n := len(d.Find("ответ в длинной ветке")); n != 1 {
				t.Fatalf("the reply in the thread unreadable last time was delivered %d times, want 1", n)
			}
		})
	}
}

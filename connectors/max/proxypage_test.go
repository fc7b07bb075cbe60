package max

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation"
)

// TestConnector_Delete_ProxyNotFound: a 404 that is a proxy's HTML page
// (no MAX error envelope, §6.1) is not MAX saying the comment is gone.
// Before, the deletion was recorded as done while the comment stayed.
func TestConnector_Delete_ProxyNotFound(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	post := f.AddPost("Пост")
	id := f.AddComment(post, 501, "Иван", "плохое слово")
	c := connected(t, f, "a")
	f.FailPage("", 1, http.StatusNotFound)
	err := c.Delete(context.Background(), "comment:"+post+":"+id)
	if err == nil {
		t.Fatal("Delete = nil after a proxy's 404 page: recorded deleted, still on the page")
	}
	if moderation.Classify(err) != moderation.ClassRetry {
		t.Fatalf("Delete = %v (%s), want a retry", err, moderation.Classify(err))
	}
	// MAX's own 404 still means gone.
	if err := c.api.DeleteComment(context.Background(), post, id); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(context.Background(), "comment:"+post+":"+id); err != nil {
		t.Fatalf("Delete of a comment gone = %v, want nil", err)
	}
}

// TestConnector_Fetch_ProxyNotFound: a post whose comments answer a
// proxy's 404 page stays watched. Before, it was dropped as gone (at
// Info), with every other post answering the same: nothing was read
// again, and no error showed.
func TestConnector_Fetch_ProxyNotFound(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	post := f.AddPost("Пост")
	c := connected(t, f, "a")
	d := &driver{t: t, c: c}
	d.cycle()
	f.FailPage("/messages/"+post+"/comments", 1, http.StatusNotFound)
	var ferr error
	for range 200 {
		polled := c.nextPoll
		_, next, err := c.Fetch(context.Background(), d.cur)
		if err != nil {
			ferr = err
			break
		}
		d.cur = next
		if c.nextPoll != polled {
			break
		}
	}
	if ferr == nil || errors.Is(ferr, moderation.ErrItem) {
		t.Fatalf("Fetch = %v, want a retryable error", ferr)
	}
	f.AddComment(post, 501, "Иван", "после сбоя")
	if got := texts(d.cycle()); !got["после сбоя"] {
		t.Fatalf("the post was dropped after a proxy's 404: read %v", got)
	}
}

// TestConnector_Delete_AnswerNotSuccess: a 200 to a deletion that does not
// say {"success":true} ({} or null: a proxy's or a cut answer) is not a
// deletion. Before, only "success":false failed it: the comment was
// recorded deleted and stayed under the post.
func TestConnector_Delete_AnswerNotSuccess(t *testing.T) {
	for _, body := range []string{`{}`, `null`, `{"message":"ok"}`} {
		t.Run(body, func(t *testing.T) {
			f := newFake(t, maxtest.Options{})
			post := f.AddPost("Пост")
			id := f.AddComment(post, 501, "Иван", "плохое слово")
			c := connected(t, f, "a")
			f.Answer("/messages/"+post+"/comments", 1, body)
			if err := c.Delete(context.Background(), "comment:"+post+":"+id); err == nil {
				t.Fatalf("Delete = nil after %s; deleted on the fake: %v", body, f.Deleted(id))
			}
		})
	}
}

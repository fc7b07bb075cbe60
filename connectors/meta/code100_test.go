package meta

import (
	"context"
	"errors"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// TestConnector_Delete_Code100: Graph's code 100 is "invalid parameter or
// unknown object" (§3.4). Only the unknown object (subcode 33, "does not
// exist") means the comment is gone; a bad parameter must fail the action,
// not record a comment deleted that is still on the page. Before, every
// code 100 counted as done.
func TestConnector_Delete_Code100(t *testing.T) {
	tests := []struct {
		name    string
		subcode int
		done    bool
	}{
		{"unknown object", 33, true},
		{"invalid parameter", 0, false},
	}
	for _, network := range networks {
		for _, mode := range []string{ModeDelete, ModeHide} {
			for _, tt := range tests {
				t.Run(network+"/"+mode+"/"+tt.name, func(t *testing.T) {
					f := newFake(t)
					post := addPost(f, network, "Пост")
					id := f.AddComment(post, "", "501", "Иван", "текст")
					c := newConn(t, f, network, "page", opts{mode: mode})
					connect(t, c)
					f.Fail(id, 1, 100, tt.subcode)
					err := c.Delete(context.Background(), id)
					if tt.done {
						if err != nil {
							t.Fatalf("Delete = %v, want nil (gone counts as done)", err)
						}
						return
					}
					if err == nil {
						t.Fatal("Delete = nil: a refused delete would be recorded as done")
					}
					if !errors.Is(err, moderation.ErrItem) {
						t.Fatalf("Delete = %v, want an item error", err)
					}
				})
			}
		}
	}
}

// TestConnector_Unban_Code100: an unblock refused with a bad parameter is
// not an author already unblocked.
func TestConnector_Unban_Code100(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, Facebook, "page", opts{})
	connect(t, c)
	f.Fail("/blocked", 1, 100, 0)
	if err := c.Unban(context.Background(), "501"); err == nil {
		t.Fatal("Unban = nil after code 100 without subcode: the ban would be recorded lifted")
	}
}

// TestConnector_Fetch_Code100Param: a post whose comments answer code 100
// without "does not exist" (a field Graph no longer knows) is not a post
// gone: it stays in the cursor with what was read of it, and the error
// shows. Before, every such post was dropped each cycle (logged at Info),
// listed again the next with its memory lost, and no comment was read.
func TestConnector_Fetch_Code100Param(t *testing.T) {
	f := newFake(t)
	post := f.AddPost("Пост")
	f.AddComment(post, "", "501", "Иван", "первый")
	c := newConn(t, f, Facebook, "page", opts{})
	connect(t, c)
	_, cur, err := c.Fetch(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Fail(post+"/comments", 1, 100, 0)
	_, next, err := c.Fetch(context.Background(), cur)
	if err == nil {
		t.Fatal("Fetch = nil: a post refused for a bad parameter passed silently")
	}
	if next == nil {
		next = cur
	}
	dc, derr := decodeCursor(next)
	if derr != nil {
		t.Fatal(derr)
	}
	if p := dc.post(post); p == nil || len(p.Seen) != 1 {
		t.Fatalf("post %s dropped or forgotten after code 100: %+v", post, p)
	}
}

// TestConnector_Delete_AnswerNotSuccess: a 200 that does not say
// {"success":true} (an empty object, null: a proxy's or a cut answer) is
// not a deletion. Before, anything without "success":false counted as
// done: the comment was recorded deleted and stayed on the page.
func TestConnector_Delete_AnswerNotSuccess(t *testing.T) {
	for _, body := range []string{`{}`, `null`, `{"id":"1"}`} {
		t.Run(body, func(t *testing.T) {
			f := newFake(t)
			post := f.AddPost("Пост")
			id := f.AddComment(post, "", "501", "Иван", "текст")
			c := newConn(t, f, Facebook, "page", opts{})
			connect(t, c)
			f.Answer(id, 1, body)
			if err := c.Delete(context.Background(), id); err == nil {
				t.Fatalf("Delete = nil after %s", body)
			}
		})
	}
}

// TestConnector_Ban_AnswerNotBlocked: a block answered without the author
// marked blocked ({} from a proxy or a cut answer) is not a ban. Before,
// only an explicit false failed it: the author was recorded banned and
// could go on commenting.
func TestConnector_Ban_AnswerNotBlocked(t *testing.T) {
	tests := []struct {
		body   string
		placed bool
	}{
		{`{}`, false},
		{`null`, false},
		{`{"501":false}`, false},
		{`{"501":true}`, true},
		{`{"success":true}`, true}, // §3.2's map is partly unverified: a plain success is Meta's yes
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, Facebook, "page", opts{})
			connect(t, c)
			f.Answer("/blocked", 1, tt.body)
			err := c.Ban(context.Background(), "501", moderation.BanRequest{})
			if tt.placed != (err == nil) {
				t.Fatalf("Ban = %v after %s, want placed %v", err, tt.body, tt.placed)
			}
		})
	}
}

package vk

import (
	"context"
	"strconv"
	"testing"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

// deletions returns the UpdateDeleted updates seen so far.
func (d *driver) deletions() []moderation.Update {
	var out []moderation.Update
	for _, u := range d.All {
		if u.Type == moderation.UpdateDeleted {
			out = append(out, u)
		}
	}
	return out
}

// A comment a manager deletes in VK comes as UpdateDeleted with the same ID
// its comment had, so the pipeline finds the pending review: every kind.
func TestConnector_Fetch_DeletedByHand(t *testing.T) {
	tests := []struct {
		kind vktest.Kind
		add  func(f *vktest.Server) int
	}{
		{vktest.KindWall, func(f *vktest.Server) int { return f.AddComment(f.AddPost("p"), 501, "на стене") }},
		{vktest.KindPhoto, func(f *vktest.Server) int { return f.AddMediaComment(vktest.KindPhoto, 501, "под фото") }},
		{vktest.KindVideo, func(f *vktest.Server) int { return f.AddMediaComment(vktest.KindVideo, 501, "под видео") }},
		{vktest.KindMarket, func(f *vktest.Server) int { return f.AddMediaComment(vktest.KindMarket, 501, "под товаром") }},
		{vktest.KindBoard, func(f *vktest.Server) int { return f.AddBoardPost(f.AddTopic("t"), 501, "в обсуждении") }},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			f := newFake(t, vktest.Options{})
			c := newConn(t, f, nil)
			connect(t, c)
			d := newDriver(t, c, nil)
			id := tt.add(f)
			d.Until("the comment", func() bool { return len(d.All) > 0 })
			orig := d.All[0].Comment
			if err := f.DeleteByHand(tt.kind, id); err != nil {
				t.Fatal(err)
			}
			d.Until("the deletion", func() bool { return len(d.deletions()) > 0 })
			del := d.deletions()[0]
			if del.Comment.ID != orig.ID || del.Comment.Ref != orig.Ref {
				t.Errorf("deleted %q (%s), the comment was %q (%s)", del.Comment.ID, del.Comment.Ref, orig.ID, orig.Ref)
			}
			if want := "vk:" + strconv.Itoa(f.HandAdminID()); del.By != want {
				t.Errorf("by %q, want %q", del.By, want)
			}
		})
	}
}

// strazh's own deletions come back as wall_reply_delete by the user
// token's owner: they are not reported as deleted elsewhere.
func TestConnector_Fetch_OwnDeletionNotReported(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	post := f.AddPost("p")
	f.AddComment(post, 501, "удалит strazh")
	d.Until("the comment", d.Has("удалит strazh"))
	if err := c.Delete(context.Background(), d.Find("удалит strazh")[0].Comment.Ref); err != nil {
		t.Fatal(err)
	}
	f.AddComment(post, 502, "после удаления") // comes after the delete event
	d.Until("the next comment", d.Has("после удаления"))
	if del := d.deletions(); len(del) != 0 {
		t.Fatalf("strazh's own deletion reported: %+v", del)
	}
}

// An edited private message is a new version of the same message, as an
// edited comment is.
func TestConnector_Fetch_MessageEdit(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	id := f.SendMessage(501, "добрый день")
	d.Until("the message", d.Has("добрый день"))
	if err := f.EditMessage(id, "добрый день, дурак"); err != nil {
		t.Fatal(err)
	}
	d.Until("the edit", d.Has("добрый день, дурак"))
	first, edit := d.Find("добрый день")[0], d.Find("добрый день, дурак")[0]
	if edit.Type != moderation.UpdateComment || edit.Comment.ID != first.Comment.ID || edit.Comment.Ref != first.Comment.Ref {
		t.Errorf("edit %+v is not the same message as %+v", edit.Comment, first.Comment)
	}
	if edit.Comment.Edited.IsZero() || edit.Comment.Version() == first.Comment.Version() {
		t.Errorf("edit not marked as a new version: %+v", edit.Comment)
	}
	if edit.Comment.Author.ID != "501" {
		t.Errorf("author %q", edit.Comment.Author.ID)
	}
}

// End to end: a manager deletes in VK a comment waiting for review; the
// pipeline closes the review as deleted on VK, with who did it, and never
// deletes it itself.
func TestPipeline_DeletedInVKClosesReview(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	r := startPipeline(t, t.TempDir(), c, nil)
	eventually(t, "the long poll", func() bool { return len(f.Calls("a_check")) > 0 })
	text := "непонятно что " + reviewMark
	id := f.AddComment(f.AddPost("p"), 501, text)
	pending := func() *moderation.Decision {
		ds, _ := r.DB.PendingReviews("")
		for _, d := range ds {
			if d.Comment.Text == text {
				return d
			}
		}
		return nil
	}
	eventually(t, "the review", func() bool { return pending() != nil })
	decID := pending().ID
	if err := f.DeleteByHand(vktest.KindWall, id); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the review closed", func() bool { return pending() == nil })
	d, err := r.DB.Get(decID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Review.By != moderation.ByNetwork || d.Review.ByName != "vk:"+strconv.Itoa(f.HandAdminID()) || d.Final() != moderation.Delete {
		t.Errorf("review %+v", d.Review)
	}
	if n := len(f.Calls("wall.deleteComment")); n != 0 {
		t.Errorf("strazh called wall.deleteComment %d times", n)
	}
}

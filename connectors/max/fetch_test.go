package max

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation"
)

// driver calls Fetch as the pipeline does, keeping the cursor.
type driver struct {
	t   testing.TB
	c   *Connector
	cur []byte
}

// cycle fetches until one comment poll has run and returns its updates.
func (d *driver) cycle() []moderation.Update {
	d.t.Helper()
	var all []moderation.Update
	for range 200 {
		polled := d.c.nextPoll
		ups, next, err := d.c.Fetch(context.Background(), d.cur)
		if err != nil {
			d.t.Fatalf("Fetch: %v", err)
		}
		d.cur = next
		all = append(all, ups...)
		if d.c.nextPoll != polled {
			return all
		}
	}
	d.t.Fatal("no comment poll in 200 fetches")
	return nil
}

func texts(ups []moderation.Update) map[string]bool {
	m := map[string]bool{}
	for _, u := range ups {
		m[u.Comment.Text] = true
	}
	return m
}

func TestConnector_Fetch_RecentPostsNewestFirst(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	var posts []string
	for i := range 5 {
		posts = append(posts, f.AddPost(fmt.Sprint("post ", i)))
	}
	c := newConn(t, f, "a", func(c *Config) { c.RecentPosts = 3 })
	connect(t, c)
	d := &driver{t: t, c: c}
	d.cycle()
	for i, p := range posts {
		f.AddComment(p, 501, "Иван", fmt.Sprint("под постом ", i))
	}
	before := len(f.Calls(""))
	got := texts(d.cycle())
	if len(got) != 3 || !got["под постом 4"] || !got["под постом 2"] || got["под постом 1"] {
		t.Fatalf("read %v, want the comments of the 3 newest posts", got)
	}
	// One request per recent post, plus /updates: the cost of a cycle.
	if n := len(f.Calls("")) - before; n != 3+1 {
		t.Fatalf("%d requests in a cycle, want recent_posts+1 = 4", n)
	}
	// A new post pushes the oldest out.
	p5 := f.AddPost("post 5")
	f.AddComment(p5, 502, "Мария", "под новым")
	if got := texts(d.cycle()); !got["под новым"] || len(got) != 1 {
		t.Fatalf("after a new post read %v", got)
	}
}

func TestConnector_Fetch_PagesAndExempt(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	post := f.AddPost("popular")
	c := connected(t, f, "a")
	d := &driver{t: t, c: c}
	d.cycle()
	for i := range 250 {
		f.AddComment(post, int64(1000+i), "u", fmt.Sprint("comment ", i))
	}
	f.AddComment(post, 1, "Администратор канала", "ответ администрации")
	ups := d.cycle()
	if got := texts(ups); len(got) != 251 || !got["comment 0"] {
		t.Fatalf("read %d comments, want all 251 across pages", len(got))
	}
	for _, u := range ups {
		if exempt := u.Comment.Author.Exempt(); exempt != (u.Comment.Author.ID == "1") {
			t.Fatalf("%q exempt=%v", u.Comment.Text, exempt)
		}
		if u.Comment.Kind != KindChannelComment || u.Comment.PostID != post || u.Comment.Created.IsZero() {
			t.Fatalf("comment %+v", u.Comment)
		}
	}
	if again := d.cycle(); len(again) != 0 {
		t.Fatalf("%d comments delivered again", len(again))
	}
}

func TestConnector_Fetch_Faults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inject func(f *fake)
		class  moderation.ErrorClass
	}{
		{"outage", func(f *fake) { f.SetDown(http.StatusServiceUnavailable) }, moderation.ClassRetry},
		{"broken token", func(f *fake) { f.SetToken("other") }, moderation.ClassCredentials},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, maxtest.Options{})
			post := f.AddPost("p")
			c := connected(t, f, "a")
			d := &driver{t: t, c: c}
			d.cycle()
			f.AddComment(post, 501, "Иван", "пока было плохо")
			tc.inject(f)
			c.nextPoll = c.nextPoll.Add(-c.cfg.PollInterval) // due now
			_, _, err := c.Fetch(context.Background(), d.cur)
			if moderation.Classify(err) != tc.class {
				t.Fatalf("err %v: class %v, want %v", err, moderation.Classify(err), tc.class)
			}
			f.SetDown(0)
			f.SetToken(maxtest.Token)
			if got := texts(d.cycle()); !got["пока было плохо"] {
				t.Fatalf("after recovery read %v", got)
			}
		})
	}
}

func TestConnector_Fetch_UnreadableCursor(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	post := f.AddPost("p")
	c := connected(t, f, "a")
	d := &driver{t: t, c: c, cur: []byte("{not json")}
	f.AddComment(post, 501, "Иван", "после сбоя")
	if got := texts(d.cycle()); !got["после сбоя"] {
		t.Fatalf("with a broken cursor read %v", got)
	}
}

func TestConnector_Fetch_PushTypesRefused(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	post := f.AddPost("p")
	c := connected(t, f, "a")
	f.Fail("/updates", 1, http.StatusBadRequest, 0) // as if MAX had no comment_* types
	d := &driver{t: t, c: c}
	f.AddComment(post, 501, "Иван", "опросом")
	if got := texts(d.cycle()); !got["опросом"] || !c.noPush {
		t.Fatalf("read %v, noPush %v", got, c.noPush)
	}
}

func TestConnector_Delete_Ref(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	c := connected(t, f, "a")
	post := f.AddPost("p")
	id := f.AddComment(post, 501, "u", "t")
	ctx := context.Background()
	for _, ref := range []string{"", "comment:x", "wall:1:2", "comment::x"} {
		if err := c.Delete(ctx, ref); moderation.Classify(err) != moderation.ClassItem {
			t.Errorf("Delete(%q) = %v, want an item error", ref, err)
		}
	}
	if err := c.Delete(ctx, makeRef(post, id)); err != nil || !f.Deleted(id) {
		t.Fatalf("Delete: %v", err)
	}
	if err := c.Delete(ctx, makeRef(post, id)); err != nil {
		t.Fatalf("deleting a gone comment: %v, want success", err)
	}
	if err := c.Restore(ctx, makeRef(post, id)); moderation.Classify(err) != moderation.ClassUnsupported {
		t.Fatalf("Restore: %v", err)
	}
}

// The admins are reloaded from inside Fetch every adminsRefresh; that
// reload once took the Fetch lock it was called under.
func TestConnector_Fetch_AdminsReloaded(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	c := connected(t, f, "a")
	d := &driver{t: t, c: c}
	d.cycle()
	before := len(f.Calls("/chats/-70801090403050/members/admins"))
	c.mu.Lock()
	c.adminsAt = c.adminsAt.Add(-adminsRefresh)
	c.mu.Unlock()
	done := make(chan struct{})
	go func() { defer close(done); d.cycle() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Fetch hung reloading the admins")
	}
	if n := len(f.Calls("/chats/-70801090403050/members/admins")); n != before+1 {
		t.Fatalf("admins requested %d times, want one reload", n-before)
	}
}

// MAX cannot ban: Ban and Unban succeed without a call to MAX (the
// pipeline's blacklist does the work), and the banned author's next
// comment is delivered for the pipeline to delete on sight as a decision.
func TestConnector_Ban_LeftToThePipeline(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	post := f.AddPost("p")
	c := connected(t, f, "a")
	if !c.Capabilities().BanLocal {
		t.Fatal("MAX must declare its bans local")
	}
	d := &driver{t: t, c: c}
	d.cycle()
	ctx := context.Background()
	calls := len(f.Calls(""))
	if err := c.Ban(ctx, "777", moderation.BanRequest{Until: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := c.Unban(ctx, "777"); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Calls("")); n != calls {
		t.Errorf("ban and unban made %d calls to MAX, want none", n-calls)
	}
	f.AddComment(post, 777, "Спамер", "снова пишу")
	if got := texts(d.cycle()); !got["снова пишу"] {
		t.Fatalf("the banned author's comment was not delivered: %v", got)
	}
}

// A cursor handed back (the pipeline's batch failed) reads the same
// comments again, across pages, each once.
func TestConnector_Fetch_CursorHandedBack(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	post := f.AddPost("p")
	c := connected(t, f, "a")
	d := &driver{t: t, c: c}
	d.cycle()
	old := d.cur
	for i := range 150 {
		f.AddComment(post, 501, "Иван", fmt.Sprint("c", i))
	}
	if got := d.cycle(); len(got) != 150 {
		t.Fatalf("first read: %d", len(got))
	}
	d.cur = old
	if got := d.cycle(); len(got) != 150 {
		t.Fatalf("read again from the old cursor: %d, want 150", len(got))
	}
}

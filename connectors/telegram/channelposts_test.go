package telegram

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/cadence"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// The connector is a page the cadence gives its store to.
var _ cadence.Arriving = (*Connector)(nil)

// openStore opens a bbolt store in dir (closed at the end of the test, or
// by the caller for a restart).
func openStore(t testing.TB, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(dir, "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// stored lists the account's posts in the store, oldest first.
func stored(t testing.TB, db *store.DB, account string) []moderation.Post {
	t.Helper()
	ps, err := db.Posts(account, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestConnector_RecordPosts_OnceWhicheverWay: a channel post is one
// stored post whether it arrives as channel_post, as the group's
// automatic forward, or both; an album of three is one post too; a
// service message and another channel's forward are none.
func TestConnector_RecordPosts_OnceWhicheverWay(t *testing.T) {
	cases := []struct {
		name             string
		admin, forwarded bool
	}{
		{"forward only (bot not in the channel)", false, true},
		{"channel_post only", true, false},
		{"both ways", true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.SetChannelAdmin(groupID, tc.admin)
			f.SetForwardPosts(groupID, tc.forwarded)
			db := openStore(t, t.TempDir())
			// scope all: the marker below is a plain group message.
			c := newConn(t, f, "tg", func(cfg *Config) { cfg.Scope = ScopeAll })
			c.RecordPosts(db)
			connect(t, c)
			d := newDriver(t, c, nil)
			before := time.Now().Truncate(time.Second)
			postID, _ := f.PublishPost(groupID, "Новость администрации")
			album := f.PublishAlbum(groupID, 3, "Фото с субботника")
			// The end of the batch: a message after the posts.
			f.Comment(groupID, maria, 0, "метка конца")
			d.Until("the marker", d.Has("метка конца"))

			ps := stored(t, db, "tg")
			if len(ps) != 2 {
				t.Fatalf("stored %d posts, want 2 (a post and an album): %+v", len(ps), ps)
			}
			p := ps[0]
			if p.ID != strconv.FormatInt(postID, 10) || p.Network != Network || p.Account != "tg" ||
				p.URL != "https://t.me/adm_rayon/"+p.ID || p.At.Before(before) || p.At.After(time.Now()) {
				t.Errorf("post %+v, want id %d dated now, linked on t.me/adm_rayon", p, postID)
			}
			if a := ps[1]; a.ID != "album:"+strconv.FormatInt(a.At.Unix(), 10) || a.URL != "https://t.me/adm_rayon/"+strconv.FormatInt(album[0], 10) {
				t.Errorf("album post %+v, want one named by its date, linked to its first item %d", a, album[0])
			}
			for _, u := range d.All {
				if u.Comment.Text == "Новость администрации" {
					t.Errorf("the channel post was delivered as a comment: %+v", u.Comment)
				}
			}
		})
	}
}

// TestConnector_RecordPosts_Redelivered: the same updates read again (a
// restart before the cursor was stored) store nothing twice; an edit of
// the post is the same post.
func TestConnector_RecordPosts_Redelivered(t *testing.T) {
	f := newFake(t)
	f.SetChannelAdmin(groupID, true)
	db := openStore(t, t.TempDir())
	first := newConn(t, f, "tg", nil)
	first.confirm = time.Hour // nothing is confirmed: Telegram keeps it all
	first.RecordPosts(db)
	connect(t, first)
	d1 := newDriver(t, first, nil)
	postID, fwd := f.PublishPost(groupID, "Новость")
	f.Comment(groupID, ivan, fwd, "первый комментарий")
	d1.Until("the comment", d1.Has("первый комментарий"))
	if n := len(stored(t, db, "tg")); n != 1 {
		t.Fatalf("first reading: %d posts, want 1", n)
	}

	// The second connector starts from the cursor before the batch: the
	// post's updates come again.
	again := newConn(t, f, "tg", nil)
	again.RecordPosts(db)
	connect(t, again)
	d2 := newDriver(t, again, nil)
	f.EditPost(groupID, postID, "Новость (исправлено)")
	f.Comment(groupID, maria, fwd, "второй комментарий")
	d2.Until("the comments again", func() bool {
		return d2.Has("первый комментарий")() && d2.Has("второй комментарий")()
	})
	ps := stored(t, db, "tg")
	if len(ps) != 1 || ps[0].ID != strconv.FormatInt(postID, 10) {
		t.Fatalf("after redelivery and an edit: %+v, want the one post %d", ps, postID)
	}
}

// TestConnector_RecordPosts_AllowedUpdates: the connector asks for the
// channel's posts; the fake, as Telegram, delivers none to a poller that
// does not.
func TestConnector_RecordPosts_AllowedUpdates(t *testing.T) {
	f := newFake(t)
	f.SetChannelAdmin(groupID, true)
	f.SetForwardPosts(groupID, false)
	db := openStore(t, t.TempDir())
	c := newConn(t, f, "tg", func(cfg *Config) { cfg.Scope = ScopeAll })
	c.RecordPosts(db)
	connect(t, c)
	d := newDriver(t, c, nil)
	f.PublishPost(groupID, "Новость")
	f.Comment(groupID, maria, 0, "метка")
	d.Until("the marker", d.Has("метка"))
	if n := len(stored(t, db, "tg")); n != 1 {
		t.Fatalf("%d posts from channel_post, want 1", n)
	}
	var asked string
	for _, r := range f.Requests() {
		if r.Method == "getUpdates" {
			asked = r.Params["allowed_updates"]
		}
	}
	if asked != allowedUpdates {
		t.Errorf("allowed_updates %q", asked)
	}
}

// TestConnector_RecordPosts_Restart: posts recorded by the daemon survive
// a restart (the store reopened, a new connector from the saved cursor);
// a post made while it was down is counted once it is back; the counting
// start stays the first one.
func TestConnector_RecordPosts_Restart(t *testing.T) {
	dir := t.TempDir()
	f := newFake(t)
	// One run of the daemon's pipeline with the connector recording,
	// until marker is decided.
	run := func(marker string, publish func()) (since time.Time) {
		c := newConn(t, f, "tg", nil)
		r := startPipelineRecording(t, dir, c)
		publish()
		eventually(t, marker+" decided", func() bool { return len(r.decisions(t, marker)) > 0 })
		s, ok := c.CountingSince()
		if !ok {
			t.Fatal("CountingSince unknown after Fetch")
		}
		r.stop()
		return s
	}
	p1, fwd := f.PublishPost(groupID, "первая новость")
	since1 := run("метка 1", func() { f.Comment(groupID, ivan, fwd, "метка 1") })
	p2, fwd2 := f.PublishPost(groupID, "вторая новость, пока strazh стоял")
	since2 := run("метка 2", func() { f.Comment(groupID, maria, fwd2, "метка 2") })
	if !since2.Equal(since1) {
		t.Errorf("counting since %v after the restart, want the first start %v", since2, since1)
	}
	db := openStore(t, dir)
	ps := stored(t, db, "tg")
	if len(ps) != 2 || ps[0].ID != strconv.FormatInt(p1, 10) || ps[1].ID != strconv.FormatInt(p2, 10) {
		t.Fatalf("after a restart: %+v, want posts %d and %d", ps, p1, p2)
	}
}

// startPipelineRecording runs the pipeline over c, recording c's posts in
// its store from before the first Fetch, as the daemon's cadence does.
func startPipelineRecording(t testing.TB, dir string, c *Connector) *pipeRun {
	t.Helper()
	return startPipelineWith(t, dir, func(o *pipeline.Options) { c.RecordPosts(o.Store.(postStore)) }, c)
}

// TestPoller_Telegram: the cadence counts the recorded posts of the last
// 7 days and says the week is counted short until a full week has passed
// since counting began.
func TestPoller_Telegram(t *testing.T) {
	f := newFake(t)
	db := openStore(t, t.TempDir())
	c := newConn(t, f, "tg", nil)
	connect(t, c)
	m := cadence.NewMetrics(nil)
	now := time.Now()
	p := cadence.New(cadence.Options{Metrics: m, Now: func() time.Time { return now }}, db, []cadence.Page{{Account: "tg", Reader: c}})

	p.Poll(context.Background()) // before the first Fetch: not known yet
	if got := testutil.ToFloat64(m.Partial.WithLabelValues("tg")); got != 1 {
		t.Errorf("partial before reading = %v, want 1", got)
	}
	d := newDriver(t, c, nil)
	for range 2 {
		_, fwd := f.PublishPost(groupID, "новость")
		f.Comment(groupID, ivan, fwd, "метка")
	}
	d.Until("both markers", func() bool { return len(d.Find("метка")) == 2 })
	now = time.Now()
	p.Poll(context.Background())
	if got := testutil.ToFloat64(m.Week.WithLabelValues("tg")); got != 2 {
		t.Errorf("strazh_posts_week = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.Partial.WithLabelValues("tg")); got != 1 {
		t.Errorf("partial on the first day = %v, want 1", got)
	}
	now = now.Add(cadence.Week + time.Minute)
	p.Poll(context.Background())
	if got := testutil.ToFloat64(m.Partial.WithLabelValues("tg")); got != 0 {
		t.Errorf("partial a week later = %v, want 0", got)
	}
	if got := testutil.ToFloat64(m.Week.WithLabelValues("tg")); got != 0 {
		t.Errorf("strazh_posts_week a week later = %v, want 0 (the posts left the window)", got)
	}
}

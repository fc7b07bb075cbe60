package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// TestConnector_Fetch_Thread: a reply to the post, a reply to a comment and
// a post as another channel are comments; the forward itself and a message
// outside any thread are not (scope comments).
func TestConnector_Fetch_Thread(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	post := f.Post(groupID, "Ремонт дороги на Садовой")
	top := f.Comment(groupID, ivan, post, "когда закончат ремонт")
	f.Comment(groupID, maria, top, "ответ на комментарий")
	f.CommentAs(groupID, other, post, "от чужого канала")
	f.Comment(groupID, maria, 0, "просто сообщение в группе")
	d.Until("three comments", func() bool { return len(d.All) >= 3 })
	d.Fetch() // nothing more may come
	if len(d.All) != 3 {
		t.Fatalf("want 3 comments, got %+v", d.All)
	}
	u := d.Find("когда закончат ремонт")[0].Comment
	wantRef := strconv.FormatInt(groupID, 10) + ":" + strconv.FormatInt(top, 10)
	if u.Ref != wantRef || u.ID != "telegram:tg:"+wantRef || u.Kind != KindComment ||
		u.Author != (moderation.Author{ID: "501", Name: "Иван Петров", ProfileURL: "https://t.me/ivanp"}) ||
		u.PostID != strconv.FormatInt(post, 10) || !strings.HasPrefix(u.Permalink, "https://t.me/c/1234567890/") {
		t.Errorf("comment %+v", u)
	}
	if u.Context == nil || u.Context.Post != "Ремонт дороги на Садовой" || u.Context.Page != "Администрация района" {
		t.Errorf("context %+v", u.Context)
	}
	r := d.Find("ответ на комментарий")[0].Comment
	if r.PostID != u.PostID || r.Context == nil || r.Context.Parent != "когда закончат ремонт" {
		t.Errorf("reply to a comment %+v %+v", r, r.Context)
	}
	o := d.Find("от чужого канала")[0].Comment
	if o.Author.ID != strconv.FormatInt(other.ID, 10) || o.Author.Exempt() {
		t.Errorf("post as another channel: %+v", o.Author)
	}
}

func TestConnector_Fetch_ScopeAll(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", func(cfg *Config) { cfg.Scope = ScopeAll })
	connect(t, c)
	d := newDriver(t, c, nil)
	f.Comment(groupID, maria, 0, "просто сообщение в группе")
	d.Until("the message", d.Has("просто сообщение в группе"))
	if k := d.Find("просто сообщение в группе")[0].Comment.Kind; k != KindGroupMessage {
		t.Errorf("kind %s", k)
	}
}

// TestConnector_Fetch_Exempt: the channel, an anonymous group admin and a
// group admin are delivered exempt; a user is not.
func TestConnector_Fetch_Exempt(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	post := f.Post(groupID, "пост")
	f.CommentAs(groupID, channel, post, "от канала")
	f.CommentAs(groupID, telegramtest.Chat{ID: groupID, Title: "Обсуждение"}, post, "анонимный админ")
	f.Comment(groupID, admin, post, "от админа")
	f.Comment(groupID, ivan, post, "от жителя")
	d.Until("four", func() bool { return len(d.All) >= 4 })
	for text, exempt := range map[string]bool{"от канала": true, "анонимный админ": true, "от админа": true, "от жителя": false} {
		if u := d.Find(text); len(u) != 1 || u[0].Comment.Author.Exempt() != exempt {
			t.Errorf("%q: want exempt %v, got %+v", text, exempt, u)
		}
	}
	if n := f.Calls("getChatAdministrators", 200); n != 2 {
		t.Errorf("admins loaded %d times, want once per chat (cached)", n)
	}
}

func TestConnector_Fetch_Edit(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	post := f.Post(groupID, "пост")
	id := f.Comment(groupID, ivan, post, "нормальный текст")
	d.Until("the comment", d.Has("нормальный текст"))
	f.Edit(groupID, id, "отредактированный текст")
	d.Until("the edit", d.Has("отредактированный текст"))
	first, edit := d.Find("нормальный текст")[0].Comment, d.Find("отредактированный текст")[0].Comment
	if edit.ID != first.ID || edit.Edited.IsZero() || !first.Edited.IsZero() || edit.Version() == first.Version() {
		t.Fatalf("edit %+v of %+v", edit, first)
	}
}

// TestConnector_Fetch_Restart: a new connector from the saved cursor reads
// what came while it was down, without what it had delivered, and replies
// in a thread opened before the restart are still comments.
func TestConnector_Fetch_Restart(t *testing.T) {
	f := newFake(t)
	c1 := newConn(t, f, "tg", nil)
	connect(t, c1)
	d1 := newDriver(t, c1, nil)
	post := f.Post(groupID, "пост")
	top := f.Comment(groupID, ivan, post, "первый")
	d1.Until("first", d1.Has("первый"))
	_ = c1.Close(context.Background())

	f.Comment(groupID, maria, top, "пока лежали: ответ")
	f.Comment(groupID, maria, post, "пока лежали: комментарий")

	c2 := newConn(t, f, "tg", nil)
	connect(t, c2)
	d2 := newDriver(t, c2, d1.Cur)
	d2.Until("both missed", func() bool { return len(d2.All) >= 2 })
	d2.Fetch()
	if len(d2.All) != 2 || len(d2.Find("первый")) != 0 {
		t.Fatalf("after restart: %+v", d2.All)
	}
}

// TestConnector_Fetch_NotConfirmedAhead: the pipeline calls Fetch with a
// cursor before it stored the batch; if it crashes then, the saved (older)
// cursor must still find the updates at Telegram.
func TestConnector_Fetch_NotConfirmedAhead(t *testing.T) {
	f := newFake(t)
	c1 := newConn(t, f, "tg", nil)
	c1.confirm = time.Hour // the crash comes before the margin
	connect(t, c1)
	d1 := newDriver(t, c1, nil)
	saved := d1.Cur // nothing stored yet
	f.Comment(groupID, ivan, f.Post(groupID, "пост"), "не сохранён")
	d1.Until("the comment", d1.Has("не сохранён"))
	// The read-ahead poll with the unsaved cursor, cut by the crash.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	if _, _, err := c1.Fetch(ctx, d1.Cur); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("read-ahead Fetch: %v", err)
	}
	cancel()
	_ = c1.Close(context.Background())

	c2 := newConn(t, f, "tg", nil)
	connect(t, c2)
	d2 := newDriver(t, c2, saved)
	d2.Until("the comment again", d2.Has("не сохранён"))
}

func TestConnector_Fetch_Errors(t *testing.T) {
	tests := []struct {
		name  string
		code  int
		desc  string
		retry int
		class moderation.ErrorClass
		wait  time.Duration
	}{
		{"unauthorized", 401, "Unauthorized", 0, moderation.ClassCredentials, 0},
		{"conflict", 409, "Conflict: terminated by other getUpdates request", 0, moderation.ClassCredentials, 0},
		{"rate limited", 429, "Too Many Requests: retry after 7", 7, moderation.ClassRetry, 7 * time.Second},
		{"server", 502, "Bad Gateway", 0, moderation.ClassRetry, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, "tg", nil)
			connect(t, c)
			f.FailNext("getUpdates", 1, tt.code, tt.desc, tt.retry)
			_, _, err := c.Fetch(context.Background(), nil)
			if moderation.Classify(err) != tt.class || moderation.RetryAfter(err) != tt.wait {
				t.Fatalf("err %v: class %s wait %s", err, moderation.Classify(err), moderation.RetryAfter(err))
			}
			if strings.Contains(err.Error(), f.Token()) {
				t.Fatalf("the token is in the error: %v", err)
			}
		})
	}
}

// TestConnector_Connect_BadToken: a wrong token is broken credentials and
// the error does not show it (Telegram's URLs hold the token).
func TestConnector_Connect_BadToken(t *testing.T) {
	f := newFake(t)
	cfg := testConfig(f)
	c := newConnector(cfg, connectorsDeps(f), "999:WRONG-secret")
	err := c.Connect(context.Background())
	if !errors.Is(err, moderation.ErrCredentials) || strings.Contains(err.Error(), "WRONG-secret") {
		t.Fatalf("Connect: %v", err)
	}
	// Down: a network error without the URL.
	f.Down()
	err = newConnector(cfg, connectorsDeps(f), f.Token()).Connect(context.Background())
	if moderation.Classify(err) != moderation.ClassRetry || strings.Contains(err.Error(), f.Token()) {
		t.Fatalf("Connect while down: %v", err)
	}
	f.Up()
}

// TestConnector_Fetch_ForwardNotAlone: a channel post alone is not
// returned as an empty batch (the pipeline pauses after one, holding up
// the first comments under a new post); Fetch reads on to the comment.
func TestConnector_Fetch_ForwardNotAlone(t *testing.T) {
	f := newFake(t)
	// A long poll that cannot time out before the comment comes.
	c := newConn(t, f, "tg", func(cfg *Config) { cfg.PollTimeout = 30 * time.Second })
	connect(t, c)
	post := f.Post(groupID, "новый пост")
	type result struct {
		ups []moderation.Update
		err error
	}
	done := make(chan result, 1)
	go func() {
		ups, _, err := c.Fetch(context.Background(), nil)
		done <- result{ups, err}
	}()
	// The forward was read and Fetch long-polls again.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.Wait(ctx, func() bool { return f.Calls("getUpdates", 200) >= 1 && f.Polling() > 0 }); err != nil {
		t.Fatal(err)
	}
	f.Comment(groupID, ivan, post, "первый комментарий")
	r := <-done
	if r.err != nil || len(r.ups) != 1 || r.ups[0].Comment.Text != "первый комментарий" {
		t.Fatalf("Fetch: %+v %v", r.ups, r.err)
	}
}

// TestConnector_Fetch_Skipped: another group the bot is in, a service
// message and comments from before the epoch are not delivered; with
// backfill the old comments are.
func TestConnector_Fetch_Skipped(t *testing.T) {
	for _, backfill := range []bool{false, true} {
		t.Run("backfill="+strconv.FormatBool(backfill), func(t *testing.T) {
			f := newFake(t)
			const elsewhere = int64(-1007777)
			f.AddGroup(elsewhere, other)
			f.Comment(elsewhere, ivan, f.Post(elsewhere, "чужой пост"), "в другой группе")
			post := f.Post(groupID, "пост")
			f.Comment(groupID, ivan, post, "") // a service message: no text, nothing attached
			f.Comment(groupID, maria, post, "старый комментарий")
			c := newConnector(testConfig(f), connectorsDeps(f), f.Token())
			c.confirm = testConfirm
			// Everything so far is from before the daemon's epoch.
			c.epoch, c.backfil = time.Now().Add(time.Hour), backfill
			t.Cleanup(func() { _ = c.Close(context.Background()) })
			connect(t, c)
			d := newDriver(t, c, nil)
			d.Fetch() // reads all the fake holds, then long-polls to its end
			var texts []string
			for _, u := range d.All {
				texts = append(texts, u.Comment.Text)
			}
			want := ""
			if backfill {
				want = "старый комментарий"
			}
			if strings.Join(texts, ",") != want {
				t.Fatalf("delivered %q, want %q", texts, want)
			}
		})
	}
}

// TestConnector_Fetch_MarginFromNextFetch: a batch's margin starts when
// the pipeline comes back for more (it has queued the batch), not when it
// was handed out: a pipeline blocked for long behind a full queue must not
// find its batches confirmed at its next Fetch.
func TestConnector_Fetch_MarginFromNextFetch(t *testing.T) {
	f := newFake(t)
	c1 := newConn(t, f, "tg", nil)
	clock := time.Now()
	c1.now = func() time.Time { return clock } // only this goroutine moves it
	c1.confirm = time.Minute
	connect(t, c1)
	f.Comment(groupID, ivan, f.Post(groupID, "пост"), "в очереди")
	d1 := newDriver(t, c1, nil)
	d1.Until("the comment", d1.Has("в очереди"))
	clock = clock.Add(time.Hour) // the pipeline was blocked that long
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, _, err := c1.Fetch(ctx, d1.Cur)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Fetch: %v", err)
	}
	_ = c1.Close(context.Background())

	c2 := newConn(t, f, "tg", nil)
	connect(t, c2)
	d2 := newDriver(t, c2, nil) // nothing was stored
	d2.Until("the comment again", d2.Has("в очереди"))
}

// With the pipeline reporting its commits (moderation.Committer), a
// stored batch's offset is confirmed at the next poll — not after the
// margin — and one not yet reported is not confirmed however long ago it
// was handed out.
func TestConnector_Fetch_ConfirmedOnCommit(t *testing.T) {
	f := newFake(t)
	c1 := newConn(t, f, "tg", nil)
	c1.confirm = time.Hour // the margin never passes: only the commit confirms
	connect(t, c1)
	d1 := newDriver(t, c1, nil)
	saved := d1.Cur
	post := f.Post(groupID, "пост")
	f.Comment(groupID, ivan, post, "сохранён")
	d1.Until("the first comment", d1.Has("сохранён"))
	c1.Committed(d1.Cur) // the pipeline stored it
	f.Comment(groupID, ivan, post, "не сохранён")
	d1.Until("the second comment", d1.Has("не сохранён"))
	// The read-ahead poll, cut by a crash before the second commit.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	if _, _, err := c1.Fetch(ctx, d1.Cur); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("read-ahead Fetch: %v", err)
	}
	cancel()
	_ = c1.Close(context.Background())

	// Restarted from an older cursor than the store's: Telegram no longer
	// holds the committed comment, and still holds the uncommitted one.
	c2 := newConn(t, f, "tg", nil)
	connect(t, c2)
	d2 := newDriver(t, c2, saved)
	d2.Until("the uncommitted comment again", d2.Has("не сохранён"))
	if d2.Has("сохранён")() {
		t.Error("the committed comment was not confirmed to Telegram at the next poll")
	}
}

// Telegram dates are whole seconds: a comment made in the very second the
// daemon first started (its epoch, with nanoseconds) is new, not old. The
// demo lost its first comment so.
func TestConnector_Fetch_SameSecondAsEpoch(t *testing.T) {
	f := newFake(t)
	id := f.Comment(groupID, maria, f.Post(groupID, "пост"), "в ту же секунду")
	var date time.Time
	for _, m := range f.Messages(groupID) {
		if int64(m.ID) == id {
			date = m.Date
		}
	}
	if date.IsZero() {
		t.Fatal("the fake's comment not found")
	}
	c := newConnector(testConfig(f), connectorsDeps(f), f.Token())
	c.confirm = testConfirm
	c.epoch = date.Truncate(time.Second).Add(999 * time.Millisecond)
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	connect(t, c)
	d := newDriver(t, c, nil)
	d.Until("the comment of the epoch's second", d.Has("в ту же секунду"))
}

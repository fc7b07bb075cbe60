package vk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

func TestConnector_Fetch_CommentDeleted(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	if on, evs := f.LongPollEnabled(); !on || len(evs) != 27 { // 24 of the sources, 2 of the guard, message_reply (appeals)
		t.Fatalf("long poll settings: enabled %v, events %v", on, evs)
	}
	d := newDriver(t, c, nil)
	post := f.AddPost("Ремонт дорог")
	id := f.AddComment(post, 501, "купите дешёвые окна http://spam.example")
	d.Until("the comment", d.Has("купите дешёвые окна http://spam.example"))

	u := d.Find("купите дешёвые окна http://spam.example")[0]
	want := moderation.Comment{
		Network: "vk", Account: "admin-vk", Kind: moderation.KindWallComment,
		ID: "vk:admin-vk:wall:-1:" + strconv.Itoa(id), Ref: "wall:-1:" + strconv.Itoa(id),
		PostID:    strconv.Itoa(post),
		Permalink: fmt.Sprintf("https://vk.com/wall-1_%d?reply=%d", post, id),
		Author:    moderation.Author{ID: "501", Name: "Иван Петров", ProfileURL: "https://vk.com/id501"},
		Text:      "купите дешёвые окна http://spam.example",
	}
	got := u.Comment
	got.Created = time.Time{}
	if x := got.Context; x == nil || *x != (moderation.Context{Page: "Администрация", Post: "Ремонт дорог"}) {
		t.Errorf("context %+v, want the page's title and the post's text", x)
	}
	got.Context = nil
	if u.Type != moderation.UpdateComment || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("update\n got %+v\nwant %+v", got, want)
	}
	if time.Since(u.Comment.Created) > time.Minute {
		t.Errorf("created %v", u.Comment.Created)
	}

	ctx := context.Background()
	if err := c.Delete(ctx, u.Comment.Ref); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if !f.Deleted(vktest.KindWall, id) {
		t.Fatal("comment not deleted on the fake")
	}
	if err := c.Delete(ctx, u.Comment.Ref); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	calls := f.Calls("wall.deleteComment")
	if len(calls) != 2 || calls[0].Token != vktest.TokenUser || calls[0].Params.Get("owner_id") != "-1" {
		t.Fatalf("delete calls: %+v", calls)
	}
}

func TestConnector_Fetch_Edit(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	id := f.AddComment(f.AddPost("p"), 502, "нормальный текст")
	d.Until("the comment", d.Has("нормальный текст"))
	if err := f.EditComment(id, "отредактированный текст"); err != nil {
		t.Fatal(err)
	}
	d.Until("the edit", d.Has("отредактированный текст"))
	first, edit := d.Find("нормальный текст")[0], d.Find("отредактированный текст")[0]
	if edit.Type != moderation.UpdateComment || edit.Comment.Edited.IsZero() || !first.Comment.Edited.IsZero() {
		t.Fatalf("edit update %+v", edit)
	}
	if edit.Comment.ID != first.Comment.ID || edit.Comment.Version() == first.Comment.Version() {
		t.Fatalf("edit must be a new version of the same ID: %s %s", edit.Comment.ID, first.Comment.ID)
	}
}

func TestConnector_Fetch_Kinds(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	ids := map[vktest.Kind]int{
		vktest.KindPhoto:   f.AddMediaComment(vktest.KindPhoto, 501, "photo comment"),
		vktest.KindVideo:   f.AddMediaComment(vktest.KindVideo, 501, "video comment"),
		vktest.KindMarket:  f.AddMediaComment(vktest.KindMarket, 501, "market comment"),
		vktest.KindBoard:   f.AddBoardPost(f.AddTopic("Вопросы"), 501, "board comment"),
		vktest.KindMessage: f.SendMessage(501, "message comment"),
	}
	kinds := map[vktest.Kind]moderation.Kind{
		vktest.KindPhoto: moderation.KindPhotoComment, vktest.KindVideo: moderation.KindVideoComment,
		vktest.KindMarket: moderation.KindMarketComment, vktest.KindBoard: moderation.KindBoardPost,
		vktest.KindMessage: moderation.KindMessage,
	}
	for k, id := range ids {
		text := string(k) + " comment"
		d.Until(text, d.Has(text))
		u := d.Find(text)[0]
		if u.Comment.Kind != kinds[k] || u.Comment.Author.Name != "Иван Петров" || u.Comment.Permalink == "" {
			t.Errorf("%s: %+v", k, u.Comment)
		}
		if err := c.Delete(context.Background(), u.Comment.Ref); err != nil {
			t.Fatalf("%s: Delete(%s): %v", k, u.Comment.Ref, err)
		}
		if !f.Deleted(k, id) {
			t.Errorf("%s %d not deleted (ref %s)", k, id, u.Comment.Ref)
		}
	}
	for _, m := range []string{"board.deleteComment", "messages.delete"} {
		if calls := f.Calls(m); len(calls) != 1 || calls[0].Token != vktest.TokenCommunity {
			t.Errorf("%s: %+v", m, calls)
		}
	}
}

func TestConnector_Fetch_Sources(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, func(cfg *Config) { cfg.Sources = []string{SourceBoard} })
	connect(t, c)
	d := newDriver(t, c, nil)
	f.AddComment(f.AddPost("p"), 501, "wall text")
	f.AddBoardPost(f.AddTopic("t"), 501, "board text")
	d.Until("board text", d.Has("board text"))
	if len(d.Find("wall text")) != 0 {
		t.Fatal("wall comment delivered though wall is not a source")
	}
}

func TestConnector_Fetch_ExemptAuthors(t *testing.T) {
	f := newFake(t, vktest.Options{Managers: []int{777}})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	post := f.AddPost("p")
	f.AddComment(post, -f.GroupID(), "from the page")
	f.AddComment(post, 777, "from a manager")
	f.AddComment(post, -999, "from another community")
	d.Until("all three", func() bool { return len(d.All) >= 3 })
	for text, exempt := range map[string]bool{"from the page": true, "from a manager": true, "from another community": false} {
		if u := d.Find(text); len(u) != 1 || u[0].Comment.Author.Exempt() != exempt {
			t.Errorf("%q: exempt want %v, got %+v", text, exempt, u)
		}
	}
}

func TestConnector_Restore(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	id := f.AddComment(f.AddPost("p"), 501, "восстанови меня")
	d.Until("the comment", d.Has("восстанови меня"))
	ref := d.Find("восстанови меня")[0].Comment.Ref
	ctx := context.Background()
	if err := c.Restore(ctx, ref); err != nil {
		t.Fatalf("Restore of a live comment (243) must succeed: %v", err)
	}
	if err := c.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if err := c.Restore(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if f.Deleted(vktest.KindWall, id) {
		t.Fatal("still deleted")
	}
	d.Until("the restore event", func() bool {
		for _, u := range d.All {
			if u.Type == moderation.UpdateRestored {
				return true
			}
		}
		return false
	})
	if err := c.Restore(ctx, "msg:501:1:1"); !errors.Is(err, moderation.ErrUnsupported) {
		t.Fatalf("restore of a message: %v", err)
	}
}

func TestConnector_BanUnban(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	ctx := context.Background()
	// Two years is more than VK takes: brought back under a year.
	err := c.Ban(ctx, "501", moderation.BanRequest{Until: time.Now().AddDate(2, 0, 0), Label: "spam",
		Comment: "Спам запрещён", Visible: true})
	if err != nil {
		t.Fatalf("Ban: %v", err)
	}
	b, ok := f.Bans()[501]
	if !ok || b.Reason != 1 || b.Comment != "Спам запрещён" || !b.Visible || b.Until.IsZero() ||
		b.Until.After(time.Now().AddDate(1, 0, 0)) {
		t.Fatalf("ban on the fake: %+v", b)
	}
	if err := c.Ban(ctx, "502", moderation.BanRequest{Label: "obscenity"}); err != nil {
		t.Fatal(err)
	}
	if b := f.Bans()[502]; b.Reason != 3 || !b.Until.IsZero() {
		t.Fatalf("permanent ban: %+v", b)
	}
	if p := f.Calls("groups.ban")[1].Params; p.Has("end_date") || p.Has("comment") {
		t.Fatalf("permanent ban params: %v", p)
	}
	if err := c.Unban(ctx, "501"); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Bans()[501]; ok {
		t.Fatal("still banned")
	}

	// Bans by hand show up; strazh's own do not come back as updates.
	d := newDriver(t, c, nil)
	until := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	f.BlockByHand(503, until, 2, "оскорбления")
	f.UnblockByHand(503)
	d.Until("block and unblock", func() bool { return len(d.All) >= 2 })
	if len(d.All) != 2 {
		t.Fatalf("want only the two by-hand updates, got %+v", d.All)
	}
	bl, ul := d.All[0], d.All[1]
	if bl.Type != moderation.UpdateBlocked || bl.Author.ID != "503" || !bl.Until.Equal(until) ||
		bl.Reason != "verbal abuse: оскорбления" || bl.By != "vk:"+strconv.Itoa(f.HandAdminID()) {
		t.Errorf("block: %+v", bl)
	}
	if ul.Type != moderation.UpdateUnblocked || ul.Author.ID != "503" {
		t.Errorf("unblock: %+v", ul)
	}
}

func TestConnector_Delete_MessageForAllRefused(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	id := f.SendMessage(501, "личное")
	d.Until("the message", d.Has("личное"))
	f.Fail("messages.delete", 924, 1)
	if err := c.Delete(context.Background(), d.Find("личное")[0].Comment.Ref); err != nil {
		t.Fatal(err)
	}
	calls := f.Calls("messages.delete")
	if !f.Deleted(vktest.KindMessage, id) || len(calls) != 2 || calls[1].Params.Get("delete_for_all") != "0" {
		t.Fatalf("calls %+v", calls)
	}
}

// TestConnector_Fetch_LongPollFailed checks failed 1/2/3: nothing lost,
// nothing delivered twice.
func TestConnector_Fetch_LongPollFailed(t *testing.T) {
	for _, failed := range []int{1, 2, 3} {
		t.Run("failed"+strconv.Itoa(failed), func(t *testing.T) {
			f := newFake(t, vktest.Options{Resend: 5})
			c := newConn(t, f, nil)
			connect(t, c)
			d := newDriver(t, c, nil)
			post := f.AddPost("p")
			for i := range 5 {
				f.AddComment(post, 501, "before "+strconv.Itoa(i))
			}
			d.Until("the first five", func() bool { return len(d.All) == 5 })
			servers := len(f.Calls("groups.getLongPollServer"))
			// With failed:3 these are behind the new ts: only the catch-up
			// can find them.
			f.AddComment(post, 502, "during")
			f.FailLongPoll(failed)
			d.Fetch()
			f.AddComment(post, 502, "after")
			d.Until("after", d.Has("after"))
			if len(d.Find("during")) != 1 || len(d.Find("after")) != 1 || d.Dups != 0 || len(d.All) != 7 {
				t.Fatalf("updates %d, dups %d: %+v", len(d.All), d.Dups, d.All)
			}
			newServers := len(f.Calls("groups.getLongPollServer")) - servers
			catchups := len(f.Calls("wall.get"))
			switch failed {
			case 1:
				if newServers != 0 || catchups != 0 {
					t.Errorf("failed:1 took %d keys and %d catch-ups", newServers, catchups)
				}
			case 2:
				if newServers != 1 || catchups != 0 {
					t.Errorf("failed:2 took %d keys and %d catch-ups", newServers, catchups)
				}
			case 3:
				if newServers != 1 || catchups != 1 {
					t.Errorf("failed:3 took %d keys and %d catch-ups", newServers, catchups)
				}
			}
		})
	}
}

// TestConnector_Fetch_Restart stops a connector, lets comments and a
// long-poll failure happen, and starts a new one from the saved cursor.
func TestConnector_Fetch_Restart(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c1 := newConn(t, f, nil)
	connect(t, c1)
	d1 := newDriver(t, c1, nil)
	old := f.AddPost("старый пост")
	for i := range 3 {
		f.AddComment(old, 501, "первый "+strconv.Itoa(i))
	}
	d1.Until("three", func() bool { return len(d1.All) == 3 })
	_ = c1.Close(context.Background())

	// Down: new comments on the old post and on a new one, with a thread.
	fresh := f.AddPost("новый пост")
	var missed []string
	for i := range 4 {
		txt := "пропущенный " + strconv.Itoa(i)
		p := []int{old, fresh}[i%2]
		root := f.AddComment(p, 502, txt)
		missed = append(missed, txt)
		f.AddReply(p, 501, root, "ответ "+txt)
		missed = append(missed, "ответ "+txt)
	}

	c2 := newConn(t, f, nil)
	connect(t, c2)
	d2 := newDriver(t, c2, d1.Cur)
	// The history lost as well, the long poll will answer failed:3 first.
	f.FailLongPoll(3)
	d2.Until("all missed", func() bool {
		for _, m := range missed {
			if len(d2.Find(m)) == 0 {
				return false
			}
		}
		return true
	})
	for range 2 { // the long poll must not bring them again
		d2.Fetch()
	}
	if d2.Dups != 0 || len(d2.All) != len(missed) {
		t.Fatalf("after restart: %d updates (%d dups), want %d", len(d2.All), d2.Dups, len(missed))
	}
	if len(f.Calls("execute")) == 0 {
		t.Error("catch-up did not batch wall.getComments with execute")
	}
}

// TestConnector_Fetch_Rewind hands an older cursor back (a batch the
// pipeline could not store): its events come again.
func TestConnector_Fetch_Rewind(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	post := f.AddPost("p")
	d.Fetch() // an empty batch
	before := d.Cur
	f.AddComment(post, 501, "не сохранён")
	d.Until("the comment", d.Has("не сохранён"))
	d.Cur = before
	d.All = nil
	d.Until("the comment again", d.Has("не сохранён"))
}

func TestConnector_Fetch_Burst(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	posts := make([]int, 50)
	for i := range posts {
		posts[i] = f.AddPost("пост " + strconv.Itoa(i))
	}
	for i := range 1000 {
		f.AddComment(posts[i%50], 1000+i%300, "комментарий "+strconv.Itoa(i))
	}
	d.Until("1000 comments", func() bool { return len(d.All) >= 1000 })
	ctx := context.Background()
	deleted := 0
	for i, u := range d.All {
		if i%10 == 0 {
			if err := c.Delete(ctx, u.Comment.Ref); err != nil {
				t.Fatal(err)
			}
			deleted++
		}
	}
	if len(d.All) != 1000 || d.Dups != 0 || f.DeletedCount() != deleted {
		t.Fatalf("got %d updates, %d dups, %d deleted", len(d.All), d.Dups, f.DeletedCount())
	}
	if n := len(f.Calls("users.get")); n > 5 {
		t.Errorf("names for 300 authors took %d users.get calls", n)
	}
}

// TestConnector_RateLimits runs deletes through the fake enforcing VK's
// limits: none is refused, and no second holds more requests than allowed.
// It runs on synctest's clock, so a loaded machine cannot make it flaky.
func TestConnector_RateLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newLocalFake(t, vktest.Options{EnforceRate: true})
		c := newConn(t, f, func(cfg *Config) { cfg.CommunityRPS, cfg.UserRPS = 20, 3 })
		connect(t, c)
		post := f.AddPost("p")
		topic := f.AddTopic("t")
		var refs []string
		for range 7 {
			refs = append(refs, "wall:-1:"+strconv.Itoa(f.AddComment(post, 501, "x")))
		}
		for range 45 {
			refs = append(refs, "board:"+strconv.Itoa(topic)+":"+strconv.Itoa(f.AddBoardPost(topic, 501, "y")))
		}
		f.ResetCalls()
		start := time.Now()
		errs := make(chan error, len(refs))
		for _, r := range refs {
			go func() { errs <- c.Delete(context.Background(), r) }()
		}
		for range refs {
			if err := <-errs; err != nil {
				t.Fatalf("Delete: %v", err)
			}
		}
		// 7 user-token calls at 3 per 1.1s take two intervals and more;
		// all at once would be refused by the fake.
		if el := time.Since(start); el < 2*time.Second || el > 3*time.Second {
			t.Errorf("52 deletes took %s on the fake clock", el)
		}
		for tok, limit := range map[vktest.TokenType]int{vktest.TokenUser: 3, vktest.TokenCommunity: 20} {
			var at []time.Time
			for _, cl := range f.Calls("") {
				if cl.Token == tok {
					at = append(at, cl.At)
				}
			}
			for i := range at {
				n := 0
				for j := i; j < len(at) && at[j].Sub(at[i]) < time.Second; j++ {
					n++
				}
				if n > limit {
					t.Fatalf("%s token: %d requests within a second (limit %d)", tok, n, limit)
				}
			}
		}
	})
}

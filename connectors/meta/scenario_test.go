package meta

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/meta/metatest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// The scenarios of issue 16 through the real pipeline and bbolt store,
// for both networks.

var networks = []string{Facebook, Instagram}

// addPost publishes a post (media) on the network's side of the fake.
func addPost(f *fake, network, text string) string {
	if network == Instagram {
		return f.AddMedia(text)
	}
	return f.AddPost(text)
}

func TestConnector_Pipeline_NewDecidedActed(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, network, network+"-page", opts{})
			connect(t, c)
			r := startPipeline(t, t.TempDir(), c)
			post := addPost(f, network, "Ремонт дорог на улице Абая")
			bad := f.AddComment(post, "", "501", "Иван Петров", "плохое слово "+obsceneMark)
			good := f.AddComment(post, "", "502", "Мария", "когда закончат ремонт?")
			reply := f.AddComment(post, good, "503", "Пётр", "ответ с "+obsceneMark)
			eventually(t, "the marked comment and reply deleted", func() bool { return f.Deleted(bad) && f.Deleted(reply) })
			eventually(t, "the clean one decided", func() bool { return r.decisions(t)["когда закончат ремонт?"] == 1 })
			if f.Deleted(good) || f.Hidden(good) {
				t.Fatal("a clean comment was removed")
			}
			d := r.Decisions(t, "ответ с "+obsceneMark)
			if len(d) != 1 || d[0].Comment.Context == nil || d[0].Comment.Context.Parent != "когда закончат ремонт?" {
				t.Fatalf("the reply's card lacks its parent: %+v", d)
			}
		})
	}
}

func TestConnector_Pipeline_RestartNoDuplicates(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			dir := t.TempDir()
			post := addPost(f, network, "Отключение воды")
			c := newConn(t, f, network, "page", opts{})
			connect(t, c)
			r := startPipeline(t, dir, c)
			f.AddComment(post, "", "501", "Иван", "первый")
			f.AddComment(post, "", "502", "Мария", "второй "+obsceneMark)
			eventually(t, "both decided", func() bool { n := r.decisions(t); return n["первый"] == 1 && n["второй "+obsceneMark] == 1 })
			r.Stop()
			_ = c.Close(context.Background())

			// While strazh is down: a new comment and a new post with one.
			f.AddComment(post, "", "501", "Иван", "пока лежал")
			post2 := addPost(f, network, "Новый пост")
			third := f.AddComment(post2, "", "503", "Пётр", "под новым постом "+obsceneMark)

			c = newConn(t, f, network, "page", opts{})
			connect(t, c)
			r = startPipeline(t, dir, c)
			eventually(t, "the missed ones decided", func() bool {
				n := r.decisions(t)
				return n["пока лежал"] == 1 && n["под новым постом "+obsceneMark] == 1
			})
			eventually(t, "the missed marked one deleted", func() bool { return f.Deleted(third) })
			polls := len(f.Calls(post + "/comments"))
			eventually(t, "more polls", func() bool { return len(f.Calls(post+"/comments")) > polls+3 })
			for text, n := range r.decisions(t) {
				if n != 1 {
					t.Errorf("%q decided %d times", text, n)
				}
			}
		})
	}
}

func TestConnector_Pipeline_RateLimited(t *testing.T) {
	for _, code := range []int{4, 32, 80001} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, Facebook, "page", opts{})
			c.api.retry = moderation.RetryPolicy{InitialInterval: 300 * time.Millisecond, MaxInterval: 300 * time.Millisecond}
			connect(t, c)
			post := f.AddPost("Субботник")
			f.Fail("/comments", 1, code, 0)
			r := startPipeline(t, t.TempDir(), c)
			id := f.AddComment(post, "", "600", "Житель", "спам "+obsceneMark)
			eventually(t, "deleted after the limit", func() bool { return f.Deleted(id) })
			_ = r
			var limited, after time.Time
			for _, call := range f.Calls("") {
				if call.Status == 400 && limited.IsZero() {
					limited = call.At
				} else if !limited.IsZero() && after.IsZero() {
					after = call.At
				}
			}
			// The pause is at least half the policy's interval (full jitter in its upper half).
			if limited.IsZero() || after.Sub(limited) < 150*time.Millisecond {
				t.Fatalf("no pause after code %d: limited at %v, next call at %v", code, limited, after)
			}
		})
	}
}

// Usage headers near the limit pause the token before Meta refuses, and
// show in Usage.
func TestConnector_Fetch_UsageBacksOff(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, Facebook, "page", opts{})
	c.api.retry = moderation.RetryPolicy{InitialInterval: time.Hour, MaxInterval: time.Hour}
	connect(t, c)
	f.SetUsage(95)
	f.AddPost("Пост")
	_, _, err := c.Fetch(context.Background(), nil)
	if err == nil {
		// The listing answered at 95 %: the token is paused from then on.
		_, _, err = c.Fetch(context.Background(), nil)
	}
	if w := moderation.RetryAfter(err); w < 30*time.Minute {
		t.Fatalf("at 95%% usage the next call is not held back: %v", err)
	}
	if u := c.Usage(); u[UsageApp] != 95 || u["pages"] != 95 {
		t.Fatalf("usage %v", u)
	}
}

func TestConnector_Pipeline_BrokenToken(t *testing.T) {
	fa, fb := newFake(t), newFake(t)
	a := newConn(t, fa, Facebook, "fb-a", opts{})
	b := newConn(t, fb, Instagram, "ig-b", opts{})
	connect(t, a)
	connect(t, b)
	r := startPipeline(t, t.TempDir(), a, b)
	pa, pb := fa.AddPost("A"), fb.AddMedia("B")
	fa.SetToken("reissued") // the Page token was revoked: 190/463
	eventually(t, "account a marked", func() bool { return r.credentialsBad("fb-a") == 1 })
	id := fb.AddComment(pb, "", "501", "Иван", "в b "+obsceneMark)
	eventually(t, "account b still acts", func() bool { return fb.Deleted(id) })
	if r.credentialsBad("ig-b") != 0 {
		t.Fatal("account b marked broken")
	}
	fa.SetToken(metatest.Token)
	ida := fa.AddComment(pa, "", "501", "Иван", "в a "+obsceneMark)
	eventually(t, "account a recovers", func() bool { return fa.Deleted(ida) && r.credentialsBad("fb-a") == 0 })
}

func TestConnector_Pipeline_Edit(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, network, "page", opts{})
			connect(t, c)
			r := startPipeline(t, t.TempDir(), c)
			post := addPost(f, network, "Пост")
			id := f.AddComment(post, "", "501", "Иван", "нормальный текст")
			eventually(t, "the comment decided", func() bool { return r.decisions(t)["нормальный текст"] == 1 })
			if err := f.EditComment(id, "исправил на "+obsceneMark); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the edit deleted", func() bool { return f.Deleted(id) })
			d := r.Decisions(t, "исправил на "+obsceneMark)
			if len(d) != 1 || d[0].Comment.Edited.IsZero() {
				t.Fatalf("the edit is not a decision of an edited version: %+v", d)
			}
		})
	}
}

// Hide mode: the moderation "delete" hides, «Восстановить» (Undo) unhides.
func TestConnector_Pipeline_HideAndRestore(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, network, "page", opts{mode: ModeHide})
			connect(t, c)
			if !c.Capabilities().Restore {
				t.Fatal("hide mode cannot restore")
			}
			r := startPipeline(t, t.TempDir(), c)
			post := addPost(f, network, "Пост")
			id := f.AddComment(post, "", "501", "Иван", "текст "+obsceneMark)
			eventually(t, "hidden", func() bool { return f.Hidden(id) })
			if f.Deleted(id) {
				t.Fatal("hide mode deleted the comment")
			}
			d := r.Decisions(t, "текст "+obsceneMark)
			if len(d) != 1 {
				t.Fatalf("decisions: %d", len(d))
			}
			eventually(t, "the hide recorded", func() bool {
				x, _ := r.Pipe.Decision(d[0].ID)
				return x != nil && len(x.Actions) > 0 && x.Actions[0].State == moderation.ActionDone
			})
			if _, err := r.Pipe.Undo(context.Background(), d[0].ID, "test", "Модератор"); err != nil {
				t.Fatal(err)
			}
			eventually(t, "unhidden", func() bool { return !f.Hidden(id) })
		})
	}
}

// Facebook blocks a banned author from the Page and unblocks on unban;
// Instagram keeps the ban in strazh's blacklist and removes the author's
// next comment on sight.
func TestConnector_Pipeline_Ban(t *testing.T) {
	t.Run(Facebook, func(t *testing.T) {
		f := newFake(t)
		c := newConn(t, f, Facebook, "page", opts{})
		connect(t, c)
		r := startPipeline(t, t.TempDir(), c)
		post := f.AddPost("Пост")
		id := f.AddComment(post, "", "777", "Спамер", "реклама "+banMark)
		eventually(t, "deleted and blocked", func() bool { return f.Deleted(id) && f.Blocked("777") })
		// The block is recorded as done after Meta answered.
		eventually(t, "the ban recorded", func() bool {
			list, err := r.DB.Blacklist("page")
			return err == nil && len(list) == 1
		})
		if n, err := r.Pipe.Unban(context.Background(), Facebook, "777", "test"); err != nil || n != 1 {
			t.Fatalf("unban: %d, %v", n, err)
		}
		eventually(t, "unblocked", func() bool { return !f.Blocked("777") })
	})
	// A Page block has no end: when a timed ban has run out, strazh unblocks.
	t.Run(Facebook+" timed ban ran out", func(t *testing.T) {
		f := newFake(t)
		c := newConn(t, f, Facebook, "page", opts{})
		connect(t, c)
		if !c.Capabilities().BanNoEnd {
			t.Fatal("Facebook must declare BanNoEnd")
		}
		for _, who := range []string{"777", "888"} {
			if err := c.Ban(context.Background(), who, moderation.BanRequest{}); err != nil || !f.Blocked(who) {
				t.Fatalf("block %s: %v", who, err)
			}
		}
		dir := t.TempDir()
		db, err := store.Open(filepath.Join(dir, "strazh.db"), &store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for _, e := range []moderation.BlacklistEntry{
			{Account: "page", Network: Facebook, Author: moderation.Author{ID: "777"}, Until: now.Add(-time.Minute), At: now.Add(-7 * 24 * time.Hour)},
			{Account: "page", Network: Facebook, Author: moderation.Author{ID: "888"}, At: now},
		} {
			if err := db.PutBan(e); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		r := startPipeline(t, dir, c)
		eventually(t, "the ran-out ban lifted on the Page", func() bool {
			list, err := r.DB.Blacklist("page")
			return !f.Blocked("777") && err == nil && len(list) == 1
		})
		if !f.Blocked("888") {
			t.Fatal("a ban for good was lifted")
		}
	})
	t.Run(Instagram, func(t *testing.T) {
		f := newFake(t)
		c := newConn(t, f, Instagram, "ig", opts{})
		connect(t, c)
		if caps := c.Capabilities(); !caps.BanLocal {
			t.Fatal("Instagram must declare BanLocal")
		}
		r := startPipeline(t, t.TempDir(), c)
		media := f.AddMedia("Фото")
		first := f.AddComment(media, "", "777", "spammer", "реклама "+banMark)
		eventually(t, "deleted", func() bool { return f.Deleted(first) })
		eventually(t, "on the blacklist", func() bool {
			list, err := r.DB.Blacklist("ig")
			return err == nil && len(list) == 1 && list[0].Author.ID == "777"
		})
		next := f.AddComment(media, "", "777", "spammer", "вполне невинный текст")
		other := f.AddComment(media, "", "501", "resident", "другой житель")
		eventually(t, "the banned author's next comment removed", func() bool { return f.Deleted(next) })
		eventually(t, "the other decided", func() bool { return r.decisions(t)["другой житель"] == 1 })
		if f.Deleted(other) {
			t.Fatal("the blacklist hit another author")
		}
	})
}

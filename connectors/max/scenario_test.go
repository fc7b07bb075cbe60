package max

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/max/maxtest"
)

// The scenarios of issue 13 through the real pipeline and bbolt store.

func TestConnector_Pipeline_CommentDeleted(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	c := newConn(t, f, "max-admin", nil)
	connect(t, c)
	r := startPipeline(t, t.TempDir(), c)
	post := f.AddPost("Ремонт дорог на улице Ленина")
	bad := f.AddComment(post, 501, "Иван Петров", "плохое слово "+obsceneMark)
	good := f.AddComment(post, 502, "Мария", "когда закончат ремонт?")
	eventually(t, "the marked comment deleted on the fake", func() bool { return f.Deleted(bad) })
	eventually(t, "both decided", func() bool { n := r.decisions(t); return n["когда закончат ремонт?"] == 1 })
	if f.Deleted(good) {
		t.Fatal("a clean comment was deleted")
	}
	for _, call := range f.Calls("") {
		if strings.Contains(call.Query, "access_token") {
			t.Fatalf("token sent in the query: %+v", call)
		}
	}
}

func TestConnector_Pipeline_RestartNoDuplicates(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	dir := t.TempDir()
	post := f.AddPost("Отключение воды")
	r := startPipeline(t, dir, connected(t, f, "max-admin"))
	f.AddComment(post, 501, "Иван", "первый")
	f.AddComment(post, 502, "Мария", "второй "+obsceneMark)
	eventually(t, "both decided", func() bool { n := r.decisions(t); return n["первый"] == 1 && n["второй "+obsceneMark] == 1 })
	r.stop()

	// While strazh is down: a new comment and a new post with one.
	f.AddComment(post, 501, "Иван", "пока лежал")
	post2 := f.AddPost("Новый пост")
	third := f.AddComment(post2, 503, "Пётр", "под новым постом "+obsceneMark)

	r = startPipeline(t, dir, connected(t, f, "max-admin"))
	eventually(t, "the missed ones decided", func() bool {
		n := r.decisions(t)
		return n["пока лежал"] == 1 && n["под новым постом "+obsceneMark] == 1
	})
	eventually(t, "the missed marked one deleted", func() bool { return f.Deleted(third) })
	// A few more cycles, then nothing is decided twice.
	polls := len(f.Calls("/messages/" + post + "/comments"))
	eventually(t, "more polls", func() bool { return len(f.Calls("/messages/"+post+"/comments")) > polls+3 })
	for text, n := range r.decisions(t) {
		if n != 1 {
			t.Errorf("%q decided %d times", text, n)
		}
	}
}

func TestConnector_Pipeline_RateLimited(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	c := newConn(t, f, "max-admin", nil)
	connect(t, c)
	post := f.AddPost("Субботник")
	// The comments endpoint answers 429 with a hint of one second first.
	path := "/messages/" + post + "/comments"
	f.Fail(path, 1, http.StatusTooManyRequests, 1)
	r := startPipeline(t, t.TempDir(), c)
	var ids []string
	for i := range 5 {
		ids = append(ids, f.AddComment(post, int64(600+i), "Житель", "спам "+obsceneMark+" "+string(rune('a'+i))))
	}
	eventually(t, "all five deleted", func() bool {
		for _, id := range ids {
			if !f.Deleted(id) {
				return false
			}
		}
		return true
	})
	_ = r
	calls := f.Calls(path)
	var limited, after time.Time
	for _, call := range calls {
		if call.Status == http.StatusTooManyRequests && call.Method == http.MethodGet && limited.IsZero() {
			limited = call.At
		} else if !limited.IsZero() && call.Method == http.MethodGet && after.IsZero() {
			after = call.At
		}
		if call.Method == http.MethodDelete && call.Status == http.StatusTooManyRequests {
			t.Errorf("a deletion went past MAX's 2/s: %+v", call)
		}
	}
	if limited.IsZero() || after.Sub(limited) < time.Second {
		t.Fatalf("the 429's one-second hint not honoured: limited at %v, next read at %v", limited, after)
	}
	// Deletions in the fake's own record are paced at most two a second.
	var dels []time.Time
	for _, call := range calls {
		if call.Method == http.MethodDelete {
			dels = append(dels, call.At)
		}
	}
	for i := 2; i < len(dels); i++ {
		if dels[i].Sub(dels[i-2]) < time.Second {
			t.Fatalf("three deletions within a second: %v", dels[i-2:i+1])
		}
	}
}

func TestConnector_Pipeline_BrokenToken(t *testing.T) {
	fa := newFake(t, maxtest.Options{})
	fb := newFake(t, maxtest.Options{})
	a, b := connected(t, fa, "max-a"), connected(t, fb, "max-b")
	r := startPipeline(t, t.TempDir(), a, b)
	pa, pb := fa.AddPost("A"), fb.AddPost("B")
	fa.SetToken("revoked") // the bot's token was reissued
	eventually(t, "account a marked", func() bool { return r.credentialsBad("max-a") == 1 })
	id := fb.AddComment(pb, 501, "Иван", "в b "+obsceneMark)
	eventually(t, "account b still deletes", func() bool { return fb.Deleted(id) })
	if r.credentialsBad("max-b") != 0 {
		t.Fatal("account b marked broken")
	}
	// The token is fixed: a reads again.
	fa.SetToken(maxtest.Token)
	ida := fa.AddComment(pa, 501, "Иван", "в a "+obsceneMark)
	eventually(t, "account a recovers", func() bool { return fa.Deleted(ida) && r.credentialsBad("max-a") == 0 })
}

func TestConnector_Pipeline_Edit(t *testing.T) {
	for _, push := range []bool{false, true} {
		name := map[bool]string{false: "polled", true: "pushed"}[push]
		t.Run(name, func(t *testing.T) {
			f := newFake(t, maxtest.Options{PushComments: push})
			c := connected(t, f, "max-admin")
			r := startPipeline(t, t.TempDir(), c)
			post := f.AddPost("Пост")
			id := f.AddComment(post, 501, "Иван", "нормальный текст")
			eventually(t, "the comment decided", func() bool { return r.decisions(t)["нормальный текст"] == 1 })
			if err := f.EditComment(id, "исправил на "+obsceneMark); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the edit deleted", func() bool { return f.Deleted(id) })
		})
	}
}

func TestConnector_Pipeline_BanBlacklist(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	dir := t.TempDir()
	post := f.AddPost("Пост")
	r := startPipeline(t, dir, connected(t, f, "max-admin"))
	first := f.AddComment(post, 777, "Спамер", "реклама "+banMark)
	eventually(t, "the banned comment deleted", func() bool { return f.Deleted(first) })
	eventually(t, "the ban in strazh's blacklist", func() bool {
		list, err := r.DB.Blacklist("max-admin")
		return err == nil && len(list) == 1 && list[0].Author.ID == "777"
	})
	r.stop()

	// After a restart the author's clean comment is deleted on sight, as
	// a decision of its own; another author's is not.
	r = startPipeline(t, dir, connected(t, f, "max-admin"))
	next := f.AddComment(post, 777, "Спамер", "вполне невинный текст")
	other := f.AddComment(post, 501, "Иван", "другой житель")
	eventually(t, "the banned author's next comment deleted", func() bool { return f.Deleted(next) })
	eventually(t, "the other decided", func() bool { return r.decisions(t)["другой житель"] == 1 })
	if f.Deleted(other) || r.decisions(t)["вполне невинный текст"] != 1 {
		t.Fatal("blacklist hit the wrong comment, or the deletion on sight is not a decision")
	}
}

// TestConnector_Pipeline_EditWhileDown: MAX gives no edit time, so an edit
// made while strazh was stopped, to a comment decided before, is found by
// the first cycle after the restart (the comment is handed over again and
// the pipeline sees a new version); the unchanged comments are not decided
// twice.
func TestConnector_Pipeline_EditWhileDown(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	dir := t.TempDir()
	post := f.AddPost("Отключение воды")
	r := startPipeline(t, dir, connected(t, f, "max-admin"))
	edited := f.AddComment(post, 501, "Иван", "когда дадут воду?")
	f.AddComment(post, 502, "Мария", "спасибо за новости")
	eventually(t, "both decided", func() bool {
		n := r.decisions(t)
		return n["когда дадут воду?"] == 1 && n["спасибо за новости"] == 1
	})
	r.stop()

	if err := f.EditComment(edited, "исправил на "+obsceneMark); err != nil {
		t.Fatal(err)
	}
	r = startPipeline(t, dir, connected(t, f, "max-admin"))
	eventually(t, "the edit made while down deleted", func() bool { return f.Deleted(edited) })
	polls := len(f.Calls("/messages/" + post + "/comments"))
	eventually(t, "more polls", func() bool { return len(f.Calls("/messages/"+post+"/comments")) > polls+3 })
	for text, n := range r.decisions(t) {
		if n != 1 {
			t.Errorf("%q decided %d times", text, n)
		}
	}
}

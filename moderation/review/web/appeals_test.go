package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// openAppeal records an appeal of a comment on the sim network, due by
// deadline, on the account ("page" replies from strazh; "board" cannot).
func (sf *simFixture) openAppeal(id uint64, account, text string, deadline time.Time) (string, uint64) {
	sf.t.Helper()
	cid, c := sf.post(text)
	a := &moderation.Appeal{DecisionID: id, Network: "sim", Account: account, CommentID: c.ID, Ref: cid, PostID: "p1",
		Permalink: "https://sim.example/post/p1#" + cid, Author: c.Author, Topic: "roads", Text: text,
		OpenedAt: deadline.Add(-24 * time.Hour), Deadline: deadline}
	if ok, err := sf.db.OpenAppeal(a); err != nil || !ok {
		sf.t.Fatalf("open appeal: %v %v", ok, err)
	}
	return cid, id
}

func TestServer_Appeals_AnswerPostsAndCloses(t *testing.T) {
	sf := newSimFixture(t)
	cid, id := sf.openAppeal(101, "page", "Когда засыплют яму у дома 5?", time.Now().Add(-time.Hour))
	_, onTime := sf.openAppeal(102, "page", "Когда включат свет на остановке?", time.Now().Add(5*time.Hour))
	sf.openAppeal(103, "board", "Почему не вывозят мусор?", time.Now().Add(5*time.Hour))
	c := sf.client()
	_, csrf := c.login("mod", "password-mod")

	_, page, _ := c.do("GET", "/appeals", nil)
	for _, w := range []string{`href="/appeals"`, "appeal-" + itoa(id), "appeal-" + itoa(onTime), "Когда засыплют яму", "roads", "Иван",
		"https://sim.example/post/p1#" + cid, "Ответить до", `class="card appeal overdue" id="appeal-` + itoa(id) + `"`, "просрочено",
		`class="card appeal" id="appeal-` + itoa(onTime) + `"`, "ответьте на странице вручную"} {
		if !strings.Contains(page, w) {
			t.Fatalf("the appeals page lacks %q:\n%s", w, page)
		}
	}
	if n := strings.Count(page, `action="/appeals/reply"`); n != 2 {
		t.Errorf("%d answer forms, want 2 (none for the network that cannot reply)", n)
	}

	answer := "Яму засыплют до пятницы, заявка передана в дорожную службу."
	code, _, h := c.multipart("/appeals/reply", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "text": {"  " + answer + "\n"}})
	if code != http.StatusSeeOther {
		t.Fatalf("reply: %d", code)
	}
	if got := sf.net.Replies(cid); !slices.Equal(got, []string{answer}) {
		t.Errorf("replies on the network %q, want [%q]", got, answer)
	}
	a, err := sf.db.Appeal(id)
	if err != nil || a.Open() || a.AnsweredBy != "web:mod" || a.ReplyRef == "" {
		t.Fatalf("appeal after the answer: %+v %v; want closed by web:mod with the reply's ref", a, err)
	}
	_, page, _ = c.do("GET", h.Get("Location"), nil)
	if !strings.Contains(page, `id="answered"`) || !strings.Contains(page, "web:mod") || strings.Contains(page, "appeal-"+itoa(id)) {
		t.Errorf("after the answer the page does not say it, or still lists the appeal:\n%s", page)
	}

	// A second answer (another tab, another moderator) posts nothing.
	_, _, h = c.do("POST", "/appeals/reply", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "text": {"ещё раз"}})
	if !strings.Contains(h.Get("Location"), "already=1") || len(sf.net.Replies(cid)) != 1 {
		t.Errorf("a second answer: %q, replies %q", h.Get("Location"), sf.net.Replies(cid))
	}
}

func TestServer_Appeals_English(t *testing.T) {
	sf := newSimFixture(t)
	sf.openAppeal(101, "page", "Когда засыплют яму у дома 5?", time.Now().Add(-time.Hour))
	sf.openAppeal(102, "board", "Почему не вывозят мусор?", time.Now().Add(time.Hour))
	c := sf.client()
	c.login("mod", "password-mod")
	_, page, _ := c.do("GET", "/appeals?lang=en", nil)
	for _, w := range []string{"Appeals waiting for an answer (2)", "Answer by", "overdue", ">Reply</button>", "answer on the page by hand"} {
		if !strings.Contains(page, w) {
			t.Errorf("the English appeals page lacks %q:\n%s", w, page)
		}
	}
}

func TestServer_Appeals_Refused(t *testing.T) {
	sf := newSimFixture(t)
	cid, id := sf.openAppeal(101, "page", "Когда засыплют яму у дома 5?", time.Now().Add(time.Hour))
	hcid, hid := sf.openAppeal(102, "board", "Почему не вывозят мусор?", time.Now().Add(time.Hour))
	tests := []struct {
		name, user string
		badCSRF    bool
		id         uint64
		text       string
		want       int
	}{
		{"viewer", "view", false, id, "ответ", http.StatusForbidden},
		{"no CSRF token", "mod", true, id, "ответ", http.StatusForbidden},
		{"empty answer", "mod", false, id, "  \n ", http.StatusBadRequest},
		{"too long", "mod", false, id, strings.Repeat("я", maxAnswer+1), http.StatusBadRequest},
		{"network without replies", "mod", false, hid, "ответ", http.StatusBadRequest},
		{"no such appeal", "mod", false, 999, "ответ", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sf.client()
			_, csrf := c.login(tt.user, "password-"+tt.user)
			if tt.badCSRF {
				csrf = "x"
			}
			code, _, _ := c.multipart("/appeals/reply", url.Values{"csrf": {csrf}, "id": {itoa(tt.id)}, "text": {tt.text}})
			if code != tt.want {
				t.Errorf("%d, want %d", code, tt.want)
			}
			for _, x := range []struct {
				cid string
				id  uint64
			}{{cid, id}, {hcid, hid}} {
				if a, _ := sf.db.Appeal(x.id); len(sf.net.Replies(x.cid)) != 0 || !a.Open() {
					t.Fatalf("a refused answer reached the network or closed the appeal")
				}
			}
		})
	}
	c := sf.client()
	c.login("view", "password-view")
	if _, page, _ := c.do("GET", "/appeals", nil); !strings.Contains(page, "appeal-"+itoa(id)) || strings.Contains(page, `action="/appeals/reply"`) {
		t.Errorf("a viewer sees no appeals, or an answer form")
	}
}

// The longest answer allowed fits the console's body limit as the form
// sends it (URL-encoded it would not).
func TestServer_Appeals_LongestAnswerPosts(t *testing.T) {
	sf := newSimFixture(t)
	cid, id := sf.openAppeal(101, "page", "Когда засыплют яму у дома 5?", time.Now().Add(time.Hour))
	c := sf.client()
	_, csrf := c.login("mod", "password-mod")
	answer := strings.Repeat("я", maxAnswer)
	if code, _, _ := c.multipart("/appeals/reply", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "text": {answer}}); code != http.StatusSeeOther {
		t.Fatalf("the longest answer: %d", code)
	}
	if got := sf.net.Replies(cid); len(got) != 1 || got[0] != answer {
		t.Errorf("the longest answer is not on the network whole")
	}
}

func TestServer_Appeals_NetworkFailsTextKept(t *testing.T) {
	sf := newSimFixture(t)
	cid, id := sf.openAppeal(101, "page", "Когда засыплют яму у дома 5?", time.Now().Add(time.Hour))
	sf.net.FailNext("/api/comments/reply", 1, http.StatusBadRequest, 0)
	c := sf.client()
	_, csrf := c.login("mod", "password-mod")
	answer := "Яму засыплют до пятницы."
	code, page, _ := c.do("POST", "/appeals/reply", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "text": {answer}})
	if code != http.StatusBadGateway || !strings.Contains(page, "Ответ не опубликован") || !strings.Contains(page, ">"+answer+"</textarea>") {
		t.Errorf("a failed post: %d, the page does not say it or lost the text:\n%s", code, page)
	}
	if a, _ := sf.db.Appeal(id); !a.Open() || len(sf.net.Replies(cid)) != 0 {
		t.Errorf("a failed post closed the appeal or posted")
	}
	if code, _, _ := c.do("POST", "/appeals/reply", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "text": {answer}}); code != http.StatusSeeOther || len(sf.net.Replies(cid)) != 1 {
		t.Errorf("answering again after the failure: %d, replies %q", code, sf.net.Replies(cid))
	}
}

func TestServer_Appeals_NotTracked(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	_, csrf := c.login("mod", "password-mod")
	_, page, _ := c.do("GET", "/queue", nil)
	if strings.Contains(page, `href="/appeals"`) {
		t.Errorf("the menu offers appeals that are not tracked")
	}
	if code, _, _ := c.do("GET", "/appeals", nil); code != http.StatusNotFound {
		t.Errorf("GET /appeals without appeals: %d, want 404", code)
	}
	if code, _, _ := c.do("POST", "/appeals/reply", url.Values{"csrf": {csrf}, "id": {"1"}, "text": {"x"}}); code != http.StatusNotFound {
		t.Errorf("POST /appeals/reply without appeals: %d, want 404", code)
	}
}

// An appeal whose comment its author edited shows the text as it is now,
// and says it was edited (the pipeline updates it: appeals_edited.go).
func TestServer_Appeals_EditedText(t *testing.T) {
	sf := newSimFixture(t)
	_, id := sf.openAppeal(101, "page", "Когда засыплют яму?", time.Now().Add(time.Hour))
	edited := time.Date(2026, 11, 30, 14, 5, 0, 0, time.Local)
	if _, err := sf.db.UpdateAppeal(id, func(a *moderation.Appeal) error {
		a.Text, a.EditedAt = "Когда засыплют яму у дома 5?", edited
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c := sf.client()
	c.login("mod", "password-mod")
	for _, tt := range []struct{ lang, want string }{{"ru", "изменён автором 30.11.2026 14:05"}, {"en", "edited by the author 30.11.2026 14:05"}} {
		_, page, _ := c.do("GET", "/appeals?lang="+tt.lang, nil)
		if !strings.Contains(page, "Когда засыплют яму у дома 5?") || !strings.Contains(page, tt.want) {
			t.Errorf("%s: the appeals page lacks the new text or %q:\n%s", tt.lang, tt.want, page)
		}
	}
}

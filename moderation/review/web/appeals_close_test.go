package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// A moderator closes an overdue appeal of a network strazh cannot answer
// as «Не обращение», and one as «Ответили вне соцсети»: nothing is posted,
// they leave the list, the store records web:<user>; a second closing
// says it was closed already.
func TestServer_Appeals_CloseWithoutPosting(t *testing.T) {
	sf := newSimFixture(t)
	hcid, hid := sf.openAppeal(101, "board", "Почему не вывозят мусор?", time.Now().Add(-time.Hour))
	cid, id := sf.openAppeal(102, "page", "Когда засыплют яму у дома 5?", time.Now().Add(5*time.Hour))
	c := sf.client()
	_, csrf := c.login("mod", "password-mod")
	_, page, _ := c.do("GET", "/appeals", nil)
	if n := strings.Count(page, `action="/appeals/close"`); n != 2 {
		t.Fatalf("%d close forms, want 2 (the network without replies too):\n%s", n, page)
	}
	for _, w := range []string{"<summary>Закрыть</summary>", `value="elsewhere">Ответили вне соцсети</button>`, `value="not-appeal">Не обращение</button>`} {
		if !strings.Contains(page, w) {
			t.Errorf("the appeals page lacks %q", w)
		}
	}

	code, _, h := c.do("POST", "/appeals/close", url.Values{"csrf": {csrf}, "id": {itoa(hid)}, "as": {"not-appeal"}})
	if code != http.StatusSeeOther {
		t.Fatalf("close: %d", code)
	}
	a, err := sf.db.Appeal(hid)
	if err != nil || a.Open() || !a.NotAppeal() || a.ClosedBy != "web:mod" || a.ClosedAt.IsZero() {
		t.Fatalf("appeal after «Не обращение»: %+v %v", a, err)
	}
	_, page, _ = c.do("GET", h.Get("Location"), nil)
	if !strings.Contains(page, "Закрыто: не обращение #"+itoa(hid)+": web:mod") || strings.Contains(page, `id="appeal-`+itoa(hid)+`"`) {
		t.Errorf("after closing the page does not say it, or still lists the appeal:\n%s", page)
	}
	if code, _, _ := c.multipart("/appeals/close", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "as": {"elsewhere"}}); code != http.StatusSeeOther {
		t.Fatalf("close as elsewhere: %d", code)
	}
	a, err = sf.db.Appeal(id)
	if err != nil || a.Closed != moderation.ClosedElsewhere || a.AnsweredBy != "web:mod" || !a.OnTime() {
		t.Fatalf("appeal after «Ответили вне соцсети»: %+v %v", a, err)
	}
	if len(sf.net.Replies(cid)) != 0 || len(sf.net.Replies(hcid)) != 0 {
		t.Errorf("closing posted on the network")
	}
	_, _, h = c.do("POST", "/appeals/close", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "as": {"not-appeal"}})
	if !strings.Contains(h.Get("Location"), "already=1") {
		t.Fatalf("a second closing: %q", h.Get("Location"))
	}
	if a, _ := sf.db.Appeal(id); a.Closed != moderation.ClosedElsewhere {
		t.Errorf("a second closing changed the appeal: %+v", a)
	}
	_, page, _ = c.do("GET", h.Get("Location"), nil)
	if !strings.Contains(page, "Уже закрыто #"+itoa(id)+": web:mod") {
		t.Errorf("a second closing does not say it was closed, by whom:\n%s", page)
	}
	if _, page, _ := c.do("GET", "/appeals?lang=en", nil); !strings.Contains(page, "No open appeals.") {
		t.Errorf("closed appeals still listed")
	}
}

func TestServer_Appeals_CloseRefused(t *testing.T) {
	sf := newSimFixture(t)
	_, id := sf.openAppeal(101, "page", "Когда засыплют яму у дома 5?", time.Now().Add(time.Hour))
	tests := []struct {
		name, user string
		badCSRF    bool
		id, as     string
		want       int
	}{
		{"viewer", "view", false, itoa(id), "not-appeal", http.StatusForbidden},
		{"no CSRF token", "mod", true, itoa(id), "not-appeal", http.StatusForbidden},
		{"bad way", "mod", false, itoa(id), "spam", http.StatusBadRequest},
		{"bad number", "mod", false, "x", "elsewhere", http.StatusBadRequest},
		{"no such appeal", "mod", false, "999", "elsewhere", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sf.client()
			_, csrf := c.login(tt.user, "password-"+tt.user)
			if tt.badCSRF {
				csrf = "x"
			}
			code, _, _ := c.do("POST", "/appeals/close", url.Values{"csrf": {csrf}, "id": {tt.id}, "as": {tt.as}})
			if code != tt.want {
				t.Errorf("%d, want %d", code, tt.want)
			}
			if a, _ := sf.db.Appeal(id); !a.Open() {
				t.Fatalf("a refused closing closed the appeal: %+v", a)
			}
		})
	}
	c := sf.client()
	c.login("view", "password-view")
	if _, page, _ := c.do("GET", "/appeals", nil); strings.Contains(page, `action="/appeals/close"`) {
		t.Errorf("a viewer is offered closing")
	}
}

package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

func TestServer_Decide_Flow(t *testing.T) {
	tests := []struct {
		action, wantCall string
	}{
		{"keep", "resolve %d allow 0s web:mod"},
		{"delete", "resolve %d delete 0s web:mod"},
		{"ban-day", "resolve %d ban 24h0m0s web:mod"},
		{"ban-week", "resolve %d ban 168h0m0s web:mod"},
		{"ban-month", "resolve %d ban 720h0m0s web:mod"},
		{"ban-forever", "resolve %d ban 0s web:mod"},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			f := newFixture(t)
			id := f.commit("сомнительный комментарий", moderation.Review)
			c := f.client()
			_, csrf := c.login("mod", "password-mod")
			_, page, _ := c.do("GET", "/queue", nil)
			for _, w := range []string{"card-" + itoa(id), "Оставить", "Удалить", "Удалить и забанить", "1 день", "1 неделя", "1 месяц", "Навсегда"} {
				if !strings.Contains(page, w) {
					t.Fatalf("queue lacks %q", w)
				}
			}
			code, _, h := c.do("POST", "/decide", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "action": {tt.action}})
			if code != http.StatusSeeOther {
				t.Fatalf("decide: %d", code)
			}
			if want := strings.ReplaceAll(tt.wantCall, "%d", itoa(id)); !slices.Equal(f.mod.Calls(), []string{want}) {
				t.Errorf("calls %v, want [%s]", f.mod.Calls(), want)
			}
			_, page, _ = c.do("GET", h.Get("Location"), nil)
			if strings.Contains(page, "card-"+itoa(id)) || !strings.Contains(page, `id="outcome"`) {
				t.Errorf("after the decision the card is still listed or the outcome is not shown")
			}
		})
	}
}

func TestServer_Decide_AlreadyDecidedElsewhere(t *testing.T) {
	f := newFixture(t)
	id := f.commit("сомнительный комментарий", moderation.Review)
	if _, err := f.mod.Resolve(t.Context(), id, moderation.Allow, 0, "telegram:5", "Оля"); err != nil {
		t.Fatal(err)
	}
	c := f.client()
	_, csrf := c.login("mod", "password-mod")
	_, _, h := c.do("POST", "/decide", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "action": {"delete"}})
	_, page, _ := c.do("GET", h.Get("Location"), nil)
	if !strings.Contains(page, "Уже решено") || !strings.Contains(page, "telegram:5") {
		t.Errorf("the page does not say who decided first:\n%s", page)
	}
}

// A «Восстановить» of a decision that acted on nothing (kept in another
// channel meanwhile) says so instead of a 500 page.
func TestServer_Decide_NothingToRestore(t *testing.T) {
	f := newFixture(t)
	id := f.commit("сомнительный комментарий", moderation.Review)
	if _, err := f.mod.Resolve(t.Context(), id, moderation.Allow, 0, "telegram:5", "Оля"); err != nil {
		t.Fatal(err)
	}
	c := f.client()
	_, csrf := c.login("mod", "password-mod")
	code, page, _ := c.do("POST", "/decide", url.Values{"csrf": {csrf}, "id": {itoa(id)}, "action": {"restore"}})
	if code != http.StatusConflict || !strings.Contains(page, "Восстанавливать нечего") {
		t.Errorf("restore of a kept comment: %d\n%s", code, page)
	}
}

func TestServer_Decide_BadInput(t *testing.T) {
	f := newFixture(t)
	id := f.commit("сомнительный комментарий", moderation.Review)
	c := f.client()
	_, csrf := c.login("mod", "password-mod")
	for _, form := range []url.Values{
		{"id": {"x"}, "action": {"keep"}},
		{"id": {itoa(id)}, "action": {"explode"}},
		{"id": {itoa(id)}, "action": {"ban-year"}},
	} {
		form.Set("csrf", csrf)
		if code, _, _ := c.do("POST", "/decide", form); code != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", form, code)
		}
	}
	if code, _, _ := c.do("POST", "/decide", url.Values{"csrf": {csrf}, "id": {"999"}, "action": {"keep"}}); code != http.StatusNotFound {
		t.Errorf("unknown id: %d, want 404", code)
	}
	big := url.Values{"csrf": {csrf}, "id": {itoa(id)}, "action": {"keep"}, "pad": {strings.Repeat("x", maxBody)}}
	if code, _, _ := c.do("POST", "/decide", big); code == http.StatusSeeOther {
		t.Errorf("an oversized body was accepted")
	}
}

func TestServer_Audit_SearchAndCSV(t *testing.T) {
	f := newFixture(t)
	f.commit("про дороги и ямы", moderation.Allow)
	del := f.commit("Ругань ПЛОХАЯ", moderation.Delete)
	f.commit("про ямы снова", moderation.Allow)
	c := f.client()
	c.login("view", "password-view")
	_, page, _ := c.do("GET", "/audit?q=плохая", nil)
	if !strings.Contains(page, "Ругань ПЛОХАЯ") || strings.Contains(page, "про дороги") {
		t.Errorf("text search (case-insensitive) shows the wrong rows:\n%s", page)
	}
	_, page, _ = c.do("GET", "/audit?verdict=delete&rule=obscene", nil)
	if !strings.Contains(page, "Ругань") || strings.Contains(page, "ямы") {
		t.Errorf("verdict+rule filter shows the wrong rows")
	}
	code, csv, h := c.do("GET", "/audit.csv?q=%D1%8F%D0%BC%D1%8B", nil)
	if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || strings.Count(csv, "\n") != 2 || strings.Contains(csv, itoa(del)+",") {
		t.Errorf("CSV %d %q:\n%s", code, h.Get("Content-Type"), csv)
	}
	if code, _, _ := c.do("GET", "/audit?since=yesterday", nil); code != http.StatusBadRequest {
		t.Errorf("bad date: %d, want 400", code)
	}
}

func TestServer_Pages_EscapeCitizenText(t *testing.T) {
	f := newFixture(t)
	f.commit(`<script>alert(1)</script><img src=x onerror=alert(2)>`, moderation.Review)
	c := f.client()
	c.login("boss", "password-boss")
	for _, p := range []string{"/queue", "/audit", "/author?network=vk&id=77"} {
		_, page, _ := c.do("GET", p, nil)
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") {
			t.Errorf("%s: citizen text not escaped", p)
		}
		if !strings.Contains(page, "&lt;script&gt;") {
			t.Errorf("%s: the text is not shown", p)
		}
	}
}

func TestServer_Pages_English(t *testing.T) {
	f := newFixture(t)
	f.commit("сомнительный комментарий", moderation.Review)
	c := f.client()
	c.login("boss", "password-boss")
	_, page, _ := c.do("GET", "/queue?lang=en", nil)
	for _, w := range []string{"Keep", "Delete and ban", "1 week", "Forever"} {
		if !strings.Contains(page, w) {
			t.Errorf("English queue lacks %q", w)
		}
	}
	_, page, _ = c.do("GET", "/stats", nil) // the cookie remembers the choice
	if !strings.Contains(page, "Comments per day") {
		t.Errorf("English not remembered on the next page")
	}
}

func TestServer_StatsAndStatus(t *testing.T) {
	f := newFixture(t)
	f.commit("ок", moderation.Allow)
	f.commit("мат", moderation.Delete)
	c := f.client()
	_, csrf := c.login("boss", "password-boss")
	_, page, _ := c.do("GET", "/stats", nil)
	for _, w := range []string{`id="chart-comments"`, "<rect", "obscene", "Комментариев: 2 · удалено: 1"} {
		if !strings.Contains(page, w) {
			t.Errorf("stats lacks %q", w)
		}
	}
	_, page, _ = c.do("GET", "/status", nil)
	if !strings.Contains(page, "v3") || !strings.Contains(page, "загружено: 42") {
		t.Errorf("status lacks the model or the rules")
	}
	c.do("POST", "/pause", url.Values{"csrf": {csrf}})
	_, page, _ = c.do("GET", "/status", nil)
	if !strings.Contains(page, "на паузе") || !strings.Contains(page, "Возобновить") {
		t.Errorf("paused state not shown")
	}
	if got := f.mod.Calls(); !slices.Equal(got, []string{"pause web:boss"}) {
		t.Errorf("calls %v", got)
	}
}

func TestServer_Users_AdminRemoves(t *testing.T) {
	f := newFixture(t)
	mod := f.client()
	mod.login("mod", "password-mod")
	c := f.client()
	_, csrf := c.login("boss", "password-boss")
	_, page, _ := c.do("GET", "/users", nil)
	if !strings.Contains(page, "mod") || !strings.Contains(page, "наблюдатель") || strings.Contains(page, "argon2") {
		t.Fatalf("users page:\n%s", page)
	}
	if code, _, _ := c.do("POST", "/users/remove", url.Values{"csrf": {csrf}, "name": {"boss"}}); code != http.StatusBadRequest {
		t.Errorf("removing oneself: %d, want 400", code)
	}
	if code, _, _ := c.do("POST", "/users/remove", url.Values{"csrf": {csrf}, "name": {"mod"}}); code != http.StatusSeeOther {
		t.Fatalf("remove mod: %d", code)
	}
	if code, _, _ := mod.do("GET", "/queue", nil); code != http.StatusSeeOther {
		t.Errorf("the removed moderator's session still works: %d", code)
	}
	if code, _, _ := mod.do("GET", "/users", nil); code != http.StatusSeeOther {
		t.Errorf("GET /users without a valid session: %d", code)
	}
}

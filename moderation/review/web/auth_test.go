package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServer_Login_Cookie(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	_, page, _ := c.do("GET", "/login", nil)
	_, _, h := c.do("POST", "/login", url.Values{"csrf": {csrfIn(t, page)}, "user": {"mod"}, "password": {"password-mod"}})
	ck := h.Get("Set-Cookie")
	for _, want := range []string{cookieSession + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(strings.Join(h.Values("Set-Cookie"), "\n"), want) {
			t.Errorf("Set-Cookie %q lacks %q", ck, want)
		}
	}
	if strings.Contains(strings.Join(h.Values("Set-Cookie"), "\n"), "Secure") {
		t.Errorf("Secure set without secure_cookies: %v", h.Values("Set-Cookie"))
	}
}

func TestServer_Login_Refused(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ name, user, pw string }{
		{"wrong password", "mod", "password-view"},
		{"no such user", "nobody", "password-mod"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.client()
			if _, csrf := c.login(tt.user, tt.pw); csrf != "" {
				t.Fatal("signed in")
			}
			if code, _, h := c.do("GET", "/queue", nil); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
				t.Errorf("GET /queue after a failed sign-in: %d %s, want a redirect to /login", code, h.Get("Location"))
			}
		})
	}
}

func TestServer_Login_NeedsFormToken(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	c.do("GET", "/login", nil)
	code, _, _ := c.do("POST", "/login", url.Values{"csrf": {"forged"}, "user": {"mod"}, "password": {"password-mod"}})
	if code != http.StatusForbidden {
		t.Errorf("sign-in with a forged form token: %d, want 403", code)
	}
}

func TestServer_Login_RateLimited(t *testing.T) {
	f := newFixture(t)
	f.srv.auth = newLimiters(loginBurst, loginEvery)
	c := f.client()
	codes := map[int]int{}
	for range loginBurst + 1 {
		_, page, _ := c.do("GET", "/login", nil)
		code, _, _ := c.do("POST", "/login", url.Values{"csrf": {csrfIn(t, page)}, "user": {"mod"}, "password": {"wrong-password"}})
		codes[code]++
	}
	if codes[http.StatusTooManyRequests] != 1 || codes[http.StatusSeeOther] != loginBurst {
		t.Fatalf("codes %v: want %d failures then one 429", codes, loginBurst)
	}
	// The right password is refused too while limited: guessing cannot go on.
	if code, _ := c.login("mod", "password-mod"); code != http.StatusTooManyRequests {
		t.Errorf("right password while limited: %d, want 429", code)
	}
}

func TestServer_Roles(t *testing.T) {
	f := newFixture(t)
	id := f.commit("сомнительный комментарий", 1)
	tests := []struct {
		user   string
		method string
		path   string
		form   url.Values
		want   int
	}{
		{"view", "GET", "/queue", nil, http.StatusForbidden},
		{"view", "POST", "/decide", url.Values{"id": {itoa(id)}, "action": {"delete"}}, http.StatusForbidden},
		{"view", "GET", "/audit", nil, http.StatusOK},
		{"view", "GET", "/stats", nil, http.StatusOK},
		{"mod", "GET", "/queue", nil, http.StatusOK},
		{"mod", "POST", "/pause", url.Values{}, http.StatusForbidden},
		{"mod", "GET", "/users", nil, http.StatusForbidden},
		{"view", "POST", "/users/remove", url.Values{"name": {"mod"}}, http.StatusForbidden},
		{"mod", "POST", "/unban", url.Values{"network": {"vk"}, "author": {"77"}}, http.StatusForbidden},
		{"boss", "POST", "/pause", url.Values{}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.user+" "+tt.method+" "+tt.path, func(t *testing.T) {
			c := f.client()
			_, csrf := c.login(tt.user, "password-"+tt.user)
			if tt.form != nil {
				tt.form.Set("csrf", csrf)
			}
			if code, _, _ := c.do(tt.method, tt.path, tt.form); code != tt.want {
				t.Errorf("%d, want %d", code, tt.want)
			}
		})
	}
	for _, call := range f.mod.Calls() {
		if !strings.HasPrefix(call, "pause web:boss") {
			t.Errorf("a refused request reached the moderation: %q", call)
		}
	}
}

func TestServer_NoSession(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	for _, p := range []string{"/queue", "/audit", "/stats", "/audit.csv"} {
		if code, _, h := c.do("GET", p, nil); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Errorf("GET %s: %d → %q, want a redirect to /login", p, code, h.Get("Location"))
		}
	}
	if code, _, _ := c.do("POST", "/decide", url.Values{"id": {"1"}, "action": {"keep"}}); code != http.StatusUnauthorized {
		t.Errorf("POST /decide without a session: %d, want 401", code)
	}
	if len(f.mod.Calls()) != 0 {
		t.Errorf("calls without a session: %v", f.mod.Calls())
	}
}

func TestServer_Decide_NeedsCSRF(t *testing.T) {
	f := newFixture(t)
	id := f.commit("сомнительный комментарий", 1)
	c := f.client()
	c.login("mod", "password-mod")
	code, _, _ := c.do("POST", "/decide", url.Values{"id": {itoa(id)}, "action": {"delete"}, "csrf": {"x"}})
	if code != http.StatusForbidden || len(f.mod.Calls()) != 0 {
		t.Errorf("decide with a wrong CSRF token: %d, calls %v; want 403 and none", code, f.mod.Calls())
	}
}

func TestServer_Logout_EndsSession(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	_, csrf := c.login("mod", "password-mod")
	old := c.c.Jar.Cookies(mustURL(f.ts.URL))
	c.do("POST", "/logout", url.Values{"csrf": {csrf}})
	// Replaying the old cookie must not work: the session is gone server-side.
	c2 := f.client()
	c2.c.Jar.SetCookies(mustURL(f.ts.URL), old)
	if code, _, _ := c2.do("GET", "/queue", nil); code != http.StatusSeeOther {
		t.Errorf("old cookie after sign-out: %d, want a redirect to sign-in", code)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/audit?q=1": "/audit?q=1", "//evil.example": "/", "https://evil": "/", "/\\evil": "/", "": "/", "/login": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLimiters_Allow_ForgetsOnlyRecovered(t *testing.T) {
	l := newLimiters(2, time.Minute)
	now := time.Unix(10000, 0)
	// An hour ago, a table nearly full of names; they have recovered since.
	for i := range maxTracked - 1 {
		l.allow(fmt.Sprint("ip", i), fmt.Sprint("u", i), now.Add(-time.Hour))
	}
	var got []bool
	for range 3 {
		got = append(got, l.allow("1.1.1.1", "anna", now))
	}
	if !slices.Equal(got, []bool{true, true, false}) {
		t.Fatalf("three attempts at once: %v, want a burst of 2", got)
	}
	// The table is full: a new name makes room by forgetting the recovered.
	if !l.allow("2.2.2.2", "boris", now) {
		t.Fatal("a new name refused")
	}
	if len(l.byUser) > 3 {
		t.Errorf("%d user limiters kept, want the recovered ones forgotten", len(l.byUser))
	}
	if l.allow("1.1.1.1", "anna", now) {
		t.Error("making room reset anna's limit")
	}
}

func TestServer_Login_UnknownNameNotLogged(t *testing.T) {
	f := newFixture(t)
	var logs strings.Builder
	var mu sync.Mutex
	f.srv.log = slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	c := f.client()
	c.login("password-mod", "password-mod") // the password typed into the name field
	c.login("mod", "wrong-password-1")
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), "password-mod") || strings.Contains(logs.String(), "wrong-password") {
		t.Errorf("the log shows what was typed:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "user=mod") {
		t.Errorf("a known user's failed sign-in is not logged with the name:\n%s", logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// browserResolve resolves a Location the way a browser does (WHATWG URL):
// tabs and newlines are removed first, a backslash is a slash.
func browserResolve(base, loc string) (*url.URL, error) {
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
	u, err := url.Parse(loc)
	if err != nil {
		return nil, err
	}
	return mustURL(base).ResolveReference(u), nil
}

func TestServer_Login_NextStaysOnSite(t *testing.T) {
	f := newFixture(t)
	for _, next := range []string{"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\t\\evil.example",
		"/%09/evil.example", "\t//evil.example", "/ /evil.example"} {
		t.Run(fmt.Sprintf("%q", next), func(t *testing.T) {
			// Straight to the handler: Go's client refuses such a Location, a browser follows it.
			h := f.srv.Handler()
			get := httptest.NewRecorder()
			h.ServeHTTP(get, httptest.NewRequest("GET", "/login", nil))
			form := url.Values{"csrf": {csrfIn(t, get.Body.String())}, "user": {"mod"}, "password": {"password-mod"}, "next": {next}}
			req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, ck := range get.Result().Cookies() {
				req.AddCookie(ck)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("sign-in: %d, want 303", rec.Code)
			}
			loc := rec.Header().Get("Location")
			u, err := browserResolve(f.ts.URL, loc)
			if err != nil {
				return // a browser cannot follow it either
			}
			if u.Host != mustURL(f.ts.URL).Host {
				t.Errorf("Location %q takes the browser to %s", loc, u.Host)
			}
		})
	}
}

func TestSafeNext_ControlCharacters(t *testing.T) {
	for in, want := range map[string]string{"/\t/evil.example": "/", "/\n/evil": "/", "/audit?q=%D0%BC": "/audit?q=%D0%BC", "/\x7f/x": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// A flood of made-up names from one address, refused by that address's
// limit, must not make the table forget the limit of a real name.
func TestLimiters_Allow_FloodKeepsNameLimit(t *testing.T) {
	l := newLimiters(2, time.Minute)
	now := time.Unix(10000, 0)
	for i := range 2 {
		if !l.allow(fmt.Sprint("10.0.0.", i), "admin", now) {
			t.Fatalf("attempt %d on admin refused inside the burst", i)
		}
	}
	if l.allow("10.0.0.9", "admin", now) {
		t.Fatal("admin's limit not reached after the burst")
	}
	for i := range maxTracked + 10 {
		l.allow("6.6.6.6", fmt.Sprint("junk", i), now)
	}
	if l.allow("10.0.0.10", "admin", now) {
		t.Error("a flood of junk names from one address reset admin's limit")
	}
	if len(l.byUser) > 3+2 {
		t.Errorf("%d name limiters after a refused flood, want the refused attempts not tracked", len(l.byUser))
	}
}

// Every state-changing route refuses a form without the session's token
// or with a wrong one, even for an admin, and nothing reaches the
// moderation or the store.
func TestServer_Post_NeedsCSRF(t *testing.T) {
	f := newFixture(t)
	id := f.commit("сомнительный комментарий", 1)
	routes := []struct {
		path string
		form url.Values
	}{
		{"/decide", url.Values{"id": {itoa(id)}, "action": {"delete"}}},
		{"/decide", url.Values{"id": {itoa(id)}, "action": {"retry"}}},
		{"/appeals/reply", url.Values{"id": {"1"}, "text": {"ответ"}}},
		{"/unban", url.Values{"network": {"vk"}, "author": {"77"}}},
		{"/pause", url.Values{}},
		{"/resume", url.Values{}},
		{"/users/remove", url.Values{"name": {"mod"}}},
		{"/logout", url.Values{}},
	}
	for _, rt := range routes {
		for _, tok := range []string{"", "wrong-token"} {
			t.Run(rt.path+" "+tok, func(t *testing.T) {
				c := f.client()
				if _, csrf := c.login("boss", "password-boss"); csrf == "" {
					t.Fatal("admin did not sign in")
				}
				form := url.Values{}
				for k, v := range rt.form {
					form[k] = v
				}
				if tok != "" {
					form.Set("csrf", tok)
				}
				if code, _, _ := c.do("POST", rt.path, form); code != http.StatusForbidden {
					t.Errorf("POST %s with csrf %q: %d, want 403", rt.path, tok, code)
				}
				if code, _, _ := c.do("GET", "/status", nil); code != http.StatusOK {
					t.Errorf("the session did not survive a refused %s: GET /status %d", rt.path, code)
				}
			})
		}
	}
	if calls := f.mod.Calls(); len(calls) != 0 {
		t.Errorf("refused forms reached the moderation: %v", calls)
	}
	if _, err := f.db.WebUser("mod"); err != nil {
		t.Errorf("a refused /users/remove removed the user: %v", err)
	}
}

// One IPv6 client holds a /64: moving inside it is the same address.
func TestLimiters_Allow_IPv6Prefix(t *testing.T) {
	tests := []struct {
		name    string
		addrs   []string
		refused bool // the last attempt
	}{
		{"same /64", []string{"2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"}, true},
		{"other /64s", []string{"2001:db8:1:2::1", "2001:db8:1:3::1", "2001:db8:1:4::1"}, false},
		{"IPv4", []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLimiters(2, time.Minute)
			now := time.Unix(10000, 0)
			var ok bool
			for i, a := range tt.addrs {
				ok = l.allow(a, fmt.Sprint("name", i), now)
			}
			if ok == tt.refused {
				t.Errorf("third attempt allowed=%v, want %v", ok, !tt.refused)
			}
		})
	}
}

// failingDelete is the store with DeleteWebSession failing.
type failingDelete struct{ Store }

func (failingDelete) DeleteWebSession([]byte) error { return errors.New("disk full") }

// Signing out when the session cannot be deleted must not say it worked:
// the old cookie would still sign in.
func TestServer_Logout_StoreFails(t *testing.T) {
	f := newFixture(t)
	f.srv.deps.Store = failingDelete{f.db}
	c := f.client()
	_, csrf := c.login("mod", "password-mod")
	code, _, h := c.do("POST", "/logout", url.Values{"csrf": {csrf}})
	if code != http.StatusInternalServerError {
		t.Errorf("sign-out with a failing store: %d → %q, want 500", code, h.Get("Location"))
	}
	if code, _, _ := c.do("GET", "/status", nil); code != http.StatusOK {
		t.Errorf("the cookie was dropped though the session lives: GET /status %d", code)
	}
}

package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Signing in drops the sign-in form's cookie and signing out the session's:
// both were set empty without Max-Age (a -1 ns age rounded to 0 seconds),
// so the browser kept them until it closed.
func TestServer_Logout_DeletesCookies(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	has := func(name string) bool {
		for _, k := range c.c.Jar.Cookies(mustURL(f.ts.URL)) {
			if k.Name == name {
				return true
			}
		}
		return false
	}
	_, csrf := c.login("mod", "password-mod")
	if csrf == "" {
		t.Fatal("sign-in failed")
	}
	if has(cookieLogin) {
		t.Errorf("cookie %s kept after sign-in", cookieLogin)
	}
	if !has(cookieSession) {
		t.Fatalf("no %s after sign-in", cookieSession)
	}
	if code, _, h := c.do("POST", "/logout", url.Values{"csrf": {csrf}}); code != 303 {
		t.Fatalf("logout: %d %v", code, h)
	}
	if has(cookieSession) {
		t.Errorf("cookie %s kept after sign-out", cookieSession)
	}
}

// The name field of the sign-in form is not capitalised by phones' keyboards:
// names are exact ("anna"), and the «Anna» a phone typed was refused as a
// wrong name, an attempt counted against the sign-in limit.
func TestServer_LoginPage_NameNotCapitalised(t *testing.T) {
	f := newFixture(t)
	_, page, _ := f.client().do("GET", "/login", nil)
	m := regexp.MustCompile(`<input name="user"[^>]*>`).FindString(page)
	for _, attr := range []string{`autocapitalize="none"`, `autocorrect="off"`, `spellcheck="false"`} {
		if !strings.Contains(m, attr) {
			t.Errorf("name field %q lacks %s", m, attr)
		}
	}
}

// A form over the body limit (an answer pasted far too long) is said to be
// too large: read as empty, it was refused as «Форма устарела», a stale
// CSRF token, and the moderator looked for the wrong cause.
func TestServer_Post_TooLargeSaidSo(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	_, csrf := c.login("mod", "password-mod")
	long := strings.Repeat("Ответ ", 4000) // 44 KB
	for _, post := range []func() (int, string, http.Header){
		func() (int, string, http.Header) {
			return c.multipart("/appeals/reply", url.Values{"csrf": {csrf}, "id": {"1"}, "text": {long}})
		},
		func() (int, string, http.Header) {
			return c.do("POST", "/decide", url.Values{"csrf": {csrf}, "id": {"1"}, "action": {"keep"}, "x": {long}})
		},
	} {
		code, page, _ := post()
		if code != http.StatusRequestEntityTooLarge || !strings.Contains(page, "Форма слишком большая") || strings.Contains(page, "Форма устарела") {
			t.Errorf("%d %s; want 413 saying the form is too large", code, page)
		}
	}
	// A form of the right size still goes through the CSRF check.
	if code, page, _ := c.do("POST", "/decide", url.Values{"csrf": {"wrong"}, "id": {"1"}, "action": {"keep"}}); code != http.StatusForbidden || !strings.Contains(page, "Форма устарела") {
		t.Errorf("bad token: %d %s", code, page)
	}
}

package web

import (
	"net/url"
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

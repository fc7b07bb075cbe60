package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// fakeMod is a review.Moderation over a real store: Resolve records the
// human's verdict the way the pipeline does (first decision wins).
type fakeMod struct {
	db     *store.DB
	mu     sync.Mutex
	calls  []string
	paused bool
}

func (m *fakeMod) record(s string) {
	m.mu.Lock()
	m.calls = append(m.calls, s)
	m.mu.Unlock()
}

func (m *fakeMod) Calls() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.calls...)
}

func (m *fakeMod) Resolve(_ context.Context, id uint64, v moderation.Verdict, banFor time.Duration, by, byName string) (*moderation.Decision, error) {
	m.record(fmt.Sprintf("resolve %d %s %s %s", id, v, banFor, by))
	var already bool
	d, err := m.db.Update(id, func(d *moderation.Decision) error {
		if d.Review == nil || d.Review.Status == moderation.ReviewDecided {
			already = true
			return nil
		}
		d.Review = &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: v, BanFor: banFor, By: by, ByName: byName, At: time.Now()}
		return nil
	})
	if err == nil && already {
		err = moderation.ErrAlreadyDecided
	}
	return d, err
}

func (m *fakeMod) Undo(_ context.Context, id uint64, by, _ string) (*moderation.Decision, error) {
	m.record(fmt.Sprintf("undo %d %s", id, by))
	d, err := m.db.Get(id)
	if err == nil && d.Final() < moderation.Delete { // as the pipeline's Undo
		return nil, fmt.Errorf("undo decision %d: %w", id, moderation.ErrNothingToUndo)
	}
	return d, err
}
func (m *fakeMod) Retry(context.Context, uint64, string) (*moderation.Decision, error) {
	return nil, nil
}
func (m *fakeMod) Unban(_ context.Context, network, author, by string) (int, error) {
	m.record(fmt.Sprintf("unban %s %s %s", network, author, by))
	return 1, nil
}
func (m *fakeMod) Pause(by string) {
	m.record("pause " + by)
	m.mu.Lock()
	m.paused = true
	m.mu.Unlock()
}
func (m *fakeMod) Resume(by string) {
	m.record("resume " + by)
	m.mu.Lock()
	m.paused = false
	m.mu.Unlock()
}
func (m *fakeMod) Paused() bool                                     { m.mu.Lock(); defer m.mu.Unlock(); return m.paused }
func (m *fakeMod) Decision(id uint64) (*moderation.Decision, error) { return m.db.Get(id) }
func (m *fakeMod) PendingReviews() ([]*moderation.Decision, error)  { return m.db.PendingReviews("") }
func (m *fakeMod) Stats(since time.Time) (moderation.Stats, error)  { return m.db.Stats("", since) }

// cheap is the hash parameters of tests: the real ones cost 19 MiB a check.
var cheap = argonParams{memory: 64, time: 1, threads: 1}

type fixture struct {
	t   *testing.T
	db  *store.DB
	mod *fakeMod
	srv *Server
	ts  *httptest.Server
}

func newFixture(t *testing.T) *fixture { t.Helper(); return newFixtureWith(t, nil) }

// newFixtureWith lets tune change the console's collaborators (a real
// pipeline over the same store, say) before the server is made.
func newFixtureWith(t *testing.T, tune func(db *store.DB, d *Deps)) *fixture {
	t.Helper()
	return newFixtureConfig(t, DefaultConfig(), tune)
}

// newFixtureConfig is newFixtureWith with the console's configuration.
func newFixtureConfig(t *testing.T, cfg Config, tune func(db *store.DB, d *Deps)) *fixture {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{t: t, db: db, mod: &fakeMod{db: db}}
	for _, u := range []struct{ name, role string }{{"mod", RoleModerator}, {"view", RoleViewer}, {"boss", RoleAdmin}} {
		h, err := hashWith("password-"+u.name, cheap)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.PutWebUser(store.WebUser{Name: u.name, Role: u.role, Hash: h, Created: time.Now().Add(-time.Hour), Changed: time.Now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	deps := Deps{Store: db, Moderation: f.mod, Accounts: []string{"page"},
		WriteCSV: func(w io.Writer, each func(func(*moderation.Decision) error) error) error {
			return each(func(d *moderation.Decision) error {
				_, err := fmt.Fprintf(w, "%d,%s\n", d.ID, d.Comment.Text)
				return err
			})
		},
		Logger: slog.New(slog.NewTextHandler(tlog{t}, nil)),
		Status: func() Status { return Status{Rules: 42, Model: "v3"} }}
	if tune != nil {
		tune(db, &deps)
	}
	f.srv, err = New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	f.srv.auth = newLimiters(1000, time.Millisecond) // TestServer_Login_RateLimited sets the real one
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// commit stores a decision and returns its ID.
func (f *fixture) commit(text string, v moderation.Verdict) uint64 {
	f.t.Helper()
	c := moderation.Comment{Network: "vk", Account: "page", Kind: moderation.KindWallComment, ID: moderation.MakeID("vk", "page", text),
		Author: moderation.Author{ID: "77", Name: "Иван"}, Text: text, Created: time.Now()}
	d := &moderation.Decision{Comment: c, Version: c.Version(), Verdict: v, DecidedBy: moderation.ByAuto}
	if v == moderation.Review {
		d.Review = &moderation.ReviewState{Status: moderation.ReviewPending}
	}
	if v >= moderation.Delete {
		d.Matches = []moderation.Match{{Rule: "obscene", Action: v, Reason: "мат"}}
		d.Actions = []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionDone}}
	}
	out, err := f.db.Commit("page", []*moderation.Decision{d}, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return out[0].ID
}

type client struct {
	t *testing.T
	c *http.Client
	f *fixture
}

func (f *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: f.t, f: f, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.f.ts.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// multipart posts form as multipart/form-data, as the answer form does.
func (c *client) multipart(path string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.f.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfIn(t *testing.T, page string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%s", page)
	}
	return m[1]
}

// login signs in and returns the CSRF token of the session's forms.
func (c *client) login(user, pw string) (int, string) {
	c.t.Helper()
	_, page, _ := c.do("GET", "/login", nil)
	code, _, h := c.do("POST", "/login", url.Values{"csrf": {csrfIn(c.t, page)}, "user": {user}, "password": {pw}, "next": {"/status"}})
	if h.Get("Location") != "/status" {
		return code, ""
	}
	_, page, _ = c.do("GET", "/status", nil)
	return code, csrfIn(c.t, page)
}

func itoa(id uint64) string { return fmt.Sprint(id) }

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// tlog sends the server's log to the test's.
type tlog struct{ t *testing.T }

func (l tlog) Write(p []byte) (int, error) { l.t.Log(strings.TrimSpace(string(p))); return len(p), nil }

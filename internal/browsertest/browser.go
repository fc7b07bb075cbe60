// Package browsertest opens pages in headless Chromium (through chromedp)
// for the tests of the static pages strazh renders (the registry, the
// report): a page is served from a loopback server, every other request
// the page makes is blocked and recorded.
//
// Without Chromium the tests skip, unless CI=true: there a missing browser
// fails them (.ci/run installs Debian's chromium).
package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/strazh/strazh/internal/chromium"
)

// Browser is a headless Chromium for one test.
type Browser struct {
	Ctx context.Context // a tab; run chromedp actions on it
}

// New starts Chromium, closed at the end of the test; it skips the test
// when Chromium is missing (fails it under CI=true).
func New(t *testing.T) *Browser {
	t.Helper()
	if chromium.Path() == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found (CI=true): apt-get install -y chromium")
		}
		t.Skip("chromium not found: the browser test is skipped (apt-get install -y chromium; CI=true makes this a failure)")
	}
	tab, cancelB, err := chromium.New(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelT := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(func() { cancelT(); cancelB() })
	return &Browser{Ctx: ctx}
}

// Page is a page opened by Open.
type Page struct {
	URL  string // where it was served
	mu   sync.Mutex
	out  []string // requests other than the page itself, blocked
	done chan struct{}
}

// External lists the requests the page tried besides itself (all blocked).
func (p *Page) External() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.out...)
}

// Open serves body (as contentType) from a loopback server and navigates
// to it, every request but the page's own intercepted (Fetch domain),
// blocked and recorded.
func (b *Browser) Open(t *testing.T, body []byte, contentType string) *Page {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/page" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	p := &Page{URL: srv.URL + "/page", done: make(chan struct{})}
	ctx, cancel := context.WithCancel(b.Ctx)
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		defer close(p.done)
		for ev, err := range paused {
			if err != nil {
				return
			}
			if ev.Request.URL == p.URL {
				_, _ = chromedp.Call(b.Ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				continue
			}
			p.mu.Lock()
			p.out = append(p.out, ev.Request.URL)
			p.mu.Unlock()
			_, _ = chromedp.Call(b.Ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}()
	t.Cleanup(func() { cancel(); <-p.done })
	if _, err := chromedp.Call(b.Ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		t.Fatalf("intercept requests: %v", err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(p.URL), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("open the page: %v", err)
	}
	return p
}

// Link is one of the page's links.
type Link struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

// Links lists the page's <a href> elements, as written in the page.
func (b *Browser) Links(t *testing.T) []Link {
	t.Helper()
	return Eval[[]Link](t, b, `Array.from(document.querySelectorAll('a[href]')).map(a => ({href: a.getAttribute('href'), text: a.textContent.trim()}))`)
}

// Eval runs a JavaScript expression on the page.
func Eval[T any](t *testing.T, b *Browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("eval %s: %v", strings.SplitN(js, "\n", 2)[0], err)
	}
	return v
}

// Screenshot is a PNG of the whole page at the given width.
func (b *Browser) Screenshot(t *testing.T, width int64) []byte {
	t.Helper()
	if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(width, 800)); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return png
}

package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

var newsSrcRe = regexp.MustCompile(`<iframe class="news" src="([^"]+)"`)

// newsSrc is the address of the queue page's news frame ("" when none).
func newsSrc(page string) string {
	m := newsSrcRe.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// The queue page must not reload itself: a reload while the chat decides
// a card moves the cards up under the moderator's click.
func TestServer_Queue_NoWholePageReload(t *testing.T) {
	tests := []struct {
		name      string
		refresh   bool
		wantFrame bool
	}{
		{"refresh on", true, true},
		{"refresh off", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if !tt.refresh {
				cfg.Refresh = 0
			}
			f := newFixtureConfig(t, cfg, nil)
			f.commit("сомнительный комментарий", moderation.Review)
			c := f.client()
			c.login("mod", "password-mod")
			_, page, h := c.do("GET", "/queue", nil)
			if strings.Contains(page, `http-equiv="refresh"`) {
				t.Errorf("the queue page reloads itself:\n%s", page)
			}
			if got := newsSrc(page) != ""; got != tt.wantFrame {
				t.Errorf("news frame shown = %v, want %v", got, tt.wantFrame)
			}
			if csp := h.Get("Content-Security-Policy"); tt.wantFrame && !strings.Contains(csp, "frame-src 'self'") {
				t.Errorf("the queue's CSP forbids its own frame: %s", csp)
			}
		})
	}
}

// The frame counts the reviews that came and the drawn ones decided in
// another channel, and reloads itself, not the page.
func TestServer_QueueNews_Counts(t *testing.T) {
	tests := []struct {
		name             string
		lang             string
		arrive, decide   int
		want, wantAbsent []string
	}{
		{"nothing changed", "ru", 0, 0, []string{"Очередь не менялась", "проверено"}, []string{"news-new"}},
		{"one decided in the chat", "ru", 0, 1, []string{`id="news-new">0<`, `решено в другом месте: <strong id="news-gone">1<`, `href="/queue" target="_top" id="news-reload">Обновить<`}, nil},
		{"two new, one decided", "ru", 2, 1, []string{`Новых: <strong id="news-new">2<`, `id="news-gone">1<`}, nil},
		{"english", "en", 1, 0, []string{`New: <strong id="news-new">1<`, "decided elsewhere", ">Reload<"}, []string{"Новых", "Обновить"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ids := []uint64{f.commit("первый сомнительный", moderation.Review), f.commit("второй сомнительный", moderation.Review)}
			c := f.client()
			c.login("mod", "password-mod")
			_, page, _ := c.do("GET", "/queue?lang="+tt.lang, nil)
			src := newsSrc(page)
			if src == "" {
				t.Fatalf("no news frame:\n%s", page)
			}
			for i := range tt.decide {
				if _, err := f.mod.Resolve(t.Context(), ids[i], moderation.Delete, 0, "telegram:5", "Оля"); err != nil {
					t.Fatal(err)
				}
			}
			for i := range tt.arrive {
				f.commit("новый сомнительный "+itoa(uint64(i)), moderation.Review)
			}
			code, news, h := c.do("GET", src, nil)
			if code != http.StatusOK {
				t.Fatalf("news: %d\n%s", code, news)
			}
			for _, w := range append(tt.want, `<meta http-equiv="refresh" content="30">`) {
				if !strings.Contains(news, w) {
					t.Errorf("news lacks %q:\n%s", w, news)
				}
			}
			for _, w := range tt.wantAbsent {
				if strings.Contains(news, w) {
					t.Errorf("news has %q:\n%s", w, news)
				}
			}
			if got := h.Get("X-Frame-Options"); got != "SAMEORIGIN" {
				t.Errorf("X-Frame-Options %q: the queue cannot frame its news", got)
			}
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self'") {
				t.Errorf("CSP %q: the queue cannot frame its news", csp)
			}
		})
	}
}

// A frame whose session ended says so and opens the sign-in page in the
// whole window (the sign-in page refuses to be framed); a bad address is
// said in the frame too, and neither reloads for ever.
func TestServer_QueueNews_NoSessionOrBadAddress(t *testing.T) {
	f := newFixture(t)
	anon := f.client()
	code, page, h := anon.do("GET", "/queue/news?upto=3&n=1", nil)
	if code != http.StatusOK || !strings.Contains(page, "Сессия закончилась.") || !strings.Contains(page, `target="_top"`) || h.Get("Location") != "" {
		t.Errorf("no session: %d %q\n%s", code, h.Get("Location"), page)
	}
	if strings.Contains(page, `http-equiv="refresh"`) {
		t.Errorf("an ended session's frame keeps reloading")
	}
	c := f.client()
	c.login("mod", "password-mod")
	for _, q := range []string{"", "?upto=x&n=1", "?upto=1&n=-2"} {
		code, page, _ := c.do("GET", "/queue/news"+q, nil)
		if code != http.StatusBadRequest || !strings.Contains(page, "Неверный адрес") || strings.Contains(page, `http-equiv="refresh"`) {
			t.Errorf("%q: %d\n%s", q, code, page)
		}
	}
	v := f.client()
	v.login("view", "password-view")
	if code, _, _ := v.do("GET", "/queue/news?upto=1&n=1", nil); code != http.StatusForbidden {
		t.Errorf("a viewer read the queue's news: %d", code)
	}
}

var cardFormRe = regexp.MustCompile(`(?s)<article class="card[^"]*" id="card-(\d+)">.*?name="id" value="(\d+)".*?</article>`)

// Each card's form names the review it was drawn for, so a click acts
// on that review or, when it was decided elsewhere meanwhile, on none.
func TestServer_Queue_FormNamesItsReview(t *testing.T) {
	f := newFixture(t)
	a := f.commit("первый сомнительный", moderation.Review)
	b := f.commit("второй сомнительный", moderation.Review)
	c := f.client()
	_, csrf := c.login("mod", "password-mod")
	_, page, _ := c.do("GET", "/queue", nil)
	ms := cardFormRe.FindAllStringSubmatch(page, -1)
	if len(ms) != 2 {
		t.Fatalf("%d cards with forms, want 2:\n%s", len(ms), page)
	}
	for _, m := range ms {
		if m[1] != m[2] {
			t.Errorf("card %s's form names review %s", m[1], m[2])
		}
	}
	// The chat decides a; the moderator's click on a's drawn form is refused
	// and said, b is untouched.
	if _, err := f.mod.Resolve(t.Context(), a, moderation.Allow, 0, "telegram:5", "Оля"); err != nil {
		t.Fatal(err)
	}
	_, _, h := c.do("POST", "/decide", url.Values{"csrf": {csrf}, "id": {ms[0][2]}, "action": {"delete"}})
	_, page, _ = c.do("GET", h.Get("Location"), nil)
	if !strings.Contains(page, "Уже решено") || !strings.Contains(page, `id="card-`+itoa(b)+`"`) {
		t.Errorf("the late click is not said, or b is gone:\n%s", page)
	}
	if d, _ := f.db.Get(a); d.Review.Verdict != moderation.Allow || d.Review.By != "telegram:5" {
		t.Errorf("a's decision changed: %+v", d.Review)
	}
	if d, _ := f.db.Get(b); d.Review.Status != moderation.ReviewPending {
		t.Errorf("b was decided: %+v", d.Review)
	}
}

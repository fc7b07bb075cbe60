package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// The console beside the Telegram chat: the fan-out's first decision wins
// and the other channel shows it (issue 14, «Done when»).

func telegramBlock(tg *telegramtest.Server) string {
	return fmt.Sprintf("  telegram:\n    api_url: %s\n    token_env: STRAZH_E2E_TG_TOKEN\n    chat_id: %d\n    moderators: [%d]\n", tg.URL(), e2eChat, e2eModerator)
}

// consoleClient is a signed-in console user over plain HTTP.
type consoleClient struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

var formToken = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func signIn(t *testing.T, base, user, pw string) *consoleClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cc := &consoleClient{t: t, base: base, c: &http.Client{Jar: jar}}
	page := cc.get("/login")
	m := formToken.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form token on the sign-in page")
	}
	page = cc.post("/login", url.Values{"csrf": {m[1]}, "user": {user}, "password": {pw}, "next": {"/status"}})
	if m = formToken.FindStringSubmatch(page); m == nil {
		t.Fatalf("sign-in as %s failed:\n%s", user, page)
	}
	cc.csrf = m[1]
	return cc
}

func (cc *consoleClient) get(path string) string {
	cc.t.Helper()
	resp, err := cc.c.Get(cc.base + path)
	if err != nil {
		cc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (cc *consoleClient) post(path string, form url.Values) string {
	cc.t.Helper()
	if cc.csrf != "" {
		form.Set("csrf", cc.csrf)
	}
	resp, err := cc.c.PostForm(cc.base+path, form)
	if err != nil {
		cc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestWebConsole_TelegramDownWholeRun(t *testing.T) {
	tg := telegramtest.New("")
	tg.Down()
	t.Cleanup(tg.Close)
	t.Setenv("STRAZH_E2E_TG_TOKEN", tg.Token())
	c := newConsoleRig(t, telegramBlock(tg))
	c.addUser(t, "anna", "moderator", "anna-password-1")
	id := c.net.Post("p1", "u79", "Пётр", threat)
	waitFor(t, "the threat in review", func() bool { p, _ := c.pipe.PendingReviews(); return len(p) == 1 })
	p, _ := c.pipe.PendingReviews()
	cc := signIn(t, "http://"+c.addr, "anna", "anna-password-1")
	if page := cc.get("/queue"); !strings.Contains(page, fmt.Sprintf("card-%d", p[0].ID)) {
		t.Fatalf("the card is not in the console's queue")
	}
	page := cc.post("/decide", url.Values{"id": {fmt.Sprint(p[0].ID)}, "action": {"ban-week"}})
	if !strings.Contains(page, `id="outcome"`) || !strings.Contains(page, "web:anna") {
		t.Errorf("the queue does not show the decision:\n%s", page)
	}
	waitFor(t, "deleted on the network with Telegram down", func() bool { return c.net.Deleted(id) })
}

func TestWebConsole_OneTapClosesEverywhere(t *testing.T) {
	tg := telegramtest.New("")
	t.Cleanup(tg.Close)
	t.Setenv("STRAZH_E2E_TG_TOKEN", tg.Token())
	c := newConsoleRig(t, telegramBlock(tg))
	c.addUser(t, "anna", "moderator", "anna-password-1")
	r := &reviewRig{net: c.net, tg: tg}
	cc := signIn(t, "http://"+c.addr, "anna", "anna-password-1")

	t.Run("a tap in the console closes the Telegram card", func(t *testing.T) {
		id := c.net.Post("p1", "u79", "Пётр", threat)
		m := r.card(t, "убью")
		p, _ := c.pipe.PendingReviews()
		cc.post("/decide", url.Values{"id": {fmt.Sprint(p[0].ID)}, "action": {"delete"}})
		waitFor(t, "deleted on the network", func() bool { return c.net.Deleted(id) })
		r.waitCard(t, m.ID, "closed, naming the console", func(m telegramtest.Message) bool {
			return len(m.Buttons()) == 0 && strings.Contains(m.Text, "anna")
		})
	})
	t.Run("a tap in Telegram empties the console's queue", func(t *testing.T) {
		id := c.net.Post("p2", "u80", "Олег", "Я тебя найду и убью, понял")
		m := r.card(t, "найду")
		p, _ := c.pipe.PendingReviews()
		card := fmt.Sprintf("card-%d", p[0].ID)
		if !strings.Contains(cc.get("/queue"), card) {
			t.Fatal("the card is not in the console's queue")
		}
		if err := tg.Press(e2eChat, m.ID, "Удалить", secretary); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "deleted on the network", func() bool { return c.net.Deleted(id) })
		waitFor(t, "the card gone from the console", func() bool { return !strings.Contains(cc.get("/queue"), card) })
		// A late tap in the console is told who decided first.
		page := cc.post("/decide", url.Values{"id": {fmt.Sprint(p[0].ID)}, "action": {"keep"}})
		if !strings.Contains(page, "Уже решено") || !strings.Contains(page, "telegram:") {
			t.Errorf("a late console tap is not told the chat decided first:\n%s", page)
		}
	})
}

// The console alone, with appeals: «Ответить» on /appeals posts the answer
// on the network as the page and closes the appeal (issue 15).
func TestWebConsole_AnswersAppeal(t *testing.T) {
	c := newConsoleRig(t, "appeals: {enabled: true}\n")
	c.addUser(t, "anna", "moderator", "anna-password-1")
	id := c.net.Post("p1", "u81", "Нина", "Когда наконец засыплют яму на дороге у дома 12 по улице Лесной?")
	cc := signIn(t, "http://"+c.addr, "anna", "anna-password-1")
	var appealID uint64
	waitFor(t, "the appeal on the console's page", func() bool {
		m := regexp.MustCompile(`id="appeal-(\d+)"`).FindStringSubmatch(cc.get("/appeals"))
		if m != nil {
			fmt.Sscan(m[1], &appealID)
		}
		return m != nil
	})
	answer := "Заявка передана в дорожную службу, яму засыплют на этой неделе."
	if page := cc.post("/appeals/reply", url.Values{"id": {fmt.Sprint(appealID)}, "text": {answer}}); !strings.Contains(page, `id="answered"`) {
		t.Errorf("the page does not say the answer was posted:\n%s", page)
	}
	if got := c.net.Replies(id); len(got) != 1 || got[0] != answer {
		t.Errorf("replies on the network %q", got)
	}
	if a, err := c.pipe.Appeal(appealID); err != nil || a.Open() || a.AnsweredBy != "web:anna" {
		t.Errorf("the appeal after the answer: %+v %v", a, err)
	}
}

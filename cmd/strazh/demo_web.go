package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/review/web"
	"github.com/strazh/strazh/moderation/store"
)

// The demo runs the review console too: it prints the address and a
// demo account, and the simulated moderator decides every other card
// through the console's HTTP handlers (signed in as that account) instead
// of tapping in the chat. Either way the card closes in both.

const demoWebUser = "demo"

// netAddr is net.Addr where cmdDemo's variable net hides the package.
type netAddr = net.Addr

var demoConsoleTexts = map[string]struct{ address, tapped, tapped2, failed string }{
	"ru": {"консоль проверки: %s  (вход: %s / %s)", "модератор в веб-консоли нажал «%s»",
		"модератор в веб-консоли нажал «%s» → «%s»", "веб-консоль: не удалось «%s»: %v; нажимаю в чате"},
	"en": {"review console: %s  (sign in: %s / %s)", "moderator in the web console pressed «%s»",
		"moderator in the web console pressed «%s» → «%s»", "web console: could not press «%s»: %v; pressing in the chat"},
}

// addDemoUser creates the demo's console account before the daemon opens
// the database, and returns its (random) password.
func addDemoUser(cfg *config.Config) (string, error) {
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return "", err
	}
	b := make([]byte, 12)
	rand.Read(b)
	pw := base64.RawURLEncoding.EncodeToString(b)
	hash, err := web.HashPassword(pw)
	if err != nil {
		return "", err
	}
	db, err := store.Open(cfg.DBPath(), &store.Options{Retention: cfg.Retention})
	if err != nil {
		return "", err
	}
	defer db.Close()
	now := time.Now()
	return pw, db.PutWebUser(store.WebUser{Name: demoWebUser, Role: web.RoleModerator, Hash: hash, Created: now, Changed: now})
}

// demoConsole is the simulated moderator signed in to the console.
type demoConsole struct {
	base string
	c    *http.Client
	csrf string
	pipe *pipeline.Pipeline
	view *demoView
	tx   struct{ address, tapped, tapped2, failed string }
	n    int // cards handled, to alternate with the chat
}

var demoCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newDemoConsole(ctx context.Context, base, pw string) (*demoConsole, error) {
	jar, _ := cookiejar.New(nil)
	dc := &demoConsole{base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	page, err := dc.do(ctx, "GET", "/login", nil)
	if err != nil {
		return nil, err
	}
	m := demoCSRF.FindStringSubmatch(page)
	if m == nil {
		return nil, errors.New("web console: no sign-in form")
	}
	if page, err = dc.do(ctx, "POST", "/login", url.Values{"csrf": {m[1]}, "user": {demoWebUser}, "password": {pw}, "next": {"/status"}}); err != nil {
		return nil, err
	}
	if m = demoCSRF.FindStringSubmatch(page); m == nil {
		return nil, errors.New("web console: sign-in refused")
	}
	dc.csrf = m[1]
	return dc, nil
}

func (dc *demoConsole) do(ctx context.Context, method, path string, form url.Values) (string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, dc.base+path, body)
	if err != nil {
		return "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := dc.c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode != http.StatusOK {
		return string(b), fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	return string(b), err
}

// demoActions maps the chat's button words to the console's form values.
var demoActions = map[string]string{"Оставить": "keep", "Удалить": "delete",
	"1 день": "ban-day", "1 неделя": "ban-week", "1 месяц": "ban-month", "Навсегда": "forever"}

// decide handles every other review card through the console; false: the
// chat should take it (its turn, or the console failed).
func (dc *demoConsole) decide(ctx context.Context, cardText, tap string) bool {
	dc.n++
	if dc.n%2 == 1 {
		return false
	}
	first, second, _ := strings.Cut(tap, "/")
	action := demoActions[first]
	if second != "" {
		action = demoActions[second]
		if action == "forever" {
			action = "ban-forever"
		}
	}
	pending, err := dc.pipe.PendingReviews()
	if err != nil || action == "" {
		return false
	}
	text := strings.Join(strings.Fields(cardText), " ")
	for _, d := range pending {
		if !strings.Contains(text, prefixRunes(d.Comment.Text, 30)) {
			continue
		}
		if _, err := dc.do(ctx, "POST", "/decide", url.Values{"csrf": {dc.csrf}, "id": {fmt.Sprint(d.ID)}, "action": {action}}); err != nil {
			dc.view.note(dc.tx.failed, first, err)
			return false
		}
		if second != "" {
			dc.view.note(dc.tx.tapped2, first, second)
		} else {
			dc.view.note(dc.tx.tapped, first)
		}
		return true
	}
	return false
}

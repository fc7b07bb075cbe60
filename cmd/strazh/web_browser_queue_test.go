package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/strazh/strazh/moderation"
)

// The queue page stays put in a real browser while the chat decides one of
// its cards: the page is not reloaded (a reload moved the cards up under
// the moderator's click), its news frame says what changed, and a click
// on the card decided elsewhere is refused and said, not carried out.
func TestWebConsole_Browser_QueueStaysPut(t *testing.T) {
	browser := findChromium()
	if browser == "" {
		t.Skip("no chromium binary (apt-get install chromium): skipping the browser test")
	}
	c := newConsoleRig(t, "")
	c.addUser(t, "anna", "moderator", "anna-password-1")
	posted := []string{c.net.Post("p1", "u79", "Пётр", threat),
		c.net.Post("p1", "u80", "Семён", "Я знаю где ты живёшь, скоро приду и убью тебя")}
	waitFor(t, "two threats in review", func() bool {
		p, _ := c.pipe.PendingReviews()
		return len(p) == 2
	})
	pending, _ := c.pipe.PendingReviews()
	decided := pending[0]
	card := fmt.Sprintf("#card-%d", decided.ID)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 900), chromedp.Flag("headless", "new"))
	actx, cancelA := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	base := "http://" + c.addr
	run(t, ctx, chromedp.Navigate(base+"/queue"), chromedp.WaitVisible(chromedp.ID("user")),
		chromedp.SendKeys(chromedp.ID("user"), "anna"), chromedp.SendKeys(chromedp.ID("password"), "anna-password-1"),
		chromedp.Click(chromedp.ID("signin")), chromedp.WaitVisible(chromedp.CSS(card)))
	frameSays := func(s string) string {
		return `(() => { const d = document.querySelector("iframe.news")?.contentDocument;` +
			` return !!d && !!d.body && d.body.innerText.includes(` + fmt.Sprintf("%q", s) + `); })()`
	}
	// The frame is loaded in the page (its CSP and X-Frame-Options allow it).
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](frameSays("Очередь не менялась"), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the news frame never showed «Очередь не менялась»: %v", err)
	}
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.strazhMark = 1`))

	if _, err := c.pipe.Resolve(t.Context(), decided.ID, moderation.Allow, 0, "telegram:5", "Оля"); err != nil {
		t.Fatal(err)
	}
	// A poll does not survive a navigation: a reload of the page fails it.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](frameSays("решено в другом месте: 1"), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the frame never said a card was decided elsewhere, or the page reloaded: %v", err)
	}
	if mark := browse(t, ctx, chromedp.Evaluate[int](`window.strazhMark || 0`)); mark != 1 {
		t.Fatalf("the queue page was reloaded")
	}
	// The card is where it was; a click on it does nothing to the comment.
	run(t, ctx, chromedp.Click(chromedp.CSS(card+" button.delete")), chromedp.WaitVisible(chromedp.ID("outcome")))
	if out := browse(t, ctx, chromedp.Text(chromedp.ID("outcome"))); !strings.Contains(out, "Уже решено") || !strings.Contains(out, "telegram:5") {
		t.Errorf("outcome %q, want «Уже решено» by telegram:5", out)
	}
	if d, _ := c.pipe.Decision(decided.ID); d.Final() != moderation.Allow || c.net.Deleted(posted[0]) || c.net.Deleted(posted[1]) {
		t.Errorf("the late click acted: final %s", d.Final())
	}
}

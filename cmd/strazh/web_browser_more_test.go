package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/strazh/strazh/moderation"
)

// browserRetry (TestWebConsole_Browser): a moderator's «Удалить» the
// network refuses is listed under «Не выполнено в соцсети» with the
// network's error; once the network heals, «Повторить» in the browser
// deletes the comment on the fake and the section no longer lists it.
func browserRetry(t *testing.T, ctx context.Context, c *consoleRig, base string) {
	t.Helper()
	cid := c.net.PostBroken("p3", "u83", "Олег", "Я тебя найду и убью, понял", http.StatusBadRequest)
	var id uint64
	waitFor(t, "the second threat in review", func() bool {
		p, _ := c.pipe.PendingReviews()
		for _, d := range p {
			if d.Comment.Ref == cid {
				id = d.ID
			}
		}
		return id != 0
	})
	card, failed := fmt.Sprintf("#card-%d", id), fmt.Sprintf("#failed-%d", id)
	run(t, ctx, chromedp.Navigate(base+"/queue"), chromedp.WaitVisible(chromedp.CSS(card)),
		chromedp.Click(chromedp.CSS(card+" button.delete")), chromedp.WaitVisible(chromedp.ID("outcome")))
	waitFor(t, "the deletion failed on the network", func() bool {
		d, err := c.pipe.Decision(id)
		return err == nil && slices.ContainsFunc(d.Actions, func(a moderation.ActionRecord) bool { return a.State == moderation.ActionFailed })
	})
	run(t, ctx, chromedp.Navigate(base+"/queue"), chromedp.WaitVisible(chromedp.CSS(failed)))
	if txt := browse(t, ctx, chromedp.Text(chromedp.CSS(failed))); !strings.Contains(txt, "найду") || !strings.Contains(txt, "HTTP 400") {
		t.Errorf("«Не выполнено в соцсети» shows %q, want the comment and the network's error", txt)
	}
	if c.net.Deleted(cid) {
		t.Fatal("deleted on the network although it refused")
	}

	c.net.BreakItem(cid, 0) // the network heals
	calls := c.net.Calls("delete", cid)
	run(t, ctx, chromedp.Click(chromedp.CSS(failed+` button[value="retry"]`)), chromedp.WaitVisible(chromedp.ID("outcome")))
	waitFor(t, "the retried deletion on the network fake", func() bool { return c.net.Deleted(cid) })
	if n := c.net.Calls("delete", cid); n != calls+1 {
		t.Errorf("delete calls %d → %d, want one more for «Повторить»", calls, n)
	}
	if outcome := browse(t, ctx, chromedp.Text(chromedp.ID("outcome"))); !strings.Contains(outcome, fmt.Sprintf("#%d", id)) {
		t.Errorf("outcome after «Повторить» %q, want decision #%d", outcome, id)
	}
	run(t, ctx, chromedp.Navigate(base+"/queue"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if still := browse(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", failed))); still {
		t.Error("the queue still lists the decision under «Не выполнено в соцсети»")
	}
}

// browserAnswer (TestWebConsole_Browser): on /appeals a moderator types
// the page's answer and presses «Ответить»; the answer is in the comment's
// thread on the network fake, the appeal is closed as web:anna, leaves
// the open list and shows in the closed one.
func browserAnswer(t *testing.T, ctx context.Context, c *consoleRig, base, commentID string) {
	t.Helper()
	var art string // the appeal's card, once the pipeline opened it
	waitFor(t, "the appeal on /appeals", func() bool {
		run(t, ctx, chromedp.Navigate(base+"/appeals"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		art = browse(t, ctx, chromedp.Evaluate[string](`document.querySelector('article.appeal')?.id ?? ''`))
		return art != ""
	})
	var id uint64
	if _, err := fmt.Sscanf(art, "appeal-%d", &id); err != nil {
		t.Fatalf("appeal card id %q: %v", art, err)
	}
	art = "#" + art
	if txt := browse(t, ctx, chromedp.Text(chromedp.CSS(art))); !strings.Contains(txt, "Садовой") || !strings.Contains(txt, "Ответить до") {
		t.Errorf("the appeal's card shows %q", txt)
	}
	answer := "Ремонт Садовой улицы начнётся в мае, подрядчик уже выбран."
	run(t, ctx, chromedp.SendKeys(chromedp.CSS(art+` textarea[name="text"]`), answer),
		chromedp.Click(chromedp.CSS(art+` button[value="reply"]`)), chromedp.WaitVisible(chromedp.ID("answered")))
	if got := c.net.Replies(commentID); !slices.Equal(got, []string{answer}) {
		t.Errorf("replies on the network fake %q, want [%q]", got, answer)
	}
	if a, err := c.pipe.Appeal(id); err != nil || a.Open() || a.AnsweredBy != "web:anna" {
		t.Errorf("the appeal after «Ответить»: %+v, %v; want closed by web:anna", a, err)
	}
	if note := browse(t, ctx, chromedp.Text(chromedp.ID("answered"))); !strings.Contains(note, "Ответ опубликован") {
		t.Errorf("the page says %q, want «Ответ опубликован»", note)
	}
	if still := browse(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", art))); still {
		t.Error("the answered appeal is still listed")
	}
	// It is under «Закрытые обращения» now: how, by whom.
	if row := browse(t, ctx, chromedp.Evaluate[string](fmt.Sprintf("document.querySelector('#closed-%d')?.innerText ?? ''", id))); !strings.Contains(row, "Ответили в соцсети") || !strings.Contains(row, "web:anna") {
		t.Errorf("the closed list's row of the appeal reads %q", row)
	}
}

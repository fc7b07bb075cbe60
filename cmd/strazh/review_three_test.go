package main

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// Issue 14's «Done when» with all three review channels up: one tap in any
// of Telegram, MAX and the console closes the card in the other two, and
// the network carries out that one decision.
func TestReviewChannels_ThreeUp_OneTapClosesEverywhere(t *testing.T) {
	tg := telegramtest.New("")
	t.Cleanup(tg.Close)
	t.Setenv("STRAZH_E2E_TG_TOKEN", tg.Token())
	mx := maxtest.New(maxtest.Options{})
	msrv := httptest.NewServer(mx)
	t.Cleanup(msrv.Close)
	t.Setenv("STRAZH_E2E_MAX_TOKEN", maxtest.Token)
	maxBlock := fmt.Sprintf("  max:\n    api_url: %s\n    token_env: STRAZH_E2E_MAX_TOKEN\n    chat_id: %d\n    moderators: [%d]\n", msrv.URL, e2eMAXChat, e2eMAXMod)
	c := newConsoleRig(t, telegramBlock(tg)+maxBlock)
	c.addUser(t, "anna", "moderator", "anna-password-1")
	r := &reviewRig{net: c.net, tg: tg}
	cc := signIn(t, "http://"+c.addr, "anna", "anna-password-1")

	// pending is the one review waiting, as the console shows it.
	pending := func(t *testing.T) (id uint64, card string) {
		t.Helper()
		waitFor(t, "one review pending", func() bool { p, _ := c.pipe.PendingReviews(); return len(p) == 1 })
		p, _ := c.pipe.PendingReviews()
		card = fmt.Sprintf("card-%d", p[0].ID)
		if !strings.Contains(cc.get("/queue"), card) {
			t.Fatal("the card is not in the console's queue")
		}
		return p[0].ID, card
	}
	maxClosed := func(t *testing.T, mid, who string) {
		t.Helper()
		waitMAX(t, mx, "the MAX card closed naming "+who, func() bool {
			m, _ := mx.Message(mid)
			return len(maxtest.Buttons(m)) == 0 && strings.Contains(m.Body.Text, who)
		})
	}

	t.Run("telegram", func(t *testing.T) {
		comment := c.net.Post("p1", "u81", "Пётр", threat)
		tgCard, mxCard := r.card(t, "убью"), maxCard(t, mx, "убью")
		_, card := pending(t)
		if err := tg.Press(e2eChat, tgCard.ID, "Удалить", secretary); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "deleted on the network", func() bool { return c.net.Deleted(comment) })
		maxClosed(t, mxCard.Body.Mid, "(Telegram)")
		waitFor(t, "the card gone from the console", func() bool { return !strings.Contains(cc.get("/queue"), card) })
	})
	t.Run("max", func(t *testing.T) {
		comment := c.net.Post("p2", "u82", "Олег", "Я тебя найду и убью, понял")
		tgCard, mxCard := r.card(t, "найду"), maxCard(t, mx, "найду")
		_, card := pending(t)
		pressMAX(t, mx, mxCard, "Удалить")
		waitFor(t, "deleted on the network", func() bool { return c.net.Deleted(comment) })
		r.waitCard(t, tgCard.ID, "the Telegram card closed by the MAX tap", func(m telegramtest.Message) bool {
			return len(m.Buttons()) == 0 && strings.Contains(m.Text, "(MAX)")
		})
		waitFor(t, "the card gone from the console", func() bool { return !strings.Contains(cc.get("/queue"), card) })
	})
	t.Run("web", func(t *testing.T) {
		comment := c.net.Post("p3", "u83", "Игорь", "Приду и убью тебя, жди")
		tgCard, mxCard := r.card(t, "Приду"), maxCard(t, mx, "Приду")
		id, _ := pending(t)
		cc.post("/decide", url.Values{"id": {fmt.Sprint(id)}, "action": {"delete"}})
		waitFor(t, "deleted on the network", func() bool { return c.net.Deleted(comment) })
		r.waitCard(t, tgCard.ID, "the Telegram card closed by the console", func(m telegramtest.Message) bool {
			return len(m.Buttons()) == 0 && strings.Contains(m.Text, "anna")
		})
		maxClosed(t, mxCard.Body.Mid, "anna")
		// Each comment was acted on once, whichever channel decided.
		if n := c.net.Calls("delete", comment); n != 1 {
			t.Errorf("%d deletions of the comment on the network, want 1", n)
		}
	})
}

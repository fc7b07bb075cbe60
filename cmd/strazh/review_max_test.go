package main

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// Issue 14's «Done when» for MAX: the whole daemon with a Telegram review
// chat and a MAX one (review.max) against their fakes.

const (
	e2eMAXChat int64 = -70000000000777
	e2eMAXMod  int64 = 4343
)

var maxSecretary = maxapi.User{UserID: e2eMAXMod, Name: "Анна Смирнова"}

const reviewMAXConfig = `state_dir: %s
metrics: {listen: ""}
rules: {builtin: ru}
review:
  telegram:
    api_url: %s
    token_env: STRAZH_E2E_TG_TOKEN
    chat_id: %d
    moderators: [%d]
  max:
    api_url: {{MAX}}
    token_env: STRAZH_E2E_MAX_TOKEN
    chat_id: -70000000000777
    moderators: [4343]
accounts:
  - name: page
    network: sim
    api_url: %s
    token_env: STRAZH_E2E_SIM_TOKEN
    poll_wait: 1s
`

// newMAXRig runs the daemon with both review chats; before runs just
// before the start.
func newMAXRig(t *testing.T, before func(*reviewRig)) (*reviewRig, *maxtest.Server) {
	t.Helper()
	mx := maxtest.New(maxtest.Options{})
	srv := httptest.NewServer(mx)
	t.Cleanup(srv.Close)
	t.Setenv("STRAZH_E2E_MAX_TOKEN", maxtest.Token)
	r := newReviewRigBefore(t, strings.Replace(reviewMAXConfig, "{{MAX}}", srv.URL, 1), before)
	return r, mx
}

// maxCard waits for the MAX review card showing text, with its buttons.
func maxCard(t *testing.T, mx *maxtest.Server, text string) maxapi.Message {
	t.Helper()
	var got maxapi.Message
	waitMAX(t, mx, "a MAX card for "+text, func() bool {
		for _, m := range mx.Messages(e2eMAXChat) {
			if strings.Contains(m.Body.Text, text) && strings.Contains(strings.Join(maxtest.Buttons(m), "|"), "Оставить") {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

func waitMAX(t *testing.T, mx *maxtest.Server, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := mx.Wait(ctx, cond); err != nil {
		t.Fatalf("never: %s", what)
	}
}

// pressMAX presses once the reviewer polls with a marker (a press made
// before the MAX bot's first poll is not delivered to it, as in MAX).
func pressMAX(t *testing.T, mx *maxtest.Server, m maxapi.Message, label string) {
	t.Helper()
	waitMAX(t, mx, "the MAX reviewer polls", func() bool {
		for _, c := range mx.Calls("/updates") {
			if strings.Contains(c.Query, "marker=") {
				return true
			}
		}
		return false
	})
	if _, err := mx.Press(m.Body.Mid, label, maxSecretary); err != nil {
		t.Fatal(err)
	}
}

// Telegram is down for the whole run: the doubtful comment is decided in
// MAX and the deletion reaches the network; Telegram's backlog waits.
func TestReviewE2E_MAX_TelegramDown(t *testing.T) {
	r, mx := newMAXRig(t, func(r *reviewRig) { r.tg.Down() })
	id := r.net.Post("p1", "u79", "Пётр", threat)
	m := maxCard(t, mx, "убью")
	pressMAX(t, mx, m, "Удалить")
	waitFor(t, "deleted on the network", func() bool { return r.net.Deleted(id) })
	waitMAX(t, mx, "the MAX card closed, naming who and where", func() bool {
		c, _ := mx.Message(m.Body.Mid)
		return strings.Contains(c.Body.Text, "Анна Смирнова (MAX)") && len(maxtest.Buttons(c)) == 0
	})
	if n := len(r.tg.BotMessages(e2eChat)); n != 0 {
		t.Fatalf("%d Telegram messages while it was down", n)
	}
}

// Both up: one tap in MAX decides, and the Telegram card is closed too,
// saying who decided and where.
func TestReviewE2E_MAX_OneTapClosesBoth(t *testing.T) {
	r, mx := newMAXRig(t, nil)
	id := r.net.Post("p1", "u80", "Пётр", threat)
	tg := r.card(t, "убью")
	m := maxCard(t, mx, "убью")
	pressMAX(t, mx, m, "Удалить")
	waitFor(t, "deleted on the network", func() bool { return r.net.Deleted(id) })
	r.waitCard(t, tg.ID, "closed by the MAX tap", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Анна Смирнова (MAX)") && len(m.Buttons()) == 0
	})
	// A late tap in Telegram decides nothing more.
	if err := r.tg.Press(e2eChat, tg.ID, "Оставить", secretary); err == nil {
		t.Fatal("the Telegram card kept its buttons")
	}
}

// A MAX account given the MAX review bot's token through another variable
// is refused by check (and run); a bot of its own passes, and no token is
// echoed.
func TestCheck_MAXAccountWithReviewToken(t *testing.T) {
	t.Setenv("STRAZH_TEST_SIM_TOKEN", "t")
	t.Setenv("STRAZH_TEST_MAX_REVIEW", "max-review-secret")
	t.Setenv("STRAZH_TEST_MAX_SAME", "max-review-secret")
	t.Setenv("STRAZH_TEST_MAX_OWN", "max-own-secret")
	for _, tt := range []struct {
		env    string
		refuse bool
	}{{"STRAZH_TEST_MAX_SAME", true}, {"STRAZH_TEST_MAX_OWN", false}} {
		t.Run(tt.env, func(t *testing.T) {
			p := writeConfig(t, "review:\n  max:\n    token_env: STRAZH_TEST_MAX_REVIEW\n    chat_id: -7\n    moderators: [7]\n", nil)
			b, _ := os.ReadFile(p)
			b = append(b, "  - name: mx\n    network: max\n    channel_id: -7080\n    token_env: "+tt.env+"\n"...)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, out, code := runCLI(context.Background(), "check", "-config", p)
			refused := strings.Contains(out, "accounts[1] (mx): token: is the MAX review bot's token")
			if refused != tt.refuse || (tt.refuse && code != 1) {
				t.Fatalf("check: exit %d, refused %v, want %v:\n%s", code, refused, tt.refuse, out)
			}
			if strings.Contains(out, "review-secret") || strings.Contains(out, "own-secret") {
				t.Fatalf("a token in the output:\n%s", out)
			}
		})
	}
}

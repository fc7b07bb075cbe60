package review_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
)

// freeAddr is a loopback address nothing listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func newMAXWebhookEnv(t *testing.T) *maxEnv {
	t.Helper()
	addr := freeAddr(t)
	t.Setenv("STRAZH_TEST_MAX_HOOK", "hook-secret_1")
	e := newMAXEnv(t, func(c *review.MAXConfig) {
		c.Webhook = &review.MAXWebhook{URL: "http://" + addr + "/max", Listen: addr, SecretEnv: "STRAZH_TEST_MAX_HOOK"}
	})
	return e
}

func (e *maxEnv) startHook() {
	e.t.Helper()
	e.reg = nil
	if err := e.startNoPoll(); err != nil {
		e.t.Fatal(err)
	}
	e.waitSubscribed()
}

func (e *maxEnv) waitSubscribed() {
	e.t.Helper()
	if err := e.mx.Wait(e.ctx(), func() bool {
		for _, c := range e.mx.Calls("/subscriptions") {
			if c.Status == 200 {
				return true
			}
		}
		return false
	}); err != nil {
		e.t.Fatal("the reviewer never subscribed its webhook")
	}
}

// deliver has the fake post its pending updates to the webhook.
func (e *maxEnv) deliver() (int, error) {
	return e.mx.Deliver(e.ctx(), http.DefaultClient)
}

// With a webhook, MAX's deliveries are the updates: a press is handled
// and answered, /updates is never polled, and a delivery whose handling
// could not be saved is refused, delivered again and handled then.
func TestMAX_Webhook_DeliveriesHandled(t *testing.T) {
	e := newMAXWebhookEnv(t)
	e.startHook()
	e.submit(e.mod.review("по вебхуку"))
	m := e.card("#1")
	id, err := e.mx.Press(m.Body.Mid, "Удалить", mMaria)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.deliver(); n != 1 || err != nil {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	if a := e.answer(id); !strings.Contains(a.Notification, "Готово") {
		t.Errorf("answer = %q", a.Notification)
	}
	e.waitMsg(m.Body.Mid, "decided", func(m maxapi.Message) bool { return strings.Contains(m.Body.Text, "удалить — Мария") })

	e.submit(e.mod.review("второй"))
	m2 := e.card("#2")
	// The disk fails once the card's message is recorded (a failure
	// between sending and recording would send the card again).
	if err := e.mx.Wait(e.ctx(), func() bool { c, err := e.store.CardFor(2); return err == nil && c.Msg() == m2.Body.Mid }); err != nil {
		t.Fatal("card #2's message id never stored")
	}
	e.store.FailWith(errors.New("disk full"))
	if _, err := e.mx.Press(m2.Body.Mid, "Оставить", mOleg); err != nil {
		t.Fatal(err)
	}
	if n, err := e.deliver(); n != 0 || err == nil {
		t.Fatalf("a delivery that could not be saved was accepted: %d, %v", n, err)
	}
	e.store.FailWith(nil)
	if n, err := e.deliver(); n != 1 || err != nil {
		t.Fatalf("redelivery = %d, %v", n, err)
	}
	e.waitMsg(m2.Body.Mid, "closed after the redelivery", func(m maxapi.Message) bool { return strings.Contains(m.Body.Text, "оставить — Олег") })
	wins := 0
	for _, c := range e.mod.calls() {
		if c.ID == 2 && c.Err == nil {
			wins++
		} else if c.ID == 2 && !errors.Is(c.Err, moderation.ErrAlreadyDecided) {
			t.Errorf("call %+v", c)
		}
	}
	if wins != 1 {
		t.Fatalf("decision 2 decided %d times: %+v", wins, e.mod.calls())
	}
	if n := len(e.mx.Calls("/updates")); n != 0 {
		t.Errorf("%d polls of /updates with a webhook", n)
	}
}

// An address that cannot be listened on ends Run with an error naming the
// key, instead of a reviewer that silently hears nothing.
func TestMAX_Webhook_ListenFails(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	t.Setenv("STRAZH_TEST_MAX_HOOK", "hook-secret_1")
	e := newMAXEnv(t, func(c *review.MAXConfig) {
		c.Webhook = &review.MAXWebhook{URL: "https://strazh.example/max", Listen: busy.Addr().String(), SecretEnv: "STRAZH_TEST_MAX_HOOK"}
	})
	rv, err := review.NewMAX(e.cfg, review.DefaultConfig(), review.Deps{Moderation: e.mod, Store: e.store, Timing: e.tm})
	if err != nil {
		t.Fatal(err)
	}
	if err := rv.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "review.max.webhook.listen") {
		t.Fatalf("Run = %v", err)
	}
}

func TestMAXConfig_Validate_Webhook(t *testing.T) {
	base := review.DefaultMAXConfig()
	base.ChatID, base.Moderators = -1, []int64{1}
	tests := []struct {
		name string
		hook review.MAXWebhook
		want string
	}{
		{"no url", review.MAXWebhook{Listen: "127.0.0.1:1", SecretEnv: "S"}, "review.max.webhook.url"},
		{"bad listen", review.MAXWebhook{URL: "https://h/x", Listen: "8081", SecretEnv: "S"}, "review.max.webhook.listen"},
		{"no secret", review.MAXWebhook{URL: "https://h/x", Listen: ":8081"}, "review.max.webhook.secret_env"},
		// MAX delivers over https on port 443 only: these were passed, then
		// refused by MAX at every subscription attempt.
		{"plain http", review.MAXWebhook{URL: "http://h.example/x", Listen: ":8081", SecretEnv: "S"}, "review.max.webhook.url: MAX delivers only over https on port 443"},
		{"other port", review.MAXWebhook{URL: "https://h.example:8443/x", Listen: ":8081", SecretEnv: "S"}, "review.max.webhook.url: MAX delivers only over https on port 443"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			c.Webhook = &tt.hook
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %s", err, tt.want)
			}
		})
	}
	for _, u := range []string{"https://h.example/x", "https://h.example:443/x", "http://127.0.0.1:9/x", "http://localhost:9/x"} {
		c := base
		c.Webhook = &review.MAXWebhook{URL: u, Listen: ":8081", SecretEnv: "S"}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

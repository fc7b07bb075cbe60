package maxapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation"
)

func newClient(t *testing.T, token string) (*maxapi.Client, *maxtest.Server) {
	t.Helper()
	f := maxtest.New(maxtest.Options{})
	hs := httptest.NewServer(f)
	t.Cleanup(hs.Close)
	c, err := maxapi.New(hs.URL, token, maxapi.Options{RPS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return c, f
}

func TestClient_Do_ErrorClasses(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter int
		class      maxapi.Class
		modClass   moderation.ErrorClass
		wait       time.Duration
	}{
		{"rate limit with hint", 429, 2, maxapi.ClassRateLimit, moderation.ClassRetry, 2 * time.Second},
		{"rate limit without hint", 429, 0, maxapi.ClassRateLimit, moderation.ClassRetry, 0},
		{"outage", 503, 0, maxapi.ClassTransient, moderation.ClassRetry, 0},
		{"server error", 500, 0, maxapi.ClassTransient, moderation.ClassRetry, 0},
		{"forbidden", 403, 0, maxapi.ClassCredentials, moderation.ClassCredentials, 0},
		{"not found", 404, 0, maxapi.ClassNotFound, moderation.ClassItem, 0},
		{"bad request", 400, 0, maxapi.ClassItem, moderation.ClassItem, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newClient(t, maxtest.Token)
			f.Fail("/me", 1, tt.status, tt.retryAfter)
			_, err := c.Me(context.Background())
			var e *maxapi.Error
			if !errors.As(err, &e) || e.Class != tt.class || e.Status != tt.status {
				t.Fatalf("err %v, want class %v status %d", err, tt.class, tt.status)
			}
			classed := maxapi.Classed(err)
			if got := moderation.Classify(classed); got != tt.modClass {
				t.Errorf("pipeline class %v, want %v", got, tt.modClass)
			}
			if got := moderation.RetryAfter(classed); got != tt.wait {
				t.Errorf("retry after %v, want %v", got, tt.wait)
			}
		})
	}
}

func TestClient_Me_BrokenToken(t *testing.T) {
	c, _ := newClient(t, "wrong-secret-token")
	_, err := c.Me(context.Background())
	if !errors.Is(err, moderation.ErrCredentials) {
		t.Fatalf("err %v, want credentials", err)
	}
	var e *maxapi.Error
	if !errors.As(err, &e) || e.Code != "verify.token" {
		t.Fatalf("err %v, want MAX's verify.token", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-token") {
		t.Fatal("the token is in the error text")
	}
}

func TestClient_Do_AuthorizationHeader(t *testing.T) {
	var got *http.Request
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Write([]byte(`{"user_id":1}`))
	}))
	defer hs.Close()
	c, _ := maxapi.New(hs.URL, "tok", maxapi.Options{})
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got.Header.Get("Authorization") != "tok" || got.URL.RawQuery != "" {
		t.Fatalf("auth %q, query %q: want the bare token in the header only", got.Header.Get("Authorization"), got.URL.RawQuery)
	}
}

func TestClient_Do_RateLimitHoldsLaterRequests(t *testing.T) {
	c, f := newClient(t, maxtest.Token)
	f.Fail("/me", 1, 429, 1)
	_, _ = c.Me(context.Background())
	if _, err := c.ChatAdmins(context.Background(), maxtest.ChannelID); err != nil {
		t.Fatal(err)
	}
	calls := f.Calls("")
	if len(calls) != 2 || calls[1].At.Sub(calls[0].At) < time.Second {
		t.Fatalf("the next request went out %v after the 429, want ≥ 1s", calls[len(calls)-1].At.Sub(calls[0].At))
	}
}

func TestClient_Updates_Marker(t *testing.T) {
	c, f := newClient(t, maxtest.Token)
	ctx := context.Background()
	// No marker: only what comes from now on.
	f.AddPost("old")
	ups, m, err := c.Updates(ctx, maxapi.UpdatesRequest{})
	if err != nil || len(ups) != 0 {
		t.Fatalf("first poll %v %v", ups, err)
	}
	f.AddPost("new one")
	f.AddPost("newer")
	ups, m2, err := c.Updates(ctx, maxapi.UpdatesRequest{Marker: &m, Limit: 1})
	if err != nil || len(ups) != 1 || ups[0].Message.Body.Text != "new one" {
		t.Fatalf("limited poll %+v %v", ups, err)
	}
	ups, _, err = c.Updates(ctx, maxapi.UpdatesRequest{Marker: &m2, Timeout: time.Second})
	if err != nil || len(ups) != 1 || ups[0].Message.Body.Text != "newer" {
		t.Fatalf("next poll %+v %v", ups, err)
	}
	// The same marker again reads the same updates (at least once).
	again, _, err := c.Updates(ctx, maxapi.UpdatesRequest{Marker: &m2})
	if err != nil || len(again) != 1 {
		t.Fatalf("re-read %+v %v", again, err)
	}
}

// The review bot's path: a card with a keyboard, a press by a user, the
// answer, an edit removing the keyboard.
func TestClient_Callbacks(t *testing.T) {
	c, f := newClient(t, maxtest.Token)
	ctx := context.Background()
	const chat = -100
	var m0 int64
	_, m0, _ = c.Updates(ctx, maxapi.UpdatesRequest{})
	card, err := c.Send(ctx, chat, maxapi.NewMessage{Text: "Удалить комментарий?", Attachments: []maxapi.Attachment{
		maxapi.Keyboard([][]maxapi.Button{{{Type: "callback", Text: "Удалить", Payload: "d:17"}, {Type: "callback", Text: "Оставить", Payload: "a:17"}}})}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := f.Press(card.Body.Mid, "Оставить", maxapi.User{UserID: 42, Name: "Мария"})
	if err != nil {
		t.Fatal(err)
	}
	ups, _, err := c.Updates(ctx, maxapi.UpdatesRequest{Marker: &m0, Timeout: time.Second})
	if err != nil || len(ups) != 1 || ups[0].Callback == nil || ups[0].Callback.Payload != "a:17" || ups[0].Callback.User.UserID != 42 {
		t.Fatalf("callback update %+v %v", ups, err)
	}
	if err := c.AnswerCallback(ctx, id, maxapi.Answer{Notification: "Оставлено"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Edit(ctx, card.Body.Mid, maxapi.NewMessage{Text: "Оставлено: Мария"}); err != nil {
		t.Fatal(err)
	}
	ms := f.Messages(chat)
	if a := f.Answers(); len(a) != 1 || a[0].CallbackID != id || len(ms) != 1 || ms[0].Body.Text != "Оставлено: Мария" || len(ms[0].Body.Attachments) != 0 {
		t.Fatalf("answers %+v, messages %+v", a, ms)
	}
	if _, err := f.Press(card.Body.Mid, "Удалить", maxapi.User{UserID: 42}); err == nil {
		t.Fatal("pressed a button the edit removed")
	}
}

func TestClient_DeleteComment_PerChatLimit(t *testing.T) {
	c, f := newClient(t, maxtest.Token)
	ctx := context.Background()
	post := f.AddPost("p")
	var err error
	for i := range 3 {
		err = c.DeleteComment(ctx, post, f.AddComment(post, int64(i+1), "u", "t"))
	}
	var e *maxapi.Error
	if !errors.As(err, &e) || e.Class != maxapi.ClassRateLimit || e.RetryAfter != time.Second {
		t.Fatalf("third deletion within a second: %v, want 429 with a one-second hint", err)
	}
}

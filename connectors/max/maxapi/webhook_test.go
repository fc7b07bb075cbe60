package maxapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/connectors/max/maxtest"
)

func TestWebhookHandler_Deliveries(t *testing.T) {
	c, f := newClient(t, maxtest.Token)
	var (
		mu    sync.Mutex
		got   []string
		fails = 1
	)
	hook := httptest.NewServer(maxapi.WebhookHandler("s3cret-x", func(_ context.Context, u maxapi.Update) error {
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 {
			fails--
			return errors.New("store busy")
		}
		got = append(got, u.Message.Body.Text)
		return nil
	}))
	defer hook.Close()
	ctx := context.Background()
	if err := c.Subscribe(ctx, hook.URL, "bad secret!", nil); err == nil {
		t.Fatal("a secret outside [A-Za-z0-9_-] accepted")
	}
	if err := c.Subscribe(ctx, hook.URL, "s3cret-x", []string{maxapi.UpdateMessageCreated}); err != nil {
		t.Fatal(err)
	}
	f.AddPost("первый")
	f.AddPost("второй")
	if n, err := f.Deliver(ctx, hook.Client()); n != 0 || err == nil {
		t.Fatalf("a refused delivery: %d %v", n, err)
	}
	if n, err := f.Deliver(ctx, hook.Client()); n != 2 || err != nil {
		t.Fatalf("redelivery: %d %v", n, err)
	}
	if strings.Join(got, ",") != "первый,второй" {
		t.Fatalf("handled %v, want both in order", got)
	}
	// A delivery without the secret is refused.
	resp, err := http.Post(hook.URL, "application/json", strings.NewReader(`{"update_type":"message_created"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("no secret: status %d, want 403", resp.StatusCode)
	}
}

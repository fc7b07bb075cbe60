package maxapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
)

// SecretHeader carries the subscription's secret on every delivery (§6.2).
const SecretHeader = "X-Max-Bot-Api-Secret"

var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{5,256}$`)

// Subscribe points MAX's deliveries of types at url (HTTPS on port 443
// with a CA or Минцифры certificate; §6.2). While subscribed, /updates is off.
func (c *Client) Subscribe(ctx context.Context, hookURL, secret string, types []string) error {
	if !secretRE.MatchString(secret) {
		return &Error{Op: "POST /subscriptions", Class: ClassItem, Message: "secret must be 5..256 of [A-Za-z0-9_-]"}
	}
	body := map[string]any{"url": hookURL, "update_types": types, "secret": secret}
	return c.success(ctx, http.MethodPost, "subscriptions", nil, body)
}

// Unsubscribe removes the subscription of url.
func (c *Client) Unsubscribe(ctx context.Context, hookURL string) error {
	return c.success(ctx, http.MethodDelete, "subscriptions", url.Values{"url": {hookURL}}, nil)
}

// WebhookHandler serves MAX's deliveries: a request without the secret is
// refused (403), an unreadable one gets 400, and handle's error 500 (MAX
// then delivers again, from 60 s on, §6.2). handle must finish well within
// MAX's 30 s.
func WebhookHandler(secret string, handle func(context.Context, Update) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get(SecretHeader)
		if r.Method != http.MethodPost || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var u Update
		if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&u); err != nil || u.Type == "" {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if err := handle(r.Context(), u); err != nil {
			if errors.Is(err, context.Canceled) {
				return
			}
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

package metatest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"
)

// The webhook side (§3.3, §4): the fake plays Meta, POSTing signed
// deliveries to the daemon's callback.

// Sign is X-Hub-Signature-256 for body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Delivery builds the delivery of a comment's change: verb is add,
// edited or remove (Facebook); Instagram has only new comments.
func (s *Server) Delivery(id, verb string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.byID[id]
	if c == nil {
		return nil
	}
	now := s.opts.Now().Unix()
	var env map[string]any
	if c.Network == "facebook" {
		parent := c.ParentID
		if parent == "" {
			parent = c.PostID
		}
		v := map[string]any{"item": "comment", "verb": verb, "comment_id": c.ID, "post_id": c.PostID, "parent_id": parent,
			"from": map[string]string{"id": c.FromID, "name": c.FromName}, "created_time": c.Created.Unix()}
		if verb != "remove" {
			v["message"] = c.Text
		}
		env = map[string]any{"object": "page", "entry": []any{map[string]any{"id": PageID, "time": now,
			"changes": []any{map[string]any{"field": "feed", "value": v}}}}}
	} else {
		v := map[string]any{"id": c.ID, "text": c.Text, "from": map[string]string{"id": c.FromID, "username": c.FromName},
			"media": map[string]string{"id": c.PostID, "media_product_type": "FEED"}}
		if c.ParentID != "" {
			v["parent_id"] = c.ParentID
		}
		env = map[string]any{"object": "instagram", "entry": []any{map[string]any{"id": IGUserID, "time": now,
			"changes": []any{map[string]any{"field": "comments", "value": v}}}}}
	}
	b, _ := json.Marshal(env)
	return b
}

// Send POSTs body to url signed with the app secret (signature "" signs
// it; any other value is sent as is, to forge one) and returns the status.
func Send(ctx context.Context, hc *http.Client, url string, body []byte, signature string) (int, error) {
	if signature == "" {
		signature = Sign(AppSecret, body)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "-" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// SetWebhook makes the fake deliver every new comment (and each edit) to
// url, as Meta does once the app is subscribed ("" stops it).
func (s *Server) SetWebhook(url string) { s.mu.Lock(); s.hook = url; s.mu.Unlock() }

// Push delivers a comment's change to the webhook set by SetWebhook.
func (s *Server) Push(ctx context.Context, id, verb string) (int, error) {
	s.mu.Lock()
	url := s.hook
	s.mu.Unlock()
	if url == "" {
		return 0, nil
	}
	return Send(ctx, nil, url, s.Delivery(id, verb), "")
}

package maxtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/strazh/strazh/connectors/max/maxapi"
)

// The webhook side (§6.2): POST /subscriptions stores url, types and
// secret; Deliver posts the updates not yet delivered to it with the
// secret header, as MAX does, keeping those refused for the next try.

type subscription struct {
	URL    string   `json:"url"`
	Types  []string `json:"update_types"`
	Secret string   `json:"secret"`
	next   int      // index of the first update not delivered
}

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) {
	var sub subscription
	if err := json.NewDecoder(r.Body).Decode(&sub); err != nil || sub.URL == "" || len(sub.Secret) < 5 {
		writeErr(w, 400, "proto.payload", "url and secret required")
		return
	}
	s.mu.Lock()
	sub.next = len(s.updates)
	s.sub = &sub
	s.mu.Unlock()
	writeJSON(w, map[string]any{"success": true})
}

func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.sub != nil && s.sub.URL == r.URL.Query().Get("url") {
		s.sub = nil
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"success": true})
}

// Deliver sends the pending updates to the subscribed webhook, in order,
// stopping at the first one not answered 200 (it is sent again by the
// next Deliver). It returns how many were accepted.
func (s *Server) Deliver(ctx context.Context, hc *http.Client) (int, error) {
	s.mu.Lock()
	sub := s.sub
	if sub == nil {
		s.mu.Unlock()
		return 0, fmt.Errorf("maxtest: no subscription")
	}
	pending := append([]maxapi.Update(nil), s.updates[sub.next:]...)
	s.mu.Unlock()
	n := 0
	for _, u := range pending {
		b, _ := json.Marshal(u)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(b))
		if err != nil {
			return n, err
		}
		req.Header.Set(maxapi.SecretHeader, sub.Secret)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return n, err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return n, fmt.Errorf("maxtest: webhook answered %d", resp.StatusCode)
		}
		n++
		s.mu.Lock()
		sub.next++
		s.mu.Unlock()
	}
	return n, nil
}

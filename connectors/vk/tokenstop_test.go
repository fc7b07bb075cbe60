package vk

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// sigtermAtRefresh is VK ID seen from the client: it spends the refresh
// token on receipt and, while the answer is on its way, the daemon is
// stopped (stop cancels the caller's context). The answer arrives unless
// the request's own context was cancelled, as with a real transport.
type sigtermAtRefresh struct {
	stop  context.CancelFunc
	spent int
}

func (s *sigtermAtRefresh) RoundTrip(r *http.Request) (*http.Response, error) {
	s.spent++ // VK rotated the pair: the old refresh token works no more
	s.stop()
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	body := `{"access_token":"new-access","refresh_token":"new-refresh","expires_in":3600}`
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// A SIGTERM while a refresh is on its way: the refresh and its store write
// finish on their own short context. On the caller's, the answer was
// dropped, the spent refresh token stayed the only one known, and the next
// start needed a new authorisation by hand.
func TestRefresher_Refresh_SurvivesTheCallerStopping(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	rt := &sigtermAtRefresh{stop: stop}
	store := &memTokens{}
	r := &refresher{url: "https://id.vk.test", clientID: "app1", deviceID: "dev1", hc: &http.Client{Transport: rt},
		timeout: 5 * time.Second, store: store, account: "admin-vk", source: fingerprint("r0"),
		tok: moderation.Token{Access: "old", Refresh: "r0"}}
	access, err := r.refresh(ctx, "old")
	if err != nil || access != "new-access" {
		t.Fatalf("refresh: %q, %v; want the new token", access, err)
	}
	if got := store.get(t); got.Refresh != "new-refresh" || got.Access != "new-access" {
		t.Errorf("stored %+v, want the new pair", got)
	}
	// A stop before the refresh starts spends nothing: it is not started.
	rt.spent = 0
	r.tok.Access = "stale"
	if _, err := r.refresh(ctx, "stale"); err == nil || rt.spent != 0 {
		t.Errorf("refresh after the stop: err %v, %d refresh tokens spent; want an error and none", err, rt.spent)
	}
}

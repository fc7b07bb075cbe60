package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
)

// unixClient talks HTTP to the admin socket.
func unixClient(sock string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}}
}

func TestAdminSocket_BadRequests(t *testing.T) {
	sim := simtest.New()
	defer sim.Close()
	td := startTestDaemon(t, sim)
	client := unixClient(filepath.Join(filepath.Dir(td.cfgPath), "state", "strazh.sock"))
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string // in the error message
	}{
		{"decisions: bad time", "GET", "/v1/decisions?since=yesterday", "", 400, "since"},
		{"decisions: bad verdict", "GET", "/v1/decisions?verdict=maybe", "", 400, "verdict"},
		{"decisions: negative limit", "GET", "/v1/decisions?limit=-1", "", 400, "limit"},
		{"decisions: unknown parameter", "GET", "/v1/decisions?acount=page", "", 400, `unknown parameter "acount"`},
		{"blacklist: unknown parameter", "GET", "/v1/blacklist?network=vk", "", 400, `unknown parameter "network"`},
		{"model rollback: unknown field", "POST", "/v1/model/rollback", `{"version":1,"force":true}`, 400, "force"},
		{"model rollback: no version", "POST", "/v1/model/rollback", `{}`, 400, "version is required"},
		{"model refit: trailing data", "POST", "/v1/model/refit", `{"by":"x"} {}`, 400, "more than one"},
		{"model export: bad version", "GET", "/v1/model/export?version=live", "", 400, "version"},
		{"model status: unknown parameter", "GET", "/v1/model/status?v=1", "", 400, `unknown parameter "v"`},
		{"db backup: unknown parameter", "GET", "/v1/db/backup?full=1", "", 400, `unknown parameter "full"`},
		{"reviews: unknown parameter", "GET", "/v1/reviews?all=1", "", 400, `unknown parameter "all"`},
		{"decide: empty body", "POST", "/v1/reviews/decide", "", 400, "empty"},
		{"decide: not JSON", "POST", "/v1/reviews/decide", "id=1&verdict=ban", 400, "body"},
		{"decide: wrong type", "POST", "/v1/reviews/decide", `{"id":"1","verdict":"ban","by":"x"}`, 400, "id"},
		{"decide: unknown field", "POST", "/v1/reviews/decide", `{"id":1,"verdict":"ban","by":"x","ban":"7d"}`, 400, `unknown field "ban"`},
		{"decide: two objects", "POST", "/v1/reviews/decide", `{"id":1,"verdict":"ban","by":"x"}{}`, 400, "more than one"},
		{"decide: missing by", "POST", "/v1/reviews/decide", `{"id":1,"verdict":"ban"}`, 400, "required"},
		{"decide: unknown verdict", "POST", "/v1/reviews/decide", `{"id":1,"verdict":"maybe","by":"x"}`, 400, "unknown verdict"},
		{"decide: verdict review", "POST", "/v1/reviews/decide", `{"id":1,"verdict":"review","by":"x"}`, 400, "allow, delete or ban"},
		{"decide: negative ban", "POST", "/v1/reviews/decide", `{"id":1,"verdict":"ban","ban_for":-5,"by":"x"}`, 400, "negative"},
		{"decide: ban in seconds", "POST", "/v1/reviews/decide", `{"id":1,"verdict":"ban","ban_for":604800,"by":"x"}`, 400, "shorter than a minute"},
		{"decide: huge body", "POST", "/v1/reviews/decide", `{"by":"` + strings.Repeat("x", maxAdminBody) + `"}`, 400, "larger than"},
		{"unban: missing author", "POST", "/v1/unban", `{"network":"sim","by":"x"}`, 400, "required"},
		{"unban: not JSON", "POST", "/v1/unban", `[`, 400, "body"},
		// Well-formed, for contrast: a missing decision is 404, not 400 or 500.
		{"decide: unknown decision", "POST", "/v1/reviews/decide", `{"id":999,"verdict":"allow","by":"x"}`, 404, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, "http://strazh"+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			var e struct{ Error string }
			if err := json.Unmarshal(body, &e); err != nil {
				t.Errorf("answer is not a JSON error: %q", body)
			}
			if resp.StatusCode != tt.status || !strings.Contains(e.Error, tt.want) {
				t.Errorf("%s %s = %d %q, want %d with %q", tt.method, tt.path, resp.StatusCode, e.Error, tt.status, tt.want)
			}
		})
	}
}

package telegram

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
)

// TestConnector_Actions_ResultNotTrue: an ok answer whose result is not
// true (false or null: a proxy's or a cut answer) did nothing. Before, the
// deletion or ban was recorded as done while the message stayed up and the
// author kept writing; now it is retried. A true result is done.
func TestConnector_Actions_ResultNotTrue(t *testing.T) {
	for _, result := range []string{"false", "null", "true"} {
		t.Run(result, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"ok":true,"result":%s}`, result)
			}))
			t.Cleanup(srv.Close)
			cfg := DefaultConfig()
			cfg.ChatID, cfg.ChannelID, cfg.APIURL, cfg.TokenEnv = groupID, channelID, srv.URL, "X"
			cfg.RequestTimeout = 5 * time.Second
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			c := newConnector(cfg, connectors.Deps{Account: "tg", HTTPClient: srv.Client()}, "123:abc")
			ctx := context.Background()
			until := moderation.BanRequest{Until: time.Now().Add(24 * time.Hour)}
			for name, err := range map[string]error{
				"delete":     c.Delete(ctx, "-100:2"),
				"ban":        c.Ban(ctx, "77", until),
				"ban a chat": c.Ban(ctx, "-100500", moderation.BanRequest{}),
				"unban":      c.Unban(ctx, "77"),
			} {
				got := moderation.Classify(err)
				if result == "true" && err != nil {
					t.Errorf("%s: %v, want done", name, err)
				}
				if result != "true" && got != moderation.ClassRetry {
					t.Errorf("%s: %v (class %v), want a retry", name, err, got)
				}
			}
		})
	}
}

package review

import (
	"net/http"
	"testing"
)

// A listener without ReadTimeout and IdleTimeout lets anyone who reaches
// it keep connections open for ever (Go's defaults are no limit).
func TestWebhookServer_Timeouts(t *testing.T) {
	srv := webhookServer(http.NotFoundHandler())
	for name, d := range map[string]int64{"ReadHeaderTimeout": int64(srv.ReadHeaderTimeout), "ReadTimeout": int64(srv.ReadTimeout),
		"WriteTimeout": int64(srv.WriteTimeout), "IdleTimeout": int64(srv.IdleTimeout), "MaxHeaderBytes": int64(srv.MaxHeaderBytes)} {
		if d <= 0 {
			t.Errorf("%s is not set: a connection can be held without limit", name)
		}
	}
}

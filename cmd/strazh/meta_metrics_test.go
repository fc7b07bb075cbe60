package main

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

type fakeMetaConn struct {
	moderation.Connector
	usage map[string]float64
}

func (f fakeMetaConn) Usage() map[string]float64 { return f.usage }
func (f fakeMetaConn) WebhookStats() (string, map[string]uint64) {
	return "127.0.0.1:8089", map[string]uint64{"accepted": 3, "refused": 1}
}

// Two accounts on one listener: usage per account, the listener's counts once.
func TestMetaMetrics_Collect(t *testing.T) {
	m := newMetaMetrics([]pipeline.Account{
		{Name: "fb", Conn: fakeMetaConn{usage: map[string]float64{"app": 12, "pages": 40}}},
		{Name: "ig", Conn: fakeMetaConn{usage: map[string]float64{"instagram": 7}}},
	})
	want := `
# HELP strazh_meta_webhook_deliveries_total Webhook changes received by a Meta listener, by result: accepted, duplicate, refused (bad or missing signature, or too large; never parsed), unrouted (a page or account not configured), failed (unreadable, or not stored: Meta retries).
# TYPE strazh_meta_webhook_deliveries_total counter
strazh_meta_webhook_deliveries_total{listen="127.0.0.1:8089",result="accepted"} 3
strazh_meta_webhook_deliveries_total{listen="127.0.0.1:8089",result="refused"} 1
`
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), "strazh_meta_webhook_deliveries_total"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(m, "strazh_meta_usage_percent"); n != 3 {
		t.Fatalf("%d usage series, want 3", n)
	}
}

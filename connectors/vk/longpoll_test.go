package vk

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// TestConnector_Fetch_MalformedAnswer: a long poll that keeps answering
// something malformed is asked at a back-off that grows from
// initial_interval to max_interval, and each malformed answer is one
// connector error of class retry in strazh_connector_errors_total (which
// StrazhConnectorErrors alerts on). Ten minutes run on synctest's clock.
func TestConnector_Fetch_MalformedAnswer(t *testing.T) {
	tests := []struct{ name, body string }{
		{"failed 1 without ts", `{"failed":1}`},
		{"not JSON", `<html><body>502 Bad Gateway</body></html>`},
		{"no ts", `{"updates":[]}`},
		{"no updates", `{"ts":"7"}`},
		{"unknown failed code", `{"failed":9}`},
		{"updates not a list", `{"ts":"7","updates":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				policy := moderation.RetryPolicy{InitialInterval: time.Second, MaxInterval: time.Minute, MaxRetries: 5}
				f := newLocalFake(t, vktest.Options{})
				c := newConn(t, f, func(cfg *Config) { cfg.RetryPolicy = policy })
				f.LongPollAnswer(tt.body, 10000)
				r := startPipeline(t, t.TempDir(), c, func(o *pipeline.Options) { o.Retry = policy })
				time.Sleep(10 * time.Minute)
				synctest.Wait()
				checks := len(f.Calls("a_check"))
				counted := int(testutil.ToFloat64(r.Metrics.ConnectorErrors.WithLabelValues(c.account, string(moderation.ClassRetry))))
				r.stop()
				// Doubling from 1s to 1m with jitter: 14 to 26 in ten minutes.
				if checks < 10 || checks > 30 {
					t.Errorf("%d a_check requests in 10 minutes, want 10..30 (back-off from 1s to 1m)", checks)
				}
				if counted != checks {
					t.Errorf("%d connector errors counted for %d malformed answers", counted, checks)
				}
			})
		})
	}
}

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		body    string
		ok      bool
		failed  int
		ts      string
		updates int
	}{
		{`{"ts":"12","updates":[]}`, true, 0, "12", 0},
		{`{"ts":"12","updates":[{"type":"wall_reply_new","event_id":"a","object":{}}]}`, true, 0, "12", 1},
		{`{"failed":1,"ts":30}`, true, 1, "30", 0},
		{`{"failed":2}`, true, 2, "", 0},
		{`{"failed":3}`, true, 3, "", 0},
		{`{"failed":1}`, false, 0, "", 0},
		{`{"failed":4}`, false, 0, "", 0},
		{`{"updates":[]}`, false, 0, "", 0},
		{`{"ts":"12"}`, false, 0, "", 0},
		{`{"ts":{},"updates":[]}`, false, 0, "", 0},
		{`[]`, false, 0, "", 0},
		{``, false, 0, "", 0},
		{`{"ts":"12","updates":[`, false, 0, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			a, err := parseAnswer([]byte(tt.body))
			if !tt.ok {
				if !errors.Is(err, errMalformed) {
					t.Fatalf("want a malformed-answer error, got %v (%+v)", err, a)
				}
				return
			}
			if err != nil || a.Failed != tt.failed || a.Ts != tt.ts || len(a.Updates) != tt.updates {
				t.Fatalf("got %+v, %v", a, err)
			}
		})
	}
}

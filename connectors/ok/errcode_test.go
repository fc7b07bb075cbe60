package ok

import (
	"context"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// TestConnector_Fetch_ErrorCodeAsString: an error envelope whose
// error_code is a string ("8") is still OK's error. Before, it failed to
// decode as an envelope and was read as the answer: an empty topic list
// or comment page, with no error, so a flood block or an expired session
// looked like a quiet group and the connector counted as healthy.
func TestConnector_Fetch_ErrorCodeAsString(t *testing.T) {
	tests := []struct {
		body  string
		class moderation.ErrorClass
	}{
		{`{"error_code":"8","error_msg":"FLOOD_BLOCKED"}`, moderation.ClassRetry},
		{`{"error_code":"102","error_msg":"PARAM_SESSION_EXPIRED : Session expired"}`, moderation.ClassCredentials},
		{`{"error_code":102,"error_msg":"PARAM_SESSION_EXPIRED : Session expired"}`, moderation.ClassCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			f, tok := newFake(t)
			c := newConn(t, f, "ok-a", tok, nil)
			f.AddTopic(testGID)
			f.AnswerRaw("mediatopic.getTopics", tt.body)
			_, _, err := c.Fetch(context.Background(), nil)
			if got := moderation.Classify(err); err == nil || got != tt.class {
				t.Fatalf("Fetch = %v (class %s), want class %s", err, got, tt.class)
			}
		})
	}
}

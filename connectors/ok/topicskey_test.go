package ok

import (
	"testing"

	"github.com/strazh/strazh/moderation"
)

// TestConnector_Fetch_TopicsKeyMissing: a topic listing without its
// media_topics field (the shape is unverified: a renamed field, another
// envelope) is an answer that cannot be read, once topics were known.
// Before, it read as "no topic listed", a glitch kept quiet: every cycle
// succeeded reading nothing, so no comment was moderated and no alert
// could fire.
func TestConnector_Fetch_TopicsKeyMissing(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	// A new group with nothing listed yet may answer without the field.
	d0 := newDriver(t, c, nil)
	f.AnswerRaw("mediatopic.getTopics", `{"has_more":false}`)
	if _, _, err := c.Fetch(t.Context(), d0.Cur); err != nil {
		t.Fatalf("Fetch of a group with no topics yet = %v", err)
	}
	topic := f.AddTopic(testGID)
	f.AddComment(topic, "5810", "когда починят дорогу?")
	d := newDriver(t, c, nil)
	d.Fetch()
	f.AnswerRaw("mediatopic.getTopics", `{"topics":[{"id":"`+topic+`"}],"has_more":false}`)
	_, _, err := c.Fetch(t.Context(), d.Cur)
	if err == nil || moderation.Classify(err) != moderation.ClassRetry {
		t.Fatalf("Fetch = %v, want an unreadable answer (retried, counted)", err)
	}
	// An empty list is still a listing: the glitch path, no error.
	f.EmptyTopics(1)
	if _, _, err := c.Fetch(t.Context(), d.Cur); err != nil {
		t.Fatalf("Fetch with an empty list = %v", err)
	}
}

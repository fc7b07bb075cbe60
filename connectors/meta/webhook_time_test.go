package meta

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/meta/metatest"
)

// TestConnector_Pipeline_WebhookWithoutTime: a delivery that does not
// date its comment (Facebook: no created_time in the value, or 0;
// Instagram, whose change has no time of its own: no entry time) is
// decided, dated by the entry's time or by its arrival. It was dated 1970:
// the pipeline passed it over as older than strazh's first start, and the
// post's memory noted it as delivered, so polling never read it either:
// the comment was never moderated.
func TestConnector_Pipeline_WebhookWithoutTime(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, network, "page", opts{webhook: true, poll: time.Hour})
			connect(t, c)
			r := startPipeline(t, t.TempDir(), c)
			post := addPost(f, network, "Пост")
			eventually(t, "the first poll done", func() bool { return c.fetches.Load() >= 2 })
			id := f.AddComment(post, "", "501", "Иван", "без даты "+obsceneMark)
			var env map[string]any
			if err := json.Unmarshal(f.Delivery(id, "add"), &env); err != nil {
				t.Fatal(err)
			}
			entry := env["entry"].([]any)[0].(map[string]any)
			if network == Facebook {
				ch := entry["changes"].([]any)[0].(map[string]any)
				delete(ch["value"].(map[string]any), "created_time")
			} else {
				delete(entry, "time")
			}
			body, _ := json.Marshal(env)
			if st, _ := metatest.Send(context.Background(), nil, hookURL(c), body, ""); st != 200 {
				t.Fatalf("delivery: %d", st)
			}
			eventually(t, "acted on the webhook", func() bool { return f.Deleted(id) })
			if n := r.decisions(t)["без даты "+obsceneMark]; n != 1 {
				t.Fatalf("decided %d times", n)
			}
		})
	}
}

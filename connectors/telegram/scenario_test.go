package telegram

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// deleted reports whether the fake's message is deleted.
func deleted(f *telegramtest.Server, id int64) func() bool {
	return func() bool {
		m, ok := f.Message(groupID, id)
		return ok && m.Deleted
	}
}

// TestPipeline_CommentDeleted: a new comment is decided and deleted on the
// fake; a clean one is decided and left.
func TestPipeline_CommentDeleted(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	r := startPipeline(t, t.TempDir(), c)
	post := f.Post(groupID, "пост")
	bad := f.Comment(groupID, ivan, post, "плохой "+obsceneMark)
	good := f.Comment(groupID, maria, post, "хороший комментарий")
	eventually(t, "the deletion", deleted(f, bad))
	eventually(t, "both decided", func() bool { return len(r.decisions(t, "хороший комментарий")) == 1 })
	if deleted(f, good)() {
		t.Fatal("a clean comment was deleted")
	}
	d := r.decisions(t, "плохой "+obsceneMark)
	if len(d) != 1 || d[0].Verdict != moderation.Delete {
		t.Fatalf("decision %+v", d)
	}
}

// TestPipeline_Restart: stopped, then comments arrive; a new pipeline on
// the same store decides each once, and nothing before is decided again.
func TestPipeline_Restart(t *testing.T) {
	dir := t.TempDir()
	f := newFake(t)
	r1 := startPipeline(t, dir, newConn(t, f, "tg", nil))
	post := f.Post(groupID, "пост")
	first := f.Comment(groupID, ivan, post, "до остановки "+obsceneMark)
	eventually(t, "the first deletion", deleted(f, first))
	r1.stop()

	down := f.Comment(groupID, maria, post, "пока лежали "+obsceneMark)
	f.Comment(groupID, maria, post, "пока лежали, чисто")

	r2 := startPipeline(t, dir, newConn(t, f, "tg", nil))
	eventually(t, "the missed deletion", deleted(f, down))
	eventually(t, "the clean one decided", func() bool { return len(r2.decisions(t, "пока лежали, чисто")) == 1 })
	for _, text := range []string{"до остановки " + obsceneMark, "пока лежали " + obsceneMark} {
		if n := len(r2.decisions(t, text)); n != 1 {
			t.Errorf("%q decided %d times", text, n)
		}
	}
	if n := f.Calls("deleteMessage", 0); n != 2 {
		t.Errorf("deleteMessage called %d times, want 2", n)
	}
}

// TestPipeline_RateLimited: deleteMessage answers 429 retry_after 1 twice;
// the deletion waits at least that long and then succeeds.
func TestPipeline_RateLimited(t *testing.T) {
	f := newFake(t)
	f.RateLimit("deleteMessage", 2, 1)
	// The pipeline bounds every wait by max_interval (default 5m, far above
	// Telegram's retry_after); the test's 20ms would cut it.
	startPipelineWith(t, t.TempDir(), func(o *pipeline.Options) { o.Retry.MaxInterval = 2 * time.Second },
		newConn(t, f, "tg", nil))
	post := f.Post(groupID, "пост")
	bad := f.Comment(groupID, ivan, post, "флуд "+obsceneMark)
	eventually(t, "the deletion", deleted(f, bad))
	var at []time.Time
	for _, r := range f.Requests() {
		if r.Method == "deleteMessage" {
			at = append(at, r.At)
		}
	}
	if len(at) != 3 {
		t.Fatalf("deleteMessage calls %d, want 2 refused and 1 done", len(at))
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < time.Second {
			t.Errorf("retry %d came %s after a 429 asking for 1s", i, gap)
		}
	}
}

// TestPipeline_BrokenToken: one account's token is rejected (401): it is
// marked broken, the other account keeps deleting.
func TestPipeline_BrokenToken(t *testing.T) {
	good, broken := newFake(t), newFake(t)
	ok := newConn(t, good, "tg-ok", nil)
	cfg := testConfig(broken)
	bad := newConnector(cfg, connectorsDeps(broken), "999:REVOKED")
	bad.account = "tg-broken"
	r := startPipeline(t, t.TempDir(), ok, bad)
	post := good.Post(groupID, "пост")
	id := good.Comment(groupID, ivan, post, "плохой "+obsceneMark)
	eventually(t, "the working account's deletion", deleted(good, id))
	eventually(t, "the broken account marked", func() bool {
		return testutil.ToFloat64(r.Metrics.CredentialsBad.WithLabelValues("tg-broken")) == 1
	})
	if v := testutil.ToFloat64(r.Metrics.CredentialsBad.WithLabelValues("tg-ok")); v != 0 {
		t.Errorf("working account marked broken: %v", v)
	}
}

// TestPipeline_EditRemoderated: a clean comment edited into a bad one is
// decided again and deleted.
func TestPipeline_EditRemoderated(t *testing.T) {
	f := newFake(t)
	r := startPipeline(t, t.TempDir(), newConn(t, f, "tg", nil))
	post := f.Post(groupID, "пост")
	id := f.Comment(groupID, ivan, post, "сначала чисто")
	eventually(t, "the first version decided", func() bool { return len(r.decisions(t, "сначала чисто")) == 1 })
	f.Edit(groupID, id, "потом "+obsceneMark)
	eventually(t, "the edit deleted", deleted(f, id))
}

// TestPipeline_Exempt: the channel and a group admin writing a bad text
// are not acted on; a user beside them is.
func TestPipeline_Exempt(t *testing.T) {
	f := newFake(t)
	startPipeline(t, t.TempDir(), newConn(t, f, "tg", nil))
	post := f.Post(groupID, "пост")
	ch := f.CommentAs(groupID, channel, post, "канал "+obsceneMark)
	ad := f.Comment(groupID, admin, post, "админ "+obsceneMark)
	user := f.Comment(groupID, ivan, post, "житель "+obsceneMark)
	eventually(t, "the user's deletion", deleted(f, user))
	if deleted(f, ch)() || deleted(f, ad)() {
		t.Fatal("the channel's or an admin's message was deleted")
	}
}

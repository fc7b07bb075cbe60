package ok

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
)

// The scenarios of issue 13 through the real pipeline and bbolt store.

func TestScenario_NewCommentDecidedAndDeleted(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	r := startPipeline(t, t.TempDir(), c)
	topic := f.AddTopic(testGID)
	bad := f.AddComment(topic, "5810", "ругань "+obsceneMark)
	good := f.AddComment(topic, "5811", "когда починят дорогу?")
	eventually(t, "the bad comment deleted on the fake", func() bool { return f.Deleted(bad) })
	eventually(t, "both decided", func() bool { return r.decisions(t, "когда починят дорогу?") == 1 })
	if f.Deleted(good) {
		t.Fatal("the good comment deleted")
	}
}

func TestScenario_RestartCaughtUpWithoutDuplicates(t *testing.T) {
	f, tok := newFake(t)
	dir := t.TempDir()
	topic := f.AddTopic(testGID)
	c1 := newConn(t, f, "ok-a", tok, nil)
	r1 := startPipeline(t, dir, c1)
	f.AddComment(topic, "5810", "первый")
	eventually(t, "the first decided", func() bool { return r1.decisions(t, "первый") == 1 })
	// Let a cycle after the decision save its cursor, then stop.
	calls := len(f.Calls("mediatopic.getTopics"))
	eventually(t, "another cycle", func() bool { return len(f.Calls("mediatopic.getTopics")) > calls+1 })
	r1.stop()
	_ = c1.Close(context.Background())

	bad := f.AddComment(topic, "5811", "пока лежали "+obsceneMark)
	f.AddComment(f.AddTopic(testGID), "5811", "новая тема")
	c2 := &countingConn{Connector: newConn(t, f, "ok-a", tok, nil)}
	r2 := startPipeline(t, dir, c2)
	eventually(t, "caught up", func() bool { return f.Deleted(bad) && r2.decisions(t, "новая тема") == 1 })
	calls = len(f.Calls("mediatopic.getTopics"))
	eventually(t, "two more cycles", func() bool { return len(f.Calls("mediatopic.getTopics")) > calls+2 })
	for _, text := range []string{"первый", "пока лежали " + obsceneMark, "новая тема"} {
		if n := r2.decisions(t, text); n != 1 {
			t.Errorf("%q decided %d times", text, n)
		}
	}
	if got := c2.delivered(); len(got) != 2 || got["пока лежали "+obsceneMark] != 1 || got["новая тема"] != 1 {
		t.Errorf("after the restart the connector delivered %v, want only the two new comments once", got)
	}
}

func TestScenario_RateLimitedBackedOff(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	topic := f.AddTopic(testGID)
	f.Fail("discussions.getComments", 8, 2)
	f.Fail("discussions.deleteDiscussionComment", 11, 1)
	bad := f.AddComment(topic, "5810", "спам "+obsceneMark)
	r := startPipeline(t, t.TempDir(), c)
	eventually(t, "deleted after the limits", func() bool { return f.Deleted(bad) })
	var limited int
	for _, cl := range f.Calls("") {
		if cl.Code == 8 || cl.Code == 11 {
			limited++
		}
	}
	if limited != 3 {
		t.Fatalf("limited answers %d, want 3", limited)
	}
	if got := testutil.ToFloat64(r.Metrics.ConnectorErrors.WithLabelValues("ok-a", string(moderation.ClassRetry))); got < 2 {
		t.Fatalf("retry errors counted %v", got)
	}
}

func TestScenario_BrokenTokenOthersGoOn(t *testing.T) {
	f, tokA := newFake(t)
	const gidB = 777000
	tokB := f.AddGroup(gidB)
	a := newConn(t, f, "ok-a", tokA, nil)
	b := newConn(t, f, "ok-b", tokB, func(cfg *Config) { cfg.GroupID = gidB })
	r := startPipeline(t, t.TempDir(), a, b)
	first := f.AddComment(f.AddTopic(testGID), "5810", "до поломки")
	eventually(t, "a works", func() bool { return r.decisions(t, "до поломки") == 1 })
	_ = first
	f.Expire(tokA)
	topicB := f.AddTopic(gidB)
	eventually(t, "a marked broken", func() bool {
		return testutil.ToFloat64(r.Metrics.CredentialsBad.WithLabelValues("ok-a")) == 1
	})
	bad := f.AddComment(topicB, "5811", "b "+obsceneMark)
	eventually(t, "b goes on", func() bool { return f.Deleted(bad) })
	if v := testutil.ToFloat64(r.Metrics.CredentialsBad.WithLabelValues("ok-b")); v != 0 {
		t.Fatalf("b marked broken: %v", v)
	}
	f.Revive(tokA)
	eventually(t, "a works again", func() bool {
		return testutil.ToFloat64(r.Metrics.CredentialsBad.WithLabelValues("ok-a")) == 0
	})
}

func TestScenario_EditReModerated(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	r := startPipeline(t, t.TempDir(), c)
	id := f.AddComment(f.AddTopic(testGID), "5810", "вежливый текст")
	eventually(t, "decided", func() bool { return r.decisions(t, "вежливый текст") == 1 })
	if f.Deleted(id) {
		t.Fatal("deleted before the edit")
	}
	f.EditComment(id, "исправил на "+obsceneMark)
	eventually(t, "the edit deleted", func() bool { return f.Deleted(id) })
}

// TestScenario_ManagersExempt: OK lists no group managers, so the
// operator names them; a named manager's comment is never moderated
// (allowed as author.exempt) while the same text from a citizen is deleted.
func TestScenario_ManagersExempt(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, func(cfg *Config) { cfg.Managers = []string{"5810"} })
	r := startPipeline(t, t.TempDir(), c)
	topic := f.AddTopic(testGID)
	byManager := f.AddComment(topic, "5810", "разбор жалобы: "+obsceneMark)
	byCitizen := f.AddComment(topic, "5811", "жалоба: "+obsceneMark)
	eventually(t, "the citizen's comment deleted", func() bool { return f.Deleted(byCitizen) })
	eventually(t, "the manager's decided", func() bool { return r.decisions(t, "разбор жалобы: "+obsceneMark) == 1 })
	d := r.Decisions(t, "разбор жалобы: "+obsceneMark)[0]
	if f.Deleted(byManager) || d.Verdict != moderation.Allow || !d.Comment.Author.IsManager ||
		len(d.Matches) == 0 || d.Matches[0].Rule != "author.exempt" {
		t.Fatalf("manager's comment: deleted %v, decision %+v", f.Deleted(byManager), d)
	}
}

// TestScenario_RepliesAnswerAppeals: a manager's or the group's reply
// under an appeal (reply_to_comment_id) answers it; a manager's comment
// that replies to nothing, or a citizen's reply, answers none.
func TestScenario_RepliesAnswerAppeals(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, func(cfg *Config) { cfg.Managers = []string{"5810"} })
	r := startPipeline(t, t.TempDir(), c)
	topic := f.AddTopic(testGID)
	group := strconv.FormatInt(testGID, 10)
	byManager := f.AddComment(topic, "5811", "Яма у школы "+pipelinetest.AppealMark+":roads]")
	byGroup := f.AddComment(topic, "5812", "Нет света на улице "+pipelinetest.AppealMark+"]")
	eventually(t, "both appeals opened", func() bool { return len(openAppeals(t, r)) == 2 })

	f.AddReply(topic, byGroup, "5813", "У нас тоже нет света")
	f.AddComment(topic, "5810", "Общая информация по району")
	f.AddReply(topic, byManager, "5810", "Заделаем до пятницы.")
	eventually(t, "the manager's reply answers its appeal", func() bool { return len(openAppeals(t, r)) == 1 })
	f.AddReply(topic, byGroup, group, "Бригада выехала.")
	eventually(t, "the group's reply answers the other", func() bool { return len(openAppeals(t, r)) == 0 })

	for id, by := range map[string]string{byManager: "manager:5810", byGroup: "page"} {
		a, err := r.DB.AppealByComment(moderation.MakeID(Network, "ok-a", topic+":"+id))
		if err != nil || a.AnsweredBy != by {
			t.Fatalf("appeal of %s = %+v, %v; want answered by %s", id, a, err, by)
		}
	}
}

func TestReplyToComment(t *testing.T) {
	for raw, want := range map[string]string{
		`"MTcz"`: "MTcz", `173`: "173", `null`: "", ``: "", `0`: "", `""`: "", `{"id":"x"}`: "", `true`: "",
	} {
		if got := replyToComment(json.RawMessage(raw)); got != want {
			t.Errorf("replyToComment(%s) = %q, want %q", raw, got, want)
		}
	}
}

func openAppeals(t *testing.T, r *pipeRun) []*moderation.Appeal {
	t.Helper()
	as, err := r.DB.OpenAppeals("")
	if err != nil {
		t.Fatal(err)
	}
	return as
}

func TestConfig_Validate_Managers(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{[]string{"5810", "5811"}, ""},
		{[]string{"ok5810"}, "managers[0]: want a numeric OK user id"},
		{[]string{"5810", "0123"}, "managers[1]"},
		{[]string{"5810", "5810"}, "managers[1]: 5810 is listed twice"},
	} {
		cfg := DefaultConfig()
		cfg.GroupID, cfg.ApplicationKey = testGID, "k"
		cfg.ApplicationSecretKeyEnv, cfg.AccessTokenEnv = "X", "X"
		cfg.Managers = tc.ids
		err := cfg.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("managers %q: %v, want %q", tc.ids, err, tc.want)
		}
	}
}

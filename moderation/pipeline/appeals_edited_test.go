package pipeline_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
)

// An edit of an appealed comment updates the open appeal's text and edits
// its card; it opens no second appeal, and an older version delivered
// again, an edit of nothing strazh sees, or an answered appeal change
// nothing.
func TestPipeline_Appeals_EditFollowsText(t *testing.T) {
	const first = "Яма во дворе [обращение:roads]"
	tests := []struct {
		name     string
		answered bool     // the page answered before the edits
		edits    []string // texts, each edited a minute after the last
		late     int      // then the edit at this index (1-based) delivered again; 0: none
		wantText string
		wantEdit int // edits the desk was told of
	}{
		{"edited", false, []string{"Яма во дворе дома 5 [обращение:roads]"}, 0, "Яма во дворе дома 5 [обращение:roads]", 1},
		{"edited twice", false, []string{"Яма у дома 5 [обращение:roads]", "Яма у дома 7 [обращение:roads]"}, 0, "Яма у дома 7 [обращение:roads]", 2},
		{"no longer tagged", false, []string{"Уже засыпали, спасибо"}, 0, "Уже засыпали, спасибо", 1},
		{"older edit delivered again", false, []string{"Яма у дома 5 [обращение:roads]", "Яма у дома 7 [обращение:roads]"}, 1, "Яма у дома 7 [обращение:roads]", 2},
		{"same text", false, []string{first}, 0, first, 0},
		{"answered already", true, []string{"Яма у дома 5 [обращение:roads]"}, 0, first, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, desk := newFeedConn(), &deskRecorder{}
			r := startAppeals(t, conn, desk)
			now := time.Now().Truncate(time.Second).Add(-time.Hour)
			c := wallComment("1", first, citizen, now)
			conn.Push(c)
			pipelinetest.Eventually(t, "the appeal", func() bool { o, _, _ := desk.counts(); return o == 1 })
			ap, err := r.DB.AppealByComment(c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tt.answered {
				reply := wallComment("10", "Засыплем в среду.", page, now.Add(time.Minute))
				reply.ReplyTo = c.ID
				conn.Push(reply)
				pipelinetest.Eventually(t, "the answer", func() bool { _, ch, _ := desk.counts(); return ch == 1 })
			}
			_, before, _ := desk.counts()
			var versions []moderation.Comment
			for i, text := range tt.edits {
				e := c
				e.Text, e.Edited = text, now.Add(time.Duration(i+2)*time.Minute)
				versions = append(versions, e)
				conn.Push(e)
			}
			if tt.late > 0 {
				conn.Push(versions[tt.late-1])
			}
			// Decisions of an account are handled in order: once the next
			// appeal is open, the edits have been looked at.
			conn.Push(wallComment("2", "Другой вопрос [обращение:water]", citizen, now.Add(time.Hour)))
			pipelinetest.Eventually(t, "the next appeal", func() bool { o, _, _ := desk.counts(); return o == 2 })

			got, err := r.DB.Appeal(ap.DecisionID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != tt.wantText {
				t.Errorf("appeal text %q, want %q", got.Text, tt.wantText)
			}
			if all, _ := r.DB.Appeals(time.Time{}, time.Time{}); len(all) != 2 {
				t.Errorf("%d appeals, want 2 (an edit opens none)", len(all))
			}
			desk.mu.Lock()
			edits := slices.Clone(desk.changed[before:])
			desk.mu.Unlock()
			if len(edits) != tt.wantEdit || slices.ContainsFunc(edits, func(id uint64) bool { return id != ap.DecisionID }) {
				t.Errorf("desk told of changes %v, want %d of appeal %d", edits, tt.wantEdit, ap.DecisionID)
			}
		})
	}
}

// failingUpdate is the appeals store whose UpdateAppeal fails (a full disk).
type failingUpdate struct{ appealStore }

// appealStore names the embedded store apart from its Appeals method.
type appealStore = moderation.Appeals

func (failingUpdate) UpdateAppeal(uint64, func(*moderation.Appeal) error) (*moderation.Appeal, error) {
	return nil, errors.New("disk full")
}

// An edit whose appeal cannot be updated is logged and the daemon goes on:
// the failed update returns no appeal, and the log line read its ID from
// it (a nil dereference in the account's decider).
func TestPipeline_Appeals_EditUpdateFails(t *testing.T) {
	conn, desk := newFeedConn(), &deskRecorder{}
	r := pipelinetest.Start(t, t.TempDir(), func(o *pipeline.Options) { o.Appeals.Store = failingUpdate{o.Appeals.Store} },
		pipeline.Account{Name: "p", Network: "vk", Conn: conn, Backfill: true})
	r.Pipe.SetAppealDesk(desk)
	now := time.Now().Truncate(time.Second).Add(-time.Hour)
	c := wallComment("1", "Яма во дворе [обращение:roads]", citizen, now)
	conn.Push(c)
	pipelinetest.Eventually(t, "the appeal", func() bool { o, _, _ := desk.counts(); return o == 1 })
	e := c
	e.Text, e.Edited = "Яма во дворе дома 5 [обращение:roads]", now.Add(time.Minute)
	conn.Push(e, wallComment("2", "Другой вопрос [обращение:water]", citizen, now.Add(time.Hour)))
	pipelinetest.Eventually(t, "the next appeal", func() bool { o, _, _ := desk.counts(); return o == 2 })
	if ap, err := r.DB.AppealByComment(c.ID); err != nil || ap.Text != c.Text {
		t.Errorf("appeal %+v, %v; want it kept with the old text", ap, err)
	}
	if _, changed, _ := desk.counts(); changed != 0 {
		t.Errorf("the desk was told of %d changes, want none", changed)
	}
}

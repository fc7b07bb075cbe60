package pipeline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
)

// copyEngine is a copy-paste rule as the spam pack has them (spam.flood,
// spam.repeat): every text starting "COPY" has the same fingerprint, and
// one whose author wrote two like it within a day is deleted; a comment
// asked about more than one of the author's comments is deleted too.
type copyEngine struct{}

func (copyEngine) Evaluate(c *moderation.Comment, h moderation.History, out *moderation.Result) {
	if !strings.HasPrefix(c.Text, "COPY") {
		return
	}
	out.Fingerprint = moderation.Fingerprint{1, 2, 3, 4, 5, 6, 7, 8}
	since := time.Now().Add(-24 * time.Hour)
	switch {
	case h.SimilarByAuthor(c.Account, c.Author.ID, out.Fingerprint, 0.8, since) >= 2:
		out.Verdict = moderation.Delete
		out.Matches = append(out.Matches, moderation.Match{Rule: "copy.repeat", Action: moderation.Delete})
	case h.Comments(c.Account, c.Author.ID, since) >= 2:
		out.Verdict = moderation.Delete
		out.Matches = append(out.Matches, moderation.Match{Rule: "copy.flood", Action: moderation.Delete})
	}
}

// TestPipeline_Run_EditIsNotACopyOfItself: a citizen who edits a comment
// twice (a typo, then a word) wrote one comment, not three. Before, every
// version stayed in the history as another comment of the author, so the
// third version matched the spam pack's copy rules against its own
// earlier texts: a comment with a phone number edited three times was
// deleted as spam.flood, a fourth edit banned its author. Real repeats (a
// new comment with the same text) still count.
func TestPipeline_Run_EditIsNotACopyOfItself(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), nil)
	h.pipe.SetEngine(copyEngine{})
	id := net.Post("p1", "u1", "Анна", "COPY звоните в управляющую компанию")
	eventually(t, "first version decided", h.decided(id, 1))
	for i, text := range []string{"COPY звоните в управляющую компанию!", "COPY звоните в управляющую компанию, помогут"} {
		if err := net.Edit(id, text); err != nil {
			t.Fatal(err)
		}
		eventually(t, "edit decided", h.decided(id, i+2))
	}
	for _, d := range h.decisions(id) {
		if d.Final() != moderation.Allow {
			t.Errorf("version %q: %v by %+v, want allow", d.Comment.Text, d.Final(), d.Matches)
		}
	}
	if net.Deleted(id) {
		t.Fatal("the edited comment was deleted as a copy of itself")
	}
	// Two new comments with the same text: the second is a real repeat of
	// the first and the edited one.
	first := net.Post("p1", "u1", "Анна", "COPY звоните в управляющую компанию")
	eventually(t, "a new comment decided", h.decided(first, 1))
	second := net.Post("p1", "u1", "Анна", "COPY звоните в управляющую компанию")
	eventually(t, "the repeat deleted", func() bool { return net.Deleted(second) })
}

package pipeline_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// A comment edited while its old text awaits review: the old review is
// closed as edited by its author (its card too), a tap on it is refused,
// and only the new text is decided.
func TestPipeline_Run_EditClosesTheReviewOfTheOldText(t *testing.T) {
	for _, tc := range []struct {
		name, edit string
		newFinal   moderation.Verdict
		deleted    bool
	}{
		{"new text allowed", "Спасибо, исправил опечатку", moderation.Allow, false},
		{"new text doubtful", "REVIEW other words", moderation.Review, false},
		{"new text a violation", "DELETE now", moderation.Delete, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := simtest.New()
			defer net.Close()
			rec := &goneRecorder{}
			h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, _ *pipeline.Account) { o.Reviewer = rec })
			id := net.Post("p1", "u1", "Анна", "REVIEW me")
			eventually(t, "review pending", h.decided(id, 1))
			if err := net.Edit(id, tc.edit); err != nil {
				t.Fatal(err)
			}
			eventually(t, "new version decided", h.decided(id, 2))
			ds := h.decisions(id)
			old, cur := ds[0], ds[1]
			if old.Review.Status != moderation.ReviewDecided || old.Review.By != moderation.ByEdit || old.Final() != moderation.Allow || len(old.Actions) != 0 {
				t.Errorf("old review = %+v, actions %+v; want closed as edited by its author, nothing done", old.Review, old.Actions)
			}
			if cur.Comment.Text != tc.edit || cur.Final() != tc.newFinal {
				t.Errorf("new version %q decided %s, want %q %s", cur.Comment.Text, cur.Final(), tc.edit, tc.newFinal)
			}
			eventually(t, "old card closed", func() bool { return slices.Contains(rec.goneIDs(), old.ID) })
			// The moderator taps «Удалить» on the card of the old text.
			if _, err := h.pipe.Resolve(context.Background(), old.ID, moderation.Delete, 0, "telegram:1", "Модератор"); !errors.Is(err, moderation.ErrAlreadyDecided) {
				t.Errorf("Resolve on the old version: %v, want ErrAlreadyDecided", err)
			}
			pend, _ := h.pipe.PendingReviews()
			wantPending := 0
			if tc.newFinal == moderation.Review {
				wantPending = 1
				if len(pend) == 1 && pend[0].ID != cur.ID {
					t.Errorf("pending review %d, want the new version's %d", pend[0].ID, cur.ID)
				}
				rec.mu.Lock()
				submitted := slices.Contains(rec.submitted, cur.ID)
				rec.mu.Unlock()
				if !submitted {
					t.Error("new version not sent to review")
				}
			}
			if len(pend) != wantPending {
				t.Errorf("pending reviews = %d, want %d", len(pend), wantPending)
			}
			if tc.deleted {
				eventually(t, "new version deleted", func() bool { return net.Deleted(id) })
			}
			other := net.Post("p1", "u2", "Борис", "later comment")
			eventually(t, "later comment decided", h.decided(other, 1))
			if got, want := net.Calls("delete", id), map[bool]int{true: 1}[tc.deleted]; got != want {
				t.Errorf("delete calls = %d, want %d", got, want)
			}
		})
	}
}

package store

import (
	"testing"

	"github.com/strazh/strazh/moderation"
)

// With KeepExamples, Update keeps the example of a review a moderator
// decided, and none of one nobody decided: a review closed because the
// comment was deleted on the network (perhaps by its own author), by the
// timeout or by the author's edit. The gone review made a positive toxic
// example of a comment no moderator judged.
func TestDB_KeepExamples_OnlyAHumansWord(t *testing.T) {
	tests := []struct {
		name string
		by   string
		v    moderation.Verdict
		want bool
	}{
		{"moderator deleted", "telegram:1", moderation.Delete, true},
		{"moderator kept", "telegram:1", moderation.Allow, true},
		{"deleted on the network", moderation.ByNetwork, moderation.Delete, false},
		{"timed out", moderation.ByTimeout, moderation.Allow, false},
		{"edited by its author", moderation.ByEdit, moderation.Allow, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, c := mustOpen(t)
			db.KeepExamples(true)
			d := dec("a", "1", "u1", "ну ты и клоун", moderation.Review)
			d.Matches = []moderation.Match{{Rule: "insults.personal", Label: "insult", Action: moderation.Review}}
			id := mustCommit(t, db, "a", nil, d)[0].ID
			if _, err := db.Update(id, func(x *moderation.Decision) error {
				x.Review.Status, x.Review.Verdict, x.Review.By, x.Review.At = moderation.ReviewDecided, tt.v, tt.by, c.Now()
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			n := 0
			if err := db.EachExample(func(moderation.Example) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			if got := n == 1; got != tt.want {
				t.Errorf("%d examples kept, want kept: %v", n, tt.want)
			}
		})
	}
}

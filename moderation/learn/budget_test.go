package learn

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestBudget_Ask(t *testing.T) {
	cases := []struct {
		name string
		// steps: a score asks, -1 frees one
		steps []float64
		want  []bool
	}{
		{"nothing freed: nothing sent", []float64{0.99, 0.9}, []bool{false, false}},
		{"as many sent as freed", []float64{-1, -1, 0.9, 0.9, 0.9}, []bool{true, true, false}},
		// Five asks at 0.9 came while nothing was freed; one is freed: a
		// 0.6 is not sent (the 0.9s come oftener than the frees), a 0.9 is.
		{"spent on the surest", []float64{0.9, 0.9, 0.9, 0.9, 0.9, -1, 0.6, 0.9}, []bool{false, false, false, false, false, false, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b Budget
			for range minOutcomes { // its own reviews were kept: held to the budget
				b.Outcome(false)
			}
			var got []bool
			for _, s := range c.steps {
				if s < 0 {
					b.Free()
					continue
				}
				got = append(got, b.Ask(s))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("sent %v, want %v (left %d)", got, c.want, b.Left())
			}
		})
	}
}

// After a restart the budget is what the page's examples since the first
// version say: the confirmed deletes less the reviews only the model asked
// for; what the shipped model asked before that does not count.
func TestLearner_Load_Budget(t *testing.T) {
	st := NewMemStore()
	tr := &wordTrainer{base: map[string][]string{"toxic": {"дурак"}}}
	l, _ := newLearner(t, Config{After: 30, MinExamples: 10}, tr, st)
	byModel := func(id uint64) *moderation.Decision {
		d := decided(id, fmt.Sprint("модель спросила ", id), moderation.Allow, "toxic")
		d.Matches[0].Rule = "model.toxic"
		return d
	}
	confirmed := func(id uint64) *moderation.Decision {
		return &moderation.Decision{ID: id, Comment: moderation.Comment{ID: fmt.Sprint("c", id), Text: fmt.Sprint("ты дурак ", id)},
			Verdict: moderation.Delete, DecidedBy: moderation.ByAuto,
			Matches: []moderation.Match{{Rule: "r", Label: "insult", Action: moderation.Review}, {Rule: "model.confirm.toxic", Label: "toxic", Action: moderation.Delete}}}
	}
	for i := uint64(1); i <= 5; i++ { // the shipped model's own asks: before learning
		if err := l.Record(byModel(i)); err != nil {
			t.Fatal(err)
		}
	}
	page(t, l, 6, 30)
	if _, err := l.Refit(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	for i := uint64(100); i < 104; i++ {
		if err := l.Record(confirmed(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Record(byModel(104)); err != nil {
		t.Fatal(err)
	}
	b := &Budget{}
	restarted, err := New(Config{After: 30, MinExamples: 10}, Deps{Examples: st, Versions: st, Trainer: tr,
		Budgets: map[string]*Budget{"toxic": b}, Now: func() time.Time { return time.Unix(1_700_000_000, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := restarted.Load(); err != nil {
		t.Fatal(err)
	}
	if got := b.Left(); got != 3 {
		t.Errorf("budget after a restart %d, want 3 (4 confirmed less 1 asked since version 1)", got)
	}
	if st, err := restarted.Status(); err != nil || st.Budget["toxic"] != 3 {
		t.Errorf("status shows the budget %v (%v), want toxic 3", st.Budget, err)
	}
}

// TestBudget_PaysOff: until its own reviews were judged, and while the
// moderator removes at least half of them, the model alone sends without a
// budget; once they are kept more often than removed, the budget holds
// them, and removals bring them back.
func TestBudget_PaysOff(t *testing.T) {
	var b Budget
	if !b.PaysOff() || !b.Ask(0.9) {
		t.Fatal("not yet judged: held back")
	}
	for i := range minOutcomes {
		b.Outcome(i%3 == 0) // one in three removed
	}
	if b.PaysOff() || b.Ask(0.9) {
		t.Fatal("one in three removed, nothing freed: sent")
	}
	for range 40 {
		b.Outcome(true)
	}
	if !b.PaysOff() || !b.Ask(0.9) || !b.Ask(0.61) || b.Left() != 0 {
		t.Fatalf("mostly removed lately: pays off %v, left %d", b.PaysOff(), b.Left())
	}
	for range 100 {
		b.Outcome(false)
	}
	if b.PaysOff() || b.Ask(0.9) {
		t.Fatal("kept far more than removed, still unbudgeted")
	}
}

// TestLearner_Record_Outcome: the learner tells the budget how each review
// only the model asked for was decided, and a restart reads it back from
// the examples.
func TestLearner_Record_Outcome(t *testing.T) {
	st := NewMemStore()
	tr := &wordTrainer{base: map[string][]string{"toxic": {"дурак"}}}
	b := &Budget{}
	l, err := New(Config{After: 1000, MinExamples: 10}, Deps{Examples: st, Versions: st, Trainer: tr,
		Budgets: map[string]*Budget{"toxic": b}, Now: func() time.Time { return time.Unix(1_700_000_000, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	for i := uint64(1); i <= minOutcomes; i++ {
		v := moderation.Allow // two in three kept
		if i%3 == 0 {
			v = moderation.Delete
		}
		d := decided(i, fmt.Sprint("модель спросила ", i), v, "toxic")
		d.Matches[0].Rule = "model.toxic"
		if err := l.Record(d); err != nil {
			t.Fatal(err)
		}
	}
	if b.PaysOff() {
		t.Fatal("two in three of the model's own reviews kept: they should not pay off")
	}
	page(t, l, 100, 20) // the rules' reviews say nothing of the model's own
	if _, err := l.Refit(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	again := &Budget{}
	restarted, err := New(Config{After: 1000, MinExamples: 10}, Deps{Examples: st, Versions: st, Trainer: tr,
		Budgets: map[string]*Budget{"toxic": again}, Now: func() time.Time { return time.Unix(1_700_000_000, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := restarted.Load(); err != nil {
		t.Fatal(err)
	}
	if again.PaysOff() {
		t.Error("after a restart the outcomes are forgotten")
	}
}

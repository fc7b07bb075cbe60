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

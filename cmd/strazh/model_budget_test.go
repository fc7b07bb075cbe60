package main

import (
	"testing"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules"
	"github.com/strazh/strazh/rules/model"
)

// The daemon binds the page's model with the same review budget the
// learner fills (model.learn.budget): once the model learned the page, a
// review only the model asks for is sent only out of the budget. Not a
// replay-only mechanism: this is modelState, the daemon's swap.
func TestModelState_Engine_ReviewBudget(t *testing.T) {
	engine, err := rules.Load(rules.DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	page, err := engine.Model().Adapt([]model.Example{{Text: "спасибо за ремонт дороги у школы", Scope: []string{"toxic"}, Weight: 1}}, model.AdaptParams{})
	if err != nil {
		t.Fatal(err)
	}
	const rude = "Кто эту чушь пишет вообще, мозгов совсем нет у людей, позор какой-то" // only the model's rule asks
	verdict := func(e moderation.Evaluator) (moderation.Verdict, []moderation.Match) {
		var res moderation.Result
		e.Evaluate(&moderation.Comment{Text: rude}, nil, &res)
		return res.Verdict, res.Matches
	}
	if v, ms := verdict(engine); v != moderation.Review {
		t.Fatalf("the shipped model does not send the test text to review (%v %+v): pick another", v, ms)
	}
	cases := []struct {
		name   string
		budget []string
		kept   bool // the moderator kept the model's own reviews so far
		frees  int
		want   moderation.Verdict
	}{
		{"default, its own reviews not yet judged: sent", config.DefaultModel().Learn.Budget, false, 0, moderation.Review},
		{"default, its own reviews kept: nothing taken off the moderator, nothing sent", config.DefaultModel().Learn.Budget, true, 0, moderation.Allow},
		{"its own reviews kept, one review freed: sent", config.DefaultModel().Learn.Budget, true, 1, moderation.Review},
		{"budget off: sent", nil, true, 0, moderation.Review},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := config.DefaultModel()
			m.Learn.Budget = c.budget
			s := &modelState{rules: engine, model: page, v: moderation.ModelVersion{Version: 1}, budget: newBudgets(modelSetupFrom(m))}
			for range c.frees {
				s.budget["toxic"].Free()
			}
			if b := s.budget["toxic"]; b != nil && c.kept {
				for range 40 {
					b.Outcome(false)
				}
			}
			e, err := s.engine()
			if err != nil {
				t.Fatal(err)
			}
			if v, ms := verdict(e); v != c.want {
				t.Errorf("verdict %v, want %v: %+v", v, c.want, ms)
			}
		})
	}
}

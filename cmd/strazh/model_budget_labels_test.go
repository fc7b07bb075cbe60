package main

import (
	"slices"
	"testing"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/rules"
)

// A label in model.learn.budget that the model has no score for would
// budget nothing without a word: it is named.
func TestUnknownBudgetLabels(t *testing.T) {
	engine, err := rules.Load(rules.DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	m := config.DefaultModel()
	m.Learn.Budget = []string{"toxic", "insult", "toxik"}
	if got := unknownBudgetLabels(modelSetupFrom(m), engine.Model()); !slices.Equal(got, []string{"toxik"}) {
		t.Errorf("unknown labels %q, want [toxik] (insult is a kind of toxic)", got)
	}
}

package main

import (
	"fmt"
	"slices"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/learn"
	"github.com/strazh/strazh/rules"
	"github.com/strazh/strazh/rules/model"
)

// modelSetup is the model.learn part of the configuration, in the
// learner's terms. Which model the page starts from is rules.model.file:
// the one model the rules' model: conditions ask.
type modelSetup struct {
	Enabled bool
	Learn   learn.Config
	Weight  float64 // page example weight for Adapt
}

func modelSetupFrom(m config.Model) modelSetup {
	s := modelSetup{Enabled: m.Learn.Enabled, Weight: m.Learn.Weight, Learn: learn.DefaultConfig()}
	s.Learn.Every, s.Learn.After, s.Learn.MinExamples = m.Learn.Every, m.Learn.After, m.Learn.MinExamples
	s.Learn.Budget = m.Learn.Budget
	return s
}

// pageEngine is the engine for a model the learner made live: the same
// rules asking the page's model, with the thresholds the learner measured
// for rules.model.delete and rules.model.keep set to auto and the page's
// review budgets b (model.learn.budget; shared with the learner). The daemon and
// `strazh replay` both bind through it.
func pageEngine(e *rules.Engine, m learn.Model, v moderation.ModelVersion, b map[string]*learn.Budget) (*rules.Engine, error) {
	mm, ok := m.(*model.Model)
	if !ok {
		return nil, fmt.Errorf("model version %d: not a strazh model (%T)", v.Version, m)
	}
	p := pageOf(v)
	if len(b) > 0 {
		p.Budget = map[string]rules.ReviewBudget{}
		for l, lb := range b {
			p.Budget[l] = lb
		}
	}
	return e.WithPage(mm, p)
}

// pageOf is what version v measured on the page's held-out decisions.
func pageOf(v moderation.ModelVersion) rules.Page {
	p := rules.Page{Delete: map[string]float64{}, Keep: map[string]float64{}, Confirm: map[string]float64{}}
	for l, lm := range v.Metrics {
		if lm.DeleteFrom > 0 {
			p.Delete[l] = lm.DeleteFrom
		}
		if lm.KeepBelow > 0 {
			p.Keep[l] = lm.KeepBelow
		}
		if lm.ConfirmFrom > 0 {
			p.Confirm[l] = lm.ConfirmFrom
		}

	}
	return p
}

// unknownBudgetLabels are the labels of model.learn.budget that the
// model m has no score for: a typo there would budget nothing, silently.
func unknownBudgetLabels(s modelSetup, m *model.Model) []string {
	var out []string
	for _, l := range s.Learn.Budget {
		if m == nil || !slices.Contains(m.Labels(), moderation.ModelLabel(l)) {
			out = append(out, l)
		}
	}
	return out
}

// newBudgets are the page's review budgets of model.learn.budget, one
// per label, shared by the learner and the engines it binds.
func newBudgets(s modelSetup) map[string]*learn.Budget {
	b := map[string]*learn.Budget{}
	for _, l := range s.Learn.Budget {
		b[moderation.ModelLabel(l)] = &learn.Budget{}
	}
	return b
}

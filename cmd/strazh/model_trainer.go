// The adapter from the page learner (moderation/learn) to rules/model.

package main

import (
	"errors"
	"io"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/learn"
	"github.com/strazh/strazh/rules/model"
)

// modelTrainer adapts the rules' model (rules.model.file, or the shipped
// one) to the page.
type modelTrainer struct {
	base *model.Model
	p    model.AdaptParams
}

// newTrainer adapts base, the model the rule engine asks; nil (no rule
// asks a model, or rules.model.file is none) leaves nothing to learn.
func newTrainer(base *model.Model, s modelSetup) (learn.Trainer, error) {
	if base == nil {
		return nil, errors.New("the rules ask no model (rules.model.file is none, or the model pack is disabled)")
	}
	p := model.DefaultAdaptParams()
	if s.Weight > 0 {
		p.Weight = s.Weight
	}
	return &modelTrainer{base: base, p: p}, nil
}

func (t *modelTrainer) Base() learn.Model { return t.base }

func (t *modelTrainer) Adapt(page []moderation.Example) (learn.Model, error) {
	ex := make([]model.Example, len(page))
	for i, e := range page {
		ex[i] = model.Example{Text: e.Text, Labels: e.Labels, Scope: e.Scope, Weight: 1}
	}
	return t.base.Adapt(ex, t.p)
}

func (t *modelTrainer) Read(r io.Reader) (learn.Model, error) { return model.Read(r) }

// The adapter from the page learner (moderation/learn) to rules/model.

package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/learn"
	"github.com/strazh/strazh/rules/model"
)

// modelTrainer adapts the shipped model (rules/model) to the page.
type modelTrainer struct {
	base *model.Model
	p    model.AdaptParams
}

func newTrainer(s modelSetup) (learn.Trainer, error) {
	m := model.Shipped()
	if s.BaseFile != "" {
		f, err := os.Open(s.BaseFile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if m, err = model.Read(f); err != nil {
			return nil, fmt.Errorf("%s: %w", s.BaseFile, err)
		}
	}
	if m == nil {
		return nil, errors.Join(errors.New("the shipped model cannot be read"), model.ShippedErr())
	}
	p := model.DefaultAdaptParams()
	if s.Weight > 0 {
		p.Weight = s.Weight
	}
	return &modelTrainer{base: m, p: p}, nil
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

package main

import (
	"context"
	"sync"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/learn"
)

// modelState is the daemon's live model and rules: whenever either
// changes, the pipeline gets one new engine (an atomic swap).
type modelState struct {
	mu       sync.Mutex
	rules    moderation.Evaluator
	model    learn.Model
	policies []learn.Policy
}

// engine is the rules with the live model's policy on top (the rules alone
// while there is no model).
func (s *modelState) engine() moderation.Evaluator {
	if s.model == nil {
		return s.rules
	}
	return &learn.Evaluator{Rules: s.rules, Model: s.model, Policies: s.policies}
}

// setupModel makes the daemon's learner when model.learn is enabled and the
// build has a model; without one the daemon runs on the rules alone.
// It returns the first engine and the pipeline's learner (nil when off).
func (d *daemon) setupModel(rules moderation.Evaluator) (moderation.Evaluator, *learn.Learner) {
	ms := modelSetupFrom(d.cfg.Model)
	d.models = &modelState{rules: rules, policies: ms.Policies}
	if !ms.Enabled {
		return rules, nil
	}
	tr, err := newTrainer(ms)
	if err != nil {
		d.log.Warn("the learned model is off: the rules decide alone", "err", err)
		return rules, nil
	}
	l, err := newLearner(d.cfg, d.db, tr, func(m learn.Model, v moderation.ModelVersion) {
		d.models.mu.Lock()
		d.models.model = m
		e := d.models.engine()
		d.models.mu.Unlock()
		if d.pipe != nil {
			d.pipe.SetEngine(e)
		}
		d.log.Info("model live", "version", v.Version, "examples", v.Examples)
	})
	if err != nil {
		d.log.Warn("the learned model is off: the rules decide alone", "err", err)
		return rules, nil
	}
	if err := l.Load(); err != nil {
		d.log.Error("model", "err", err)
	}
	d.learner = l
	d.models.mu.Lock()
	defer d.models.mu.Unlock()
	return d.models.engine(), l
}

// setRules swaps the rules (SIGHUP), keeping the live model.
func (d *daemon) setRules(rules moderation.Evaluator) {
	d.models.mu.Lock()
	d.models.rules = rules
	e := d.models.engine()
	d.models.mu.Unlock()
	d.pipe.SetEngine(e)
}

// runLearner refits in the background until ctx ends.
func (d *daemon) runLearner(ctx context.Context) error {
	if d.learner != nil {
		d.learner.Run(ctx)
	}
	return nil
}

package main

import (
	"context"
	"strings"
	"sync"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/learn"
	"github.com/strazh/strazh/rules"
)

// modelState is the daemon's rules and live model: whenever either
// changes (a refit goes live, a rollback, a SIGHUP reload of the rules),
// the pipeline gets one new engine, the rules asking the live model (an
// atomic swap).
type modelState struct {
	mu    sync.Mutex
	rules *rules.Engine
	model learn.Model             // nil: the rules' own model (rules.model.file)
	v     moderation.ModelVersion // the live version (0: the base model)
	// budget are the page's review budget, shared by the learner (which
	// fills it) and every engine bound (which takes from it).
	budget map[string]*learn.Budget
}

// engine binds the live model into the rules; the rules as loaded while
// the base model is live.
func (s *modelState) engine() (moderation.Evaluator, error) {
	if s.model == nil || s.v.Version == 0 {
		return s.rules, nil
	}
	return pageEngine(s.rules, s.model, s.v, s.budget)
}

// setupModel makes the daemon's learner when model.learn is enabled and the
// rules ask a model; without one the daemon runs on the rules alone. It
// returns the first engine and the pipeline's learner (nil when off).
func (d *daemon) setupModel(engine *rules.Engine) (moderation.Evaluator, *learn.Learner) {
	ms := modelSetupFrom(d.cfg.Model)
	d.models = &modelState{rules: engine, budget: newBudgets(ms)}
	if bad := unknownBudgetLabels(ms, engine.Model()); ms.Enabled && len(bad) > 0 && engine.Model() != nil {
		d.log.Warn("model.learn.budget names labels the model has no score for; they budget nothing",
			"labels", strings.Join(bad, ", "), "model_labels", strings.Join(engine.Model().Labels(), ", "))
	}
	if !ms.Enabled {
		return engine, nil
	}
	tr, err := newTrainer(engine.Model(), ms)
	if err != nil {
		d.log.Warn("the model does not learn the page", "err", err)
		return engine, nil
	}
	l, err := newLearner(d.cfg, d.db, tr, d.models.budget, func(m learn.Model, v moderation.ModelVersion) {
		d.models.mu.Lock()
		prev, prevV := d.models.model, d.models.v
		d.models.model, d.models.v = m, v
		e, err := d.models.engine()
		if err != nil {
			d.models.model, d.models.v = prev, prevV
		}
		d.models.mu.Unlock()
		if err != nil {
			d.log.Error("model version not used: the rules cannot ask it", "version", v.Version, "err", err)
			return
		}
		if d.pipe != nil {
			d.pipe.SetEngine(e)
		}
		d.log.Info("model live", "version", v.Version, "examples", v.Examples)
	})
	if err != nil {
		d.log.Warn("the model does not learn the page", "err", err)
		return engine, nil
	}
	if err := l.Load(); err != nil {
		d.log.Error("model", "err", err)
	}
	d.learner = l
	d.models.mu.Lock()
	defer d.models.mu.Unlock()
	e, err := d.models.engine()
	if err != nil {
		d.log.Error("the live model version is not used: the rules cannot ask it", "err", err)
		return engine, l
	}
	return e, l
}

// setRules swaps the rules (SIGHUP), keeping the live model: the new rules
// ask it. When they cannot (a rule asks a label it lacks), the new rules
// run with their own model and the error is logged.
func (d *daemon) setRules(engine *rules.Engine) {
	d.models.mu.Lock()
	d.models.rules = engine
	e, err := d.models.engine()
	d.models.mu.Unlock()
	if err != nil {
		d.log.Error("the reloaded rules cannot ask the live model; they run with their own", "version", d.models.v.Version, "err", err)
		e = engine
	}
	d.pipe.SetEngine(e)
}

// runLearner refits in the background until ctx ends.
func (d *daemon) runLearner(ctx context.Context) error {
	if d.learner != nil {
		d.learner.Run(ctx)
	}
	return nil
}

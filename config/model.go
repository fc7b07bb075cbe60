package config

import (
	"sort"
	"time"
)

// Model configures the learned model's use and how it learns the page
// (keys model.*; see README.md).
type Model struct {
	// Learn is the refit schedule.
	Learn ModelLearn `yaml:"learn"`
	// Policy says, per label, what the model's score does on top of the
	// rules. By default the model only sends to review; delete and keep
	// are the operator's opt-in.
	Policy map[string]ModelPolicy `yaml:"policy"`
}

// ModelLearn is the schedule of model.learn.
type ModelLearn struct {
	// Enabled: moderator decisions are kept as examples and the model refits.
	Enabled bool `yaml:"enabled"`
	// Every: a refit is due this long after the last one if anything is new.
	Every time.Duration `yaml:"every"`
	// After: a refit is due as soon as this many new decisions came in.
	After int `yaml:"after"`
	// MinExamples: no refit before the page has this many examples.
	MinExamples int `yaml:"min_examples"`
	// Weight: how many shipped rows one moderator decision counts as.
	Weight float64 `yaml:"weight"`
}

// ModelPolicy is one label's thresholds (0 turns one off).
type ModelPolicy struct {
	Review float64 `yaml:"review"` // from this score: review
	Delete float64 `yaml:"delete"` // from this score: delete (opt-in)
	Keep   float64 `yaml:"keep"`   // below it, a review only this label's rules asked for is kept (opt-in)
}

// DefaultModel: learn every 6 h or every 200 decisions from 50 on; the
// model sends toxic and spam to review from 0.9, deletes nothing.
func DefaultModel() Model {
	return Model{
		Learn:  ModelLearn{Enabled: true, Every: 6 * time.Hour, After: 200, MinExamples: 50, Weight: 4},
		Policy: map[string]ModelPolicy{"toxic": {Review: 0.9}, "spam": {Review: 0.9}},
	}
}

// PolicyLabels are the labels of m.Policy, sorted.
func (m Model) PolicyLabels() []string {
	out := make([]string, 0, len(m.Policy))
	for l := range m.Policy {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

func (m Model) validate(bad func(at int, key, format string, args ...any)) {
	if m.Learn.Every < 0 || (m.Learn.Every > 0 && m.Learn.Every < time.Minute) {
		bad(0, "model.learn.every", "%s: want at least 1m (0: only model.learn.after)", m.Learn.Every)
	}
	if m.Learn.After < 0 {
		bad(0, "model.learn.after", "must not be negative")
	}
	if m.Learn.Every == 0 && m.Learn.After == 0 && m.Learn.Enabled {
		bad(0, "model.learn", "every and after are both 0: the model would never refit")
	}
	if m.Learn.MinExamples < 1 {
		bad(0, "model.learn.min_examples", "must be at least 1")
	}
	if !(m.Learn.Weight > 0 && m.Learn.Weight <= 1000) {
		bad(0, "model.learn.weight", "%g: want more than 0, at most 1000", m.Learn.Weight)
	}
	for _, l := range m.PolicyLabels() {
		p := m.Policy[l]
		key := "model.policy." + l
		for _, t := range []struct {
			k string
			v float64
		}{{"review", p.Review}, {"delete", p.Delete}, {"keep", p.Keep}} {
			if !(t.v >= 0 && t.v < 1) {
				bad(0, key+"."+t.k, "%g: want a score in [0, 1) (0: off)", t.v)
			}
		}
		if p.Delete > 0 && p.Review > p.Delete {
			bad(0, key+".review", "%g is above delete %g", p.Review, p.Delete)
		}
		if p.Keep > 0 && p.Review > 0 && p.Keep > p.Review {
			bad(0, key+".keep", "%g is above review %g", p.Keep, p.Review)
		}
	}
}

// check is Model's part of Config.validate.
func (c *Config) checkModel(bad func(at int, key, format string, args ...any)) { c.Model.validate(bad) }

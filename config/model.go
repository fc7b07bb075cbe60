package config

import (
	"fmt"
	"strings"
	"time"
)

// Model configures how the learned model learns the page (keys model.*;
// see README.md). Which model the rules ask, and what its score may do, is
// rules.model.
type Model struct {
	// Learn is the refit schedule.
	Learn ModelLearn `yaml:"learn"`
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
	// Budget: the labels whose reviews the learned model alone asks for
	// come out of what the page's model took off the moderator (its auto
	// keeps and deletes, rules.model.keep and delete), so learning never
	// raises the review load above the rules alone ([] : no budget).
	Budget []string `yaml:"budget"`
}

// DefaultModel: learn every 6 h or every 200 decisions from 50 on. What
// the model's score does is the rules' business (rules.model and the
// model: condition), not this section's.
func DefaultModel() Model {
	return Model{Learn: ModelLearn{Enabled: true, Every: 6 * time.Hour, After: 200, MinExamples: 50, Weight: 4, Budget: []string{"toxic"}}}
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
	for i, l := range m.Learn.Budget {
		if strings.TrimSpace(l) == "" {
			bad(0, fmt.Sprintf("model.learn.budget[%d]", i), "an empty label")
		}
	}
	if !(m.Learn.Weight > 0 && m.Learn.Weight <= 1000) {
		bad(0, "model.learn.weight", "%g: want more than 0, at most 1000", m.Learn.Weight)
	}
}

// check is Model's part of Config.validate.
func (c *Config) checkModel(bad func(at int, key, format string, args ...any)) { c.Model.validate(bad) }

//go:build !localmodel

package main

import (
	"errors"

	"github.com/strazh/strazh/moderation/learn"
)

// newTrainer gives the learner the shipped model and Adapt. The learned
// model (rules/model) is not on this branch yet: until it is, every
// command that needs a model says so.
func newTrainer(modelSetup) (learn.Trainer, error) {
	return nil, errors.New("the learned model is not part of this build yet (rules/model)")
}

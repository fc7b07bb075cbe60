package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation/learn"
)

// modelSetup is the model part of the configuration, in the learner's terms.
type modelSetup struct {
	Enabled  bool
	Learn    learn.Config
	Policies []learn.Policy
	Weight   float64 // page example weight for Adapt
	BaseFile string  // a model file to start from instead of the shipped one
}

func modelSetupFrom(m config.Model) modelSetup {
	s := modelSetup{Enabled: m.Learn.Enabled, Weight: m.Learn.Weight, Learn: learn.DefaultConfig()}
	s.Learn.Every, s.Learn.After, s.Learn.MinExamples = m.Learn.Every, m.Learn.After, m.Learn.MinExamples
	for _, l := range m.PolicyLabels() {
		p := m.Policy[l]
		s.Policies = append(s.Policies, learn.Policy{Label: l, Review: p.Review, Delete: p.Delete, Keep: p.Keep})
	}
	return s
}

// loadModelConfig reads the model keys of the configuration (the defaults
// when path is empty).
func loadModelConfig(path string) (modelSetup, error) {
	if path == "" {
		return modelSetupFrom(config.DefaultModel()), nil
	}
	cfg, err := config.Load(path)
	if err != nil {
		return modelSetup{}, err
	}
	return modelSetupFrom(cfg.Model), nil
}

// parsePolicies reads "toxic:review=0.8,delete=0.97,keep=0.05;spam:review=0.9".
func parsePolicies(s string) ([]learn.Policy, error) {
	var out []learn.Policy
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		label, kvs, ok := strings.Cut(part, ":")
		if !ok || label == "" {
			return nil, fmt.Errorf("%q: want label:key=value[,key=value]", part)
		}
		p := learn.Policy{Label: label}
		for _, kv := range strings.Split(kvs, ",") {
			k, v, ok := strings.Cut(kv, "=")
			f, err := strconv.ParseFloat(v, 64)
			if !ok || err != nil {
				return nil, fmt.Errorf("%s: %q: want key=number", label, kv)
			}
			switch k {
			case "review":
				p.Review = f
			case "delete":
				p.Delete = f
			case "keep":
				p.Keep = f
			default:
				return nil, fmt.Errorf("%s: unknown key %q (review, delete, keep)", label, k)
			}
		}
		if err := p.Validate(); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

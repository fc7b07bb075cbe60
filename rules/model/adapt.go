package model

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// AdaptParams tune Adapt.
type AdaptParams struct {
	// Weight multiplies every page example's own weight: how much one
	// moderator decision outweighs one row of the shipped data (default 4).
	Weight float64 `json:"weight"`
	// Pull is the L2 penalty toward the base model's weights (default
	// 1e-4): higher keeps the adapted model closer to the base.
	Pull float64 `json:"pull"`
	// Epochs over the page examples (default 8).
	Epochs int `json:"epochs"`
	// Rate is the SGD step of the first pass, 1/(1+epoch) of it after
	// (default 0.5). Rate·Weight is the step on one example's logit (the
	// default's 2 was measured on the replays, see rules/model/README.md);
	// above maxStep the rate is lowered to keep it there.
	Rate float64 `json:"rate"`
	// Seed orders the passes (default 1).
	Seed uint64 `json:"seed"`
}

// DefaultAdaptParams are the defaults Adapt fills in for zero fields.
func DefaultAdaptParams() AdaptParams {
	return AdaptParams{Weight: 4, Pull: 1e-4, Epochs: 8, Rate: 0.5, Seed: 1}
}

func (a AdaptParams) withDefaults() AdaptParams {
	d := DefaultAdaptParams()
	if a.Weight == 0 {
		a.Weight = d.Weight
	}
	if a.Pull == 0 {
		a.Pull = d.Pull
	}
	if a.Epochs == 0 {
		a.Epochs = d.Epochs
	}
	if a.Rate == 0 {
		a.Rate = d.Rate
	}
	if a.Seed == 0 {
		a.Seed = d.Seed
	}
	return a
}

func (a AdaptParams) validate() error {
	var errs []error
	if !(a.Weight > 0) || a.Weight > 1000 {
		errs = append(errs, fmt.Errorf("weight: %g out of (0, 1000]", a.Weight))
	}
	if !(a.Pull >= 0) || a.Pull > 1 {
		errs = append(errs, fmt.Errorf("pull: %g out of [0, 1]", a.Pull))
	}
	if a.Epochs < 1 || a.Epochs > 100 {
		errs = append(errs, fmt.Errorf("epochs: %d out of 1..100", a.Epochs))
	}
	if !(a.Rate > 0) || a.Rate > 10 {
		errs = append(errs, fmt.Errorf("rate: %g out of (0, 10]", a.Rate))
	}
	return errors.Join(errs...)
}

// Adapt returns a new model: this one plus a delta trained on the page's
// examples (plain SGD, see fitPage), each weighted by p.Weight and with an
// L2 pull toward this model's weights, so a handful of decisions moves the model where the
// page disagrees and leaves the rest alone. A label of the page's examples
// that this model lacks becomes a new label (starting from zero weights).
// The shipped corpus is not needed. Deterministic; m is not changed.
func (m *Model) Adapt(page []Example, p AdaptParams) (*Model, error) {
	p = p.withDefaults()
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("model: adapt params: %w", err)
	}
	labels := slices.Clone(m.labels)
	for _, e := range page {
		for _, l := range e.Scope {
			if !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		}
	}
	if err := checkLabels(labels); err != nil {
		return nil, err
	}
	nb := 1 << m.p.Bits
	nl, ol := len(labels), len(m.labels)
	out := &Model{p: m.p, labels: labels, q: make([]int16, nb*nl), bias: make([]float32, nl), scale: make([]float32, nl)}
	out.init()
	for j := 0; j < nb; j++ {
		copy(out.q[j*nl:j*nl+ol], m.q[j*ol:j*ol+ol])
	}
	copy(out.bias, m.bias)
	copy(out.scale, m.scale)
	for li := ol; li < nl; li++ {
		out.scale[li] = 1
	}
	out.info = m.info
	out.info.Labels = nil
	out.info.Metrics = map[string]Metrics{}
	for k, v := range m.info.Metrics {
		out.info.Metrics[k] = v
	}
	sum := sha256.Sum256([]byte(m.info.DataHash + m.info.ParamsHash + m.info.Base))
	out.info.Base = hex.EncodeToString(sum[:])
	out.info.Adapted = len(page)
	out.info.DataHash = DataHash(page)
	if len(page) == 0 {
		return out, nil
	}
	d := featurize(&out.f, page)
	all := make([]int, len(page))
	for i := range all {
		all[i] = i
	}
	for li, label := range labels {
		rows, ys, ws := rowsFor(page, all, label)
		if len(rows) == 0 {
			continue
		}
		base := out.weights(li)
		w := slices.Clone(base)
		b := fitPage(d, rows, ys, ws, w, base, float64(out.bias[li]), p)
		out.setWeights(li, w)
		out.bias[li] = float32(b)
		met := out.info.Metrics[label]
		met.TrainLoss = logLoss(d, rows, ys, w, b)
		out.info.Metrics[label] = met
	}
	return out, nil
}

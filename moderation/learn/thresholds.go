package learn

import (
	"context"
	"fmt"
	"slices"

	"github.com/strazh/strazh/moderation"
)

// The auto thresholds (rules.model.delete and rules.model.keep set to
// auto) are read off the page's examples, each scored by a model that
// did not learn from them: the page's own moderator says where its model
// may act alone.
const (
	autoPurity = 0.99 // keep: share of the examples below it the moderator kept
	autoMin    = 50   // keep: fewest examples below it
	// A delete acts on all traffic, not only on what reaches review, so it
	// is held to more: 400 of the page's decisions above it, at most one
	// in 400 kept. At 99 % of 50 (and at 99.5 % of 200) the replays deleted
	// more clean comments than the rules alone (russe_detox, seed 1: 4 and
	// 3 against 2 after the 2,000th decision). Every one of 200 (before)
	// is as sure (the chance of a clean one, at 95 %, is under 1.5 % for
	// both) but brittle: one kept comment among the top 200 and the page
	// has no threshold until the next refit, so the auto delete came and
	// went from refit to refit (moderation/learn/README.md, "auto delete").
	deletePurity = 0.9975
	deleteMin    = 400
	// A confirm acts only on reviews the rules asked for, the population
	// it is measured on: 100 decisions above it, 99.5 % removals.
	confirmPurity = 0.995
	confirmMin    = 100
	autoFloor     = 0.5 // the lowest delete threshold (rules.model.delete accepts no lower)
	autoCeil      = 0.5 // the highest keep threshold (rules.model.keep accepts no higher)
)

type scored struct {
	s       float64
	pos     bool
	byModel bool // only the model's rules asked (moderation.Example.ByModel)
}

// thresholdFolds: the auto thresholds are read off every example, each
// scored by a model adapted on the other folds (contiguous blocks in
// decision order; the last is the go-live rule's held-out fifth). The
// held-out fifth alone gave a few hundred examples: too few for 50 on the
// acting side at 99 %, so the thresholds came and went from refit to
// refit.
const thresholdFolds = 5

// pageThresholds sets DeleteFrom and KeepBelow of each label's metrics in
// out from out-of-fold scores of all; probe is the model adapted on
// all[:cut] (the last fold's).
func (l *Learner) pageThresholds(ctx context.Context, all []moderation.Example, cut int, probe Model, out map[string]moderation.LabelMetrics) error {
	xs := make(map[string][]scored, len(l.cfg.Labels))
	score := func(m Model, ex []moderation.Example) {
		for _, label := range l.cfg.Labels {
			for i := range ex {
				if inScope(ex[i].Scope, label) {
					xs[label] = append(xs[label], scored{m.Score(label, ex[i].Text), positive(ex[i].Labels, label), ex[i].ByModel})
				}
			}
		}
	}
	score(probe, all[cut:])
	size := max(1, cut/(thresholdFolds-1))
	for from := 0; from < cut; from += size {
		to := min(from+size, cut)
		if cut-to < size { // the last block takes the rest
			to = cut
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		train := append(slices.Clone(all[:from]), all[to:]...)
		m, err := l.tr.Adapt(train)
		if err != nil {
			return fmt.Errorf("learn: adapt on %d examples: %w", len(train), err)
		}
		score(m, all[from:to])
		if to == cut {
			break
		}
	}
	for _, label := range l.cfg.Labels {
		lm := out[label]
		lm.DeleteFrom, lm.KeepBelow = removedFrom(xs[label], deleteMin, deletePurity), keepBelow(xs[label])
		// A confirm acts on what the rules asked; the model alone asks
		// for much that is kept, which says nothing of that.
		lm.ConfirmFrom = removedFrom(slices.DeleteFunc(slices.Clone(xs[label]), func(x scored) bool { return x.byModel }), confirmMin, confirmPurity)
		out[label] = lm
	}
	return nil
}

// removedFrom is the lowest score t (at least autoFloor) such that the
// examples scoring t or more are at least least and purity positive; 0
// when there is none.
func removedFrom(xs []scored, least int, purity float64) float64 {
	xs = slices.Clone(xs)
	slices.SortFunc(xs, func(a, b scored) int { return cmpFloat(b.s, a.s) })
	best, pos := 0.0, 0
	for i, x := range xs {
		if x.pos {
			pos++
		}
		n := i + 1
		if x.s < autoFloor {
			break
		}
		if i+1 < len(xs) && xs[i+1].s == x.s {
			continue // ties act together
		}
		if n >= least && float64(pos) >= purity*float64(n) {
			best = x.s
		}
	}
	return best
}

// keepBelow is the highest t (at most autoCeil) such that the examples
// scoring below t are at least autoMin and autoPurity negative; 0 when
// there is none.
func keepBelow(xs []scored) float64 {
	xs = slices.Clone(xs)
	slices.SortFunc(xs, func(a, b scored) int { return cmpFloat(a.s, b.s) })
	best, neg := 0.0, 0
	for i, x := range xs {
		if !x.pos {
			neg++
		}
		n := i + 1
		next := autoCeil
		if i+1 < len(xs) {
			next = min(xs[i+1].s, autoCeil)
		}
		if x.s >= autoCeil {
			break
		}
		if next == x.s {
			continue
		}
		if n >= autoMin && float64(neg) >= autoPurity*float64(n) {
			best = next // every example below next is one of these n
		}
	}
	return best
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

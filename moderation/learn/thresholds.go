package learn

import (
	"slices"

	"github.com/strazh/strazh/moderation"
)

// The auto thresholds (rules.model.delete and rules.model.keep set to
// auto) are read off the page's held-out examples, scored by a model that
// did not learn from them: the page's own moderator says where its model
// may act alone.
const (
	autoPurity = 0.99 // share of the examples on the acting side the moderator agreed with
	autoMin    = 50   // fewest examples on the acting side
	autoFloor  = 0.5  // the lowest delete threshold (rules.model.delete accepts no lower)
	autoCeil   = 0.5  // the highest keep threshold (rules.model.keep accepts no higher)
)

type scored struct {
	s   float64
	pos bool
}

// pageThresholds sets DeleteFrom and KeepBelow of each label's metrics.
func pageThresholds(m Model, held []moderation.Example, labels []string, out map[string]moderation.LabelMetrics) {
	for _, label := range labels {
		var xs []scored
		for i := range held {
			if inScope(held[i].Scope, label) {
				xs = append(xs, scored{m.Score(label, held[i].Text), positive(held[i].Labels, label)})
			}
		}
		lm := out[label]
		lm.DeleteFrom, lm.KeepBelow = deleteFrom(xs), keepBelow(xs)
		out[label] = lm
	}
}

// deleteFrom is the lowest score t (at least autoFloor) such that the
// examples scoring t or more are at least autoMin and autoPurity positive;
// 0 when there is none.
func deleteFrom(xs []scored) float64 {
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
		if n >= autoMin && float64(pos) >= autoPurity*float64(n) {
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

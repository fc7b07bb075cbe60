package learn

import (
	"sync/atomic"

	"github.com/strazh/strazh/moderation"
)

// Budget is the page's review budget (model.learn.budget): the reviews
// the model alone may still ask for. Each rule's review the page's model
// decided instead of the moderator (a confirmed delete) adds one; each
// review only the model asked for takes one (the rule engine takes it
// when it asks, rules.ReviewBudget). So learning never raises the review
// load above the rules alone: the model alone asks for reviews out of
// what it took off the moderator. Safe for concurrent use.
type Budget struct{ n atomic.Int64 }

// Take takes one review, if any is left.
func (b *Budget) Take() bool {
	for {
		n := b.n.Load()
		if n <= 0 {
			return false
		}
		if b.n.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// Left says how many reviews are left (negative: the model alone asked
// for more than it took off, before the page's model learned it).
func (b *Budget) Left() int64 { return b.n.Load() }

func (b *Budget) add(n int64) { b.n.Add(n) }

// budgetOf is the budget the page's examples leave: the confirmed deletes
// less the reviews only the model asked for (those a moderator decided;
// the pending ones are not examples yet).
func budgetOf(ex moderation.Examples) (int64, error) {
	var n int64
	err := ex.EachExample(func(e moderation.Example) error {
		switch {
		case e.ByModel:
			n--
		case e.By == moderation.ByAuto:
			n++
		}
		return nil
	})
	return n, err
}

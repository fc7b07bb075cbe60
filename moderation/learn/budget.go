package learn

import (
	"slices"
	"sync"

	"github.com/strazh/strazh/moderation"
)

// Budget is the page's review budget for one label (model.learn.budget):
// the reviews the learned model alone may ask for. Each review of the
// rules' the page's model decided instead of the moderator (kept by
// rules.model.keep, or a delete it confirmed) adds one; each review only
// the model asked for takes one. So
// learning never raises the review load above the rules alone: the model
// alone asks for reviews out of what it took off the moderator.
//
// It spends on the comments the model is surest of: every comment the
// model alone would send is counted by its score (recent ones weigh
// more), and one is sent only when, among the recent ones, those scoring
// as high or higher came no oftener than the confirmed deletes did.
//
// A page whose moderator removes at least half of what the model alone
// sends (PaysOff: the last ~200 such reviews decided; taken so until 30
// were) is not held to it:
// there the model's own reviews are worth the moderator's time, and
// holding them to the budget would only leave violations up.
// Safe for concurrent use; the rule engine calls Ask and Free
// (rules.ReviewBudget); the learner reports each decided review only the
// model asked for (Outcome).
type Budget struct {
	mu     sync.Mutex
	tokens int64
	hist   [budgetBins]float64 // recent asks by score, weighted by w
	freed  float64             // recent confirmed deletes, weighted by w
	w      float64             // weight of the next event: grows by 1/budgetDecay

	removed, decided float64 // model-only reviews decided, decayed by outcomeDecay
	outcomes         int     // how many were ever decided
}

const (
	budgetBins = 100
	// budgetDecay: an ask or a free weighs this much less per later ask
	// (the last ~2,000 asks count): the page's model and traffic change.
	budgetDecay = 1 - 1.0/2000
	// outcomeDecay: the last ~200 decided model-only reviews say whether
	// they pay off; until minOutcomes were decided they are taken to (the
	// budget holds them back on evidence, and the evidence comes only from
	// reviews sent).
	outcomeDecay = 1 - 1.0/200
	minOutcomes  = 30
	// payOff is the share of model-only reviews the moderator must remove
	// for them to go unbudgeted: at least as many removed as kept.
	payOff = 0.5
)

// Outcome records a decided review that only the model asked for: removed
// when the moderator deleted it.
func (b *Budget) Outcome(removed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.removed *= outcomeDecay
	b.decided = b.decided*outcomeDecay + 1
	if removed {
		b.removed++
	}
	b.outcomes++
}

// PaysOff says whether the model-only reviews are removed often enough to
// go unbudgeted.
func (b *Budget) PaysOff() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.paysOff()
}

func (b *Budget) paysOff() bool {
	return b.outcomes < minOutcomes || b.removed >= payOff*b.decided
}

// Ask says whether a review the model alone asks for, at this score, is
// sent, taking one from the budget when it is.
func (b *Budget) Ask(score float64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.grow()
	bin := min(max(int(score*budgetBins), 0), budgetBins-1)
	b.hist[bin] += b.w
	if b.paysOff() {
		return true
	}
	if b.tokens <= 0 {
		return false
	}
	above := 0.0
	for i := budgetBins - 1; i > bin; i-- {
		above += b.hist[i]
	}
	// Sent when the recent asks scoring higher fit in what was freed
	// recently plus what is left unspent (valued as freed now).
	if above >= b.freed+float64(b.tokens)*b.w {
		return false
	}
	b.tokens--
	return true
}

// Free adds one review to the budget: the page's model decided one of the
// rules' reviews (kept or confirmed it).
func (b *Budget) Free() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens++
	b.freed += b.w
}

// Left says how many reviews are left.
func (b *Budget) Left() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tokens
}

func (b *Budget) set(tokens int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = tokens
}

// grow makes the next event weigh more than the last (the decay, without
// touching every bin); renormalises before the weights overflow.
func (b *Budget) grow() {
	if b.w == 0 {
		b.w = 1
	}
	b.w /= budgetDecay
	if b.w > 1e200 {
		for i := range b.hist {
			b.hist[i] /= b.w
		}
		b.freed /= b.w
		b.w = 1
	}
}

// budgetOf is what the page's examples leave label's budget after a
// restart: the confirmed deletes less the reviews only the model asked
// for that a moderator decided (the pending ones are not examples yet),
// since the page's model first learned (decision after): what the shipped
// model asked before that is not learning's. The auto keeps are not
// examples, so a restart forgets them: the budget errs low.
func budgetOf(ex moderation.Examples, label string, after uint64, b *Budget) (int64, error) {
	var n int64
	err := ex.EachExample(func(e moderation.Example) error {
		if e.ByModel && inScope(e.Scope, label) && b != nil {
			b.Outcome(removedFor(e, label))
		}
		switch {
		case e.DecisionID <= after:
		case e.ByModel && inScope(e.Scope, label):
			n--
		case e.By == moderation.ByAuto && slices.ContainsFunc(e.Labels, func(l string) bool { return moderation.ModelLabel(l) == label }):
			n++
		}
		return nil
	})
	return n, err
}

// removedFor says whether the moderator removed an example's comment for
// label (it is positive for it).
func removedFor(e moderation.Example, label string) bool {
	return slices.ContainsFunc(e.Labels, func(l string) bool { return moderation.ModelLabel(l) == label })
}

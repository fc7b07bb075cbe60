package learn

import (
	"fmt"

	"github.com/strazh/strazh/moderation"
)

// Policy says what one label's model score does to a comment, on top of
// the rules. Each threshold is off at 0. Deleting on the model is the
// operator's opt-in; by default the model only sends to review.
type Policy struct {
	Label string
	// Review sends a comment the rules allow to review from this score.
	Review float64
	// Delete deletes from this score (opt-in).
	Delete float64
	// Keep allows a comment that only rules of this label sent to review
	// when its score is below this: the page's moderator keeps such
	// comments (opt-in; rules that delete are never overruled).
	Keep float64
}

// Validate names the first bad threshold.
func (p Policy) Validate() error {
	for _, t := range []struct {
		name string
		v    float64
	}{{"review", p.Review}, {"delete", p.Delete}, {"keep", p.Keep}} {
		if !(t.v >= 0 && t.v < 1) {
			return fmt.Errorf("%s: %s %g out of [0, 1)", p.Label, t.name, t.v)
		}
	}
	if p.Delete > 0 && p.Review > p.Delete {
		return fmt.Errorf("%s: review %g above delete %g", p.Label, p.Review, p.Delete)
	}
	if p.Keep > 0 && p.Review > 0 && p.Keep > p.Review {
		return fmt.Errorf("%s: keep %g above review %g", p.Label, p.Keep, p.Review)
	}
	return nil
}

// Evaluator is the rule engine with a model's policy on top. The model's
// verdict only ever raises the rules' (review, delete), except Keep, which
// lowers a review the rules asked for on that label alone. Every step is a
// Match named "model.<label>", so the moderator and the audit see why.
type Evaluator struct {
	Rules    moderation.Evaluator
	Model    Model
	Policies []Policy
}

// Evaluate runs the rules, then the policies.
func (e *Evaluator) Evaluate(c *moderation.Comment, h moderation.History, out *moderation.Result) {
	e.Rules.Evaluate(c, h, out)
	if e.Model == nil || c.Author.Exempt() {
		return
	}
	for _, p := range e.Policies {
		if out.Verdict >= moderation.Delete {
			return // the model never bans, nor lowers a delete
		}
		s := e.Model.Score(p.Label, c.Text)
		switch v := verdictFor(p, s); {
		case v > out.Verdict:
			out.Verdict = v
			out.Labels = append(out.Labels, p.Label)
			out.Matches = append(out.Matches, moderation.Match{Rule: "model." + p.Label, Label: p.Label, Action: v,
				Reason: fmt.Sprintf("модель: %s %.2f", p.Label, s)})
		case out.Verdict == moderation.Review && p.Keep > 0 && s < p.Keep && onlyReviewsOf(out, p.Label):
			out.Verdict = moderation.Allow
			out.Matches = append(out.Matches, moderation.Match{Rule: "model." + p.Label + ".keep", Label: p.Label,
				Action: moderation.Allow, Reason: fmt.Sprintf("модель: %s %.2f, страница такое оставляет", p.Label, s)})
		}
	}
}

func verdictFor(p Policy, s float64) moderation.Verdict {
	switch {
	case p.Delete > 0 && s >= p.Delete:
		return moderation.Delete
	case p.Review > 0 && s >= p.Review:
		return moderation.Review
	}
	return moderation.Allow
}

// onlyReviewsOf reports whether every rule that asked for more than allow
// asked for review on label (under the toxic umbrella).
func onlyReviewsOf(out *moderation.Result, label string) bool {
	n := 0
	for _, m := range out.Matches {
		if m.Action == moderation.Allow {
			continue
		}
		if m.Action != moderation.Review || moderation.ModelLabel(m.Label) != label {
			return false
		}
		n++
	}
	return n > 0
}

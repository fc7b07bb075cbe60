package learn

import (
	"testing"

	"github.com/strazh/strazh/moderation"
)

// fixedRules is a rule engine double that always says the same.
type fixedRules struct{ res moderation.Result }

func (f fixedRules) Evaluate(_ *moderation.Comment, _ moderation.History, out *moderation.Result) {
	out.Verdict = f.res.Verdict
	out.Labels = append(out.Labels, f.res.Labels...)
	out.Matches = append(out.Matches, f.res.Matches...)
}

func TestEvaluator_Evaluate_Policy(t *testing.T) {
	m := &wordModel{words: map[string]map[string]bool{"toxic": {"чмо": true}, "spam": {"казино": true}}}
	pol := []Policy{{Label: "toxic", Review: 0.5, Delete: 0.85, Keep: 0.2}, {Label: "spam", Review: 0.5}}
	insult := moderation.Result{Verdict: moderation.Review, Labels: []string{"insult"},
		Matches: []moderation.Match{{Rule: "insults.x", Label: "insult", Action: moderation.Review}}}
	spamReview := moderation.Result{Verdict: moderation.Review, Labels: []string{"spam"},
		Matches: []moderation.Match{{Rule: "spam.x", Label: "spam", Action: moderation.Review}}}
	mat := moderation.Result{Verdict: moderation.Delete, Labels: []string{"obscenity"},
		Matches: []moderation.Match{{Rule: "obscenity.x", Label: "obscenity", Action: moderation.Delete}}}
	cases := []struct {
		name   string
		rules  moderation.Result
		text   string
		author moderation.Author
		want   moderation.Verdict
		rule   string // the last match's rule
	}{
		{"model deletes what the rules allow", moderation.Result{}, "ты чмо", moderation.Author{}, moderation.Delete, "model.toxic"},
		{"model sends spam to review", moderation.Result{}, "казино тут", moderation.Author{}, moderation.Review, "model.spam"},
		{"low score keeps a toxic-only review", insult, "ну и ладно", moderation.Author{}, moderation.Allow, "model.toxic.keep"},
		{"low toxic score does not keep a spam review", spamReview, "ну и ладно", moderation.Author{}, moderation.Review, "spam.x"},
		{"a rules delete is never lowered", mat, "ну и ладно", moderation.Author{}, moderation.Delete, "obscenity.x"},
		{"high score upgrades a review to delete", insult, "ты чмо", moderation.Author{}, moderation.Delete, "model.toxic"},
		{"exempt authors are not scored", moderation.Result{}, "ты чмо", moderation.Author{IsPage: true}, moderation.Allow, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := &Evaluator{Rules: fixedRules{c.rules}, Model: m, Policies: pol}
			var out moderation.Result
			e.Evaluate(&moderation.Comment{Text: c.text, Author: c.author}, nil, &out)
			if out.Verdict != c.want {
				t.Errorf("verdict %v, want %v (%+v)", out.Verdict, c.want, out.Matches)
			}
			last := ""
			if n := len(out.Matches); n > 0 {
				last = out.Matches[n-1].Rule
			}
			if last != c.rule {
				t.Errorf("last match %q, want %q", last, c.rule)
			}
		})
	}
}

func TestPolicy_Validate(t *testing.T) {
	for _, c := range []struct {
		p  Policy
		ok bool
	}{
		{Policy{Label: "toxic", Review: 0.5, Delete: 0.95, Keep: 0.1}, true},
		{Policy{Label: "toxic"}, true},
		{Policy{Label: "toxic", Review: 0.9, Delete: 0.5}, false},
		{Policy{Label: "toxic", Review: 0.3, Keep: 0.5}, false},
		{Policy{Label: "toxic", Delete: 1}, false},
	} {
		if err := c.p.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v: %v, want ok %v", c.p, err, c.ok)
		}
	}
}

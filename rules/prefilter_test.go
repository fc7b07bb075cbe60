package rules

import (
	"testing"

	"github.com/strazh/strazh/moderation"
)

// TestEngine_Prefilter_NeverSkipsAMatch evaluates every rule the prefilter
// would skip, over the corpus and the rules' own examples: none may hold.
func TestEngine_Prefilter_NeverSkipsAMatch(t *testing.T) {
	e := builtin(t)
	texts := corpusTexts(t)
	for _, r := range e.all {
		for _, x := range append(r.examples.match, r.examples.noMatch...) {
			texts = append(texts, x.src)
		}
	}
	s := e.newState()
	needs := 0
	for _, r := range e.rules {
		if r.needOK {
			needs++
		}
	}
	if needs < len(e.rules)/2 {
		t.Errorf("only %d of %d rules have a need", needs, len(e.rules))
	}
	alls := 0
	for _, r := range e.rules {
		if popcount(r.needAll) >= 2 {
			alls++
		}
	}
	if alls == 0 {
		t.Error("no rule needs two bits at once (near, all of two lexicons)")
	}
	for _, text := range texts {
		c := &moderation.Comment{Text: text}
		var res moderation.Result
		s.prepare(c, nil, &res)
		has := s.present()
		for _, r := range e.rules {
			if r.skipped(has) && r.cond.eval(s) {
				t.Fatalf("rule %s holds on %q but the prefilter skips it", r.id, text)
			}
		}
	}
}

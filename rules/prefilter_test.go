package rules

import (
	"fmt"
	"math/rand/v2"
	"strings"
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

// TestEngine_Evaluate_OneAllocation: a comment that several rules with
// {{match}} reasons fire on, and that the model scores, costs at most one
// allocation (its reasons share one string), and each reason still shows
// its own match.
func TestEngine_Evaluate_OneAllocation(t *testing.T) {
	e := builtin(t)
	for _, text := range []string{
		"Ну ты и дурак, сука, мразь конченая",
		"Заработок от 5000 в день без вложений, пиши в телеграм @dengi_bystro, звони +7 912 345-67-89",
	} {
		c := &moderation.Comment{Text: text}
		var res moderation.Result
		e.Evaluate(c, nil, &res) // warm the pool and the slices
		dynamic := 0
		for _, m := range res.Matches {
			if m.Matched != "" && strings.Contains(m.Reason, m.Matched) {
				dynamic++
			}
		}
		if dynamic < 2 || res.Verdict == moderation.Allow {
			t.Fatalf("%q: %d reasons with their match (%+v); the test needs two", text, dynamic, res.Matches)
		}
		if raceEnabled {
			continue // the race detector's sync.Pool drops states on purpose
		}
		allocs := testing.AllocsPerRun(50, func() {
			res.Reset()
			e.Evaluate(c, nil, &res)
		})
		if allocs > 1 {
			t.Errorf("%q: %v allocations per comment, want at most 1", text, allocs)
		}
	}
}

// More lexicons than gate bits: every rule keeps a gate (the shipped packs
// have more than 62 lexicons), the ones past the bits share them, and a
// rule still fires on its own lexicon only. A lexicon no gate reads takes
// no bit.
func TestEngine_Prefilter_LexiconsPastTheBits(t *testing.T) {
	letters := []rune("абвгдежзиклнопрсуфхцчшэюя") // no т: no letter doubles (doubles collapse)
	word := func(i int) string {
		return "к" + string(letters[i/len(letters)]) + "т" + string(letters[i%len(letters)]) + "м"
	}
	yml := "lexicons:\n"
	for i := range 72 {
		yml += fmt.Sprintf("  l%d: [%q]\n", i, word(i))
	}
	yml += "rules:\n"
	for i := range 70 {
		// l70 is read only after the gate (a second condition), l71 by nothing
		yml += fmt.Sprintf("  - id: r%d\n    action: review\n    when: {all: [{lexicon: l%d}, {not: {lexicon: l70}}]}\n", i, i)
	}
	e := compile(t, yml, Config{Builtin: "none"})
	for _, r := range e.rules {
		if !r.needOK || popcount(r.need) != 1 {
			t.Errorf("rule %s: need %b ok %v, want one bit", r.id, r.need, r.needOK)
		}
	}
	if e.lexBit[70] != 0 || e.lexBit[71] != 0 {
		t.Errorf("lexicons no gate reads have bits %b %b", e.lexBit[70], e.lexBit[71])
	}
	for _, i := range []int{0, 7, 61, 62, 69} {
		res := eval(e, word(i))
		if len(res.Matches) != 1 || res.Matches[0].Rule != fmt.Sprintf("r%d", i) {
			t.Errorf("%q: rules %+v, want r%d alone", word(i), res.Matches, i)
		}
	}
	if res := eval(e, word(71)); len(res.Matches) != 0 {
		t.Errorf("%q: rules %+v, want none", word(71), res.Matches)
	}
}

// TestGateSets_Fill_HoldsEveryRuleThatPasses: the rules Evaluate looks at
// (gateSets.fill) must include every rule whose gate passes, for the
// shipped rules and random gates over more than one word of rules, on
// random sets of bits (sparse, as comments have them, and dense).
func TestGateSets_Fill_HoldsEveryRuleThatPasses(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	sparse := func() uint64 {
		var b uint64
		for range r.IntN(6) {
			b |= 1 << r.IntN(64)
		}
		return b
	}
	gatesets := [][]ruleGate{builtin(t).gates}
	for range 20 {
		gs := make([]ruleGate, 1+r.IntN(200))
		for i := range gs {
			switch r.IntN(4) {
			case 0: // no gate
			case 1:
				gs[i] = ruleGate{need: sparse(), needOK: true}
			case 2:
				gs[i] = ruleGate{needAll: sparse()}
			default:
				gs[i] = ruleGate{need: sparse(), needOK: true, needAll: sparse()}
			}
		}
		gatesets = append(gatesets, gs)
	}
	for _, gs := range gatesets {
		sets := setsOf(gs)
		dst := make([]uint64, sets.words)
		for k := range 2000 {
			has := sparse()
			if k%10 == 0 {
				has = r.Uint64()
			}
			sets.fill(dst, has)
			for i, g := range gs {
				if !g.skipped(has) && dst[i>>6]&(1<<(i&63)) == 0 {
					t.Fatalf("%d gates, bits %#x: rule %d (%+v) passes its gate but is not looked at", len(gs), has, i, g)
				}
			}
		}
	}
}

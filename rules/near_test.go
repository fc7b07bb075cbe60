package rules

import (
	"testing"

	"github.com/strazh/strazh/moderation"
)

// near is the condition the threat constructions are built on: lexicon hits
// in order, at most gap words apart, exceptions respected.
func TestEngine_Evaluate_Near(t *testing.T) {
	e := compile(t, `
pack: t
lexicons:
  modal: ["надо", "пора", "!не надо"]
  verb: ["расстрел*"]
  target: ["их", "чиновник*"]
rules:
  - id: t.near
    label: threat
    when:
      near: [modal, target, verb]
      gap: 1
`, Config{Builtin: "none"})
	tests := []struct {
		text string
		want bool
	}{
		{"надо их расстрелять", true},
		{"пора всех чиновников расстреливать", true}, // one word (всех) between модаль and target
		{"их надо расстрелять", false},               // wrong order
		{"надо бы всех их расстрелять", false},       // two words between: over the gap
		{"не надо их расстреливать", false},          // the exception drops the modal hit
		{"надо их", false},                           // no verb
		{"расстрелять их надо", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r := eval(e, tt.text)
			if got := len(r.Matches) > 0; got != tt.want {
				t.Fatalf("near on %q = %v, want %v (%+v)", tt.text, got, tt.want, r.Matches)
			}
			if tt.want && r.Matches[0].Matched == "" {
				t.Fatalf("near on %q: empty match", tt.text)
			}
		})
	}
}

func TestLoad_Errors_Near(t *testing.T) {
	for _, yml := range []string{
		"pack: t\nlexicons: {a: [x]}\nrules:\n  - id: t.a\n    when: {near: [a]}\n",
		"pack: t\nlexicons: {a: [x]}\nrules:\n  - id: t.a\n    when: {near: [a, nosuch]}\n",
		"pack: t\nlexicons: {a: [x], b: [y]}\nrules:\n  - id: t.a\n    when: {near: [a, b], gap: -1}\n",
	} {
		if _, err := compileSources([]source{{name: "test.yaml", data: []byte(yml)}}, Config{Builtin: "none"}); err == nil {
			t.Errorf("no error for %q", yml)
		}
	}
}

// TestState_Near_AgreesWithFullWalk: near gives up at once when a lexicon
// of the chain has no live hit; on the corpus and the rules' examples it
// must answer every shipped near condition as the walk over all hits does.
func TestState_Near_AgreesWithFullWalk(t *testing.T) {
	e := builtin(t)
	var nears []*cond
	var walk func(c *cond)
	walk = func(c *cond) {
		if c.kind == cNear {
			nears = append(nears, c)
		}
		for _, k := range c.kids {
			walk(k)
		}
	}
	texts := corpusTexts(t)
	for _, r := range e.all {
		if r.cond != nil {
			walk(r.cond)
		}
		for _, x := range append(r.examples.match, r.examples.noMatch...) {
			texts = append(texts, x.src)
		}
	}
	if len(nears) == 0 {
		t.Skip("no near condition in the shipped packs")
	}
	full := func(s *state, lex []int32, gap int) bool {
		for i := range s.hits {
			h := &s.hits[i]
			if h.dead || h.t.lex != lex[0] {
				continue
			}
			if _, ok := s.nearFrom(h, lex[1:], gap); ok {
				return true
			}
		}
		return false
	}
	s := e.newState()
	held := 0
	for _, text := range texts {
		var res moderation.Result
		s.prepare(&moderation.Comment{Text: text}, nil, &res)
		for _, c := range nears {
			s.match.ok = false
			got, want := s.near(c.lex, c.n), full(s, c.lex, c.n)
			if got != want {
				t.Fatalf("%q: near %v, the full walk %v", text, got, want)
			}
			if got {
				held++
			}
		}
	}
	if held == 0 {
		t.Error("no near condition held on any text: the test checks nothing")
	}
}

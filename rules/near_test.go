package rules

import "testing"

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

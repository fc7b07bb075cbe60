package rules

import (
	"strings"
	"sync"
	"testing"

	"github.com/strazh/strazh/moderation"
)

var (
	builtinOnce sync.Once
	builtinEng  *Engine
	builtinErr  error
)

func builtinEngine(tb testing.TB) *Engine {
	builtinOnce.Do(func() { builtinEng, builtinErr = Load(DefaultConfig(), "") })
	if builtinErr != nil {
		tb.Fatal(builtinErr)
	}
	return builtinEng
}

// FuzzEngine_Evaluate: the builtin packs judge any comment without
// panicking, the same way twice, naming only rules they have.
func FuzzEngine_Evaluate(f *testing.F) {
	e := builtinEngine(f)
	known := make(map[string]bool)
	for _, r := range e.Rules() {
		known[r.ID] = true
	}
	var a, b moderation.Result
	f.Fuzz(func(t *testing.T, text, author string) {
		c := &moderation.Comment{Text: text, Account: "city", Author: moderation.Author{ID: "1", Name: author}}
		e.Evaluate(c, nil, &a)
		e.Evaluate(c, nil, &b)
		if a.Verdict != b.Verdict || len(a.Matches) != len(b.Matches) {
			t.Fatalf("two verdicts for one comment: %v %v", a.Verdict, b.Verdict)
		}
		if _, err := moderation.ParseVerdict(a.Verdict.String()); err != nil {
			t.Fatalf("verdict %v", a.Verdict)
		}
		for _, m := range a.Matches {
			if !known[m.Rule] && !strings.HasPrefix(m.Rule, "model.") { // the learned model's own
				t.Fatalf("match of unknown rule %q", m.Rule)
			}
		}
	})
}

// FuzzLoad: any rule file either compiles into an engine that evaluates,
// or fails with an error naming the file; it never panics, and the error
// never quotes much of the file (defect 8).
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.yaml"
		e, err := compileSources([]source{{name: name, data: data}}, Config{Builtin: "none"})
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error without the file's name: %v", err)
			}
			return
		}
		var res moderation.Result
		e.Evaluate(&moderation.Comment{Text: "проверка текста http://x.example дурак"}, nil, &res)
	})
}

package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/rules"
)

// The demo's comments get the verdicts its script expects, judged in order
// with the page's history as the daemon keeps it: residents asking the same
// question stay, the advertising goes (issue 8).
func TestDemoScript_Verdicts(t *testing.T) {
	script, err := parseDemoScript(demoScript)
	if err != nil {
		t.Fatal(err)
	}
	e, err := rules.Load(rules.DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	h := pipeline.NewMemoryHistory(30 * 24 * time.Hour)
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for i, l := range script {
		c := moderation.Comment{Account: "admin-sim", Text: l.text, Created: at.Add(time.Duration(i) * time.Minute),
			Author: moderation.Author{ID: fmt.Sprint(l.author), Name: l.name}}
		var res moderation.Result
		e.Evaluate(&c, h, &res)
		h.Record(&c, res.Fingerprint, res.Verdict >= moderation.Delete)
		if res.Verdict != l.expect {
			t.Errorf("line %d %q: %v, want %v: %+v", i+1, l.text, res.Verdict, l.expect, res.Matches)
		}
	}
}

func TestParseDemoScript_Errors(t *testing.T) {
	for _, bad := range []string{"101|Имя|wall|-|текст", "101|Имя|wall|maybe|-|текст", "x|Имя|wall|allow|-|текст"} {
		if _, err := parseDemoScript(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

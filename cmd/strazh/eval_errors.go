package main

import (
	"bufio"
	"encoding/json"
	"slices"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/eval"
)

// errorWriter writes the rows `strazh eval -errors` judged wrong: a row
// positive for a label in its scope that no rule flagged for it (a miss),
// or a row negative for every label in its scope that was not allowed.
type errorWriter struct {
	w   *bufio.Writer
	err error
}

// errorRow is one line of the -errors file.
type errorRow struct {
	File    string             `json:"file"`
	Kind    string             `json:"kind"` // "missed" or "flagged_clean"
	Text    string             `json:"text"`
	Labels  []string           `json:"labels"`
	Verdict string             `json:"verdict"`
	Rules   []string           `json:"rules"`
	Scores  []moderation.Score `json:"scores,omitempty"`
}

// toxicKinds are what the toxic umbrella covers (as the harness scores it).
var toxicKinds = []string{"toxic", "obscenity", "insult", "threat"}

func (e *errorWriter) row(file string, r eval.Row, res *moderation.Result) {
	if e.err != nil {
		return
	}
	kind := ""
	inScope := slices.ContainsFunc(r.Labels, func(l string) bool { return slices.Contains(r.Scope, l) })
	switch {
	case inScope:
		for _, l := range r.Labels {
			if slices.Contains(r.Scope, l) && (res.Verdict == moderation.Allow || !flagsScope(res, []string{l})) {
				kind = "missed"
			}
		}
	case len(r.Labels) == 0 && res.Verdict != moderation.Allow && flagsScope(res, r.Scope):
		kind = "flagged_clean"
	}
	if kind == "" {
		return
	}
	out := errorRow{File: file, Kind: kind, Text: r.Text, Labels: r.Labels, Verdict: res.Verdict.String()}
	out.Scores = res.Scores
	for _, m := range res.Matches {
		if m.Rule != "model.score" {
			out.Rules = append(out.Rules, m.Rule)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		e.err = err
		return
	}
	_, e.err = e.w.Write(append(b, '\n'))
}

// flagsScope: the result flags one of the scope's labels (toxic as the
// umbrella), as the harness counts a false positive.
func flagsScope(res *moderation.Result, scope []string) bool {
	for _, l := range scope {
		want := []string{l}
		if l == "toxic" {
			want = toxicKinds
		}
		if slices.ContainsFunc(want, func(w string) bool { return slices.Contains(res.Labels, w) }) {
			return true
		}
	}
	return false
}

func (e *errorWriter) flush() error {
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

package model

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ReadExamples reads the corpus format, one JSON object per line:
// {"text": "…", "labels": […], "scope": […], "weight": 1}. name is shown in
// errors ("FILE:LINE: …"). Blank lines are skipped; a row without scope
// gets its labels as scope (it says nothing about other labels).
func ReadExamples(r io.Reader, name string) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	var out []Example
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if strings.TrimSpace(string(b)) == "" {
			continue
		}
		var rec struct {
			Text   *string  `json:"text"`
			Labels []string `json:"labels"`
			Scope  []string `json:"scope"`
			Weight float64  `json:"weight"`
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if rec.Text == nil {
			return nil, fmt.Errorf("%s:%d: no \"text\"", name, line)
		}
		if rec.Weight < 0 {
			return nil, fmt.Errorf("%s:%d: negative weight %g", name, line, rec.Weight)
		}
		if rec.Scope == nil {
			rec.Scope = rec.Labels
		}
		out = append(out, Example{Text: *rec.Text, Labels: rec.Labels, Scope: rec.Scope, Weight: rec.Weight})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

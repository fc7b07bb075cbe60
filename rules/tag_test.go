package rules

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

const tagYAML = `
rules:
  - id: allowlist
    action: allow
    priority: 100
    stop: true
    when: {words: ["белый список"]}
  - id: bad
    label: rude
    action: delete
    escalate: {after: 1, within: 30d, action: ban}
    when: {words: ["плох*"]}
  - id: appeals.roads
    label: appeal
    action: tag
    priority: 200
    reason: "обращение: дороги"
    when: {words: ["яма", "ямы"]}
  - id: appeals.other
    label: appeal
    action: tag
    reason: "обращение"
    when: {words: ["когда"]}
`

// A tag records its match and label and changes nothing else: not the
// verdict, not the other rules (even those it outranks), not a stop.
func TestEngine_Evaluate_Tag(t *testing.T) {
	e := compile(t, tagYAML, Config{Builtin: "none"})
	tests := []struct {
		name    string
		text    string
		h       moderation.History
		verdict moderation.Verdict
		rules   []string
		labels  []string
	}{
		{name: "tag alone stays allowed", text: "когда засыпят ямы", verdict: moderation.Allow,
			rules: []string{"appeals.roads", "appeals.other"}, labels: []string{"appeal"}},
		{name: "tag beside a delete: the delete and its label come first", text: "яма, плохо всё", verdict: moderation.Delete,
			rules: []string{"bad", "appeals.roads"}, labels: []string{"rude", "appeal"}},
		{name: "the other rule still escalates", text: "яма, плохо всё", h: fakeHistory{violations: 1, known: true}, verdict: moderation.Ban,
			rules: []string{"bad", "appeals.roads"}, labels: []string{"rude", "appeal"}},
		{name: "a stop stops deciding, not tagging", text: "белый список: когда ямы засыплют, плохо", verdict: moderation.Allow,
			rules: []string{"allowlist", "appeals.roads", "appeals.other"}, labels: []string{"appeal"}},
		{name: "nothing", text: "хорошая погода", verdict: moderation.Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &moderation.Comment{Text: tt.text, Account: "city", Author: moderation.Author{ID: "42"}, Created: time.Now()}
			var res moderation.Result
			e.Evaluate(c, tt.h, &res)
			var got []string
			for _, m := range res.Matches {
				got = append(got, m.Rule)
				if m.Label == moderation.LabelAppeal && m.Action != moderation.Allow {
					t.Errorf("tag match %s has action %s, want allow", m.Rule, m.Action)
				}
			}
			if res.Verdict != tt.verdict || !slices.Equal(got, tt.rules) || !slices.Equal(res.Labels, tt.labels) {
				t.Errorf("got %s %v %v, want %s %v %v", res.Verdict, got, res.Labels, tt.verdict, tt.rules, tt.labels)
			}
			if res.Urgent {
				t.Error("urgent")
			}
		})
	}
	for _, ri := range e.Rules() {
		if strings.HasPrefix(ri.ID, "appeals.") && ri.Action != ActionTag {
			t.Errorf("RuleInfo %s action %q, want tag", ri.ID, ri.Action)
		}
	}
}

// A tag rule with a key only a verdict uses is a mistake in the file.
func TestLoad_Errors_Tag(t *testing.T) {
	for _, key := range []string{"stop: true", "urgent: true", "ban_for: 7d", "ban_scope: district", "escalate: {after: 1, action: ban}"} {
		t.Run(key, func(t *testing.T) {
			yml := "rules:\n  - id: a\n    action: tag\n    " + key + "\n    when: {link: true}\n"
			_, err := compileSources([]source{{name: "test.yaml", data: []byte(yml)}}, Config{Builtin: "none"})
			if err == nil || !strings.Contains(err.Error(), "action: tag") || !strings.Contains(err.Error(), "test.yaml:2:") {
				t.Errorf("error %v, want one naming test.yaml:2 and action: tag", err)
			}
		})
	}
	yml := "rules:\n  - id: a\n    action: tag\n    escalate: {action: tag}\n    when: {link: true}\n"
	if _, err := compileSources([]source{{name: "test.yaml", data: []byte(yml)}}, Config{Builtin: "none"}); err == nil || !strings.Contains(err.Error(), "escalate.action") {
		t.Errorf("escalate to tag: error %v", err)
	}
}

// rules.actions can make a rule a tag and a tag a verdict.
func TestLoad_Config_ActionTag(t *testing.T) {
	e := compile(t, tagYAML, Config{Builtin: "none", Actions: map[string]string{"bad": "tag", "appeals.other": "review"}})
	res := eval(e, "когда? плохо")
	if res.Verdict != moderation.Review || !slices.Equal(res.Labels, []string{"appeal", "rude"}) {
		t.Errorf("got %s %v, want review [appeal rude]", res.Verdict, res.Labels)
	}
}

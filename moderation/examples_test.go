package moderation

import (
	"reflect"
	"testing"
	"time"
)

func TestExampleFromDecision_Mapping(t *testing.T) {
	at := time.Unix(1_700_000_000, 0)
	comment := Comment{ID: "vk:city:1", Account: "city", Text: "какой-то текст"}
	reviewed := func(v Verdict, by string, matches ...Match) *Decision {
		return &Decision{ID: 7, Comment: comment, Verdict: Review, Matches: matches,
			Review: &ReviewState{Status: ReviewDecided, Verdict: v, By: by, At: at}}
	}
	insult := Match{Rule: "insults.personal", Label: "insult", Action: Review}
	mat := Match{Rule: "obscenity.mat", Label: "obscenity", Action: Delete}
	spam := Match{Rule: "spam.earnings", Label: "spam", Action: Review}
	whitelist := Match{Rule: "page.thanks", Label: "thanks", Action: Allow}
	confirm := Match{Rule: "model.confirm.toxic", Label: "toxic", Action: Delete}
	appeal := Match{Rule: "appeals.water", Label: LabelAppeal, Action: Allow}
	cases := []struct {
		name          string
		d             *Decision
		ok            bool
		labels, scope []string
		verdict       Verdict
	}{
		{"delete of an insult is toxic", reviewed(Delete, "telegram:1", insult), true, []string{"toxic"}, []string{"toxic"}, Delete},
		{"ban of spam is spam", reviewed(Ban, "telegram:1", spam), true, []string{"spam"}, []string{"spam"}, Ban},
		{"delete of both is positive for both", reviewed(Delete, "cli:anna", insult, spam), true, []string{"spam", "toxic"}, []string{"spam", "toxic"}, Delete},
		{"keep is negative for what was suspected", reviewed(Allow, "telegram:1", insult), true, nil, []string{"toxic"}, Allow},
		{"keep of an unsuspected review is clean for toxic and spam", reviewed(Allow, "telegram:1"), true, nil, []string{"spam", "toxic"}, Allow},
		{"an allow rule suspects nothing", reviewed(Allow, "telegram:1", whitelist, spam), true, nil, []string{"spam"}, Allow},
		{"timeout is not a human", reviewed(Allow, ByTimeout, insult), false, nil, nil, 0},
		{"a review closed by the author's edit is not a human's", reviewed(Allow, ByEdit, insult), false, nil, nil, 0},
		{"a review closed by a deletion on the network is no moderator's", reviewed(Delete, ByNetwork, insult), false, nil, nil, 0},
		{"delete with nothing suspected has no label", reviewed(Delete, "telegram:1"), false, nil, nil, 0},
		{"pending review is not an example", &Decision{ID: 7, Comment: comment, Matches: []Match{insult}, Review: &ReviewState{Status: ReviewPending}}, false, nil, nil, 0},
		{"untouched automatic delete is not an example", &Decision{ID: 7, Comment: comment, Verdict: Delete, Matches: []Match{mat}, DecidedBy: ByAuto}, false, nil, nil, 0},
		{"a delete the page's model confirmed is positive", &Decision{ID: 7, Comment: comment, Verdict: Delete, Matches: []Match{insult, confirm}, DecidedBy: ByAuto,
			DecidedAt: at}, true, []string{"toxic"}, []string{"toxic"}, Delete},
		{"its undo is negative", &Decision{ID: 7, Comment: comment, Verdict: Delete, Matches: []Match{insult, confirm}, DecidedBy: ByAuto,
			DecidedAt: at, UndoneBy: "telegram:1", UndoneAt: at}, true, nil, []string{"toxic"}, Allow},
		{"a dry-run confirm is not an example: nobody could restore it", &Decision{ID: 7, Comment: comment, Verdict: Delete, Matches: []Match{insult, confirm}, DecidedBy: ByAuto,
			DecidedAt: at, DryRun: true}, false, nil, nil, 0},
		{"undo of an automatic delete is negative", &Decision{ID: 7, Comment: comment, Verdict: Delete, Matches: []Match{mat}, DecidedBy: ByAuto,
			UndoneBy: "telegram:1", UndoneAt: at}, true, nil, []string{"toxic"}, Allow},
		{"undo of a human's delete is negative", func() *Decision {
			d := reviewed(Delete, "telegram:1", spam)
			d.UndoneBy, d.UndoneAt = "telegram:2", at
			return d
		}(), true, nil, []string{"spam"}, Allow},
		{"an appeal tag is no suspicion: the delete of an insulting appeal is toxic only", func() *Decision {
			d := reviewed(Delete, "telegram:1", insult, appeal)
			d.Labels = []string{"insult", LabelAppeal}
			return d
		}(), true, []string{"toxic"}, []string{"toxic"}, Delete},
		{"a kept review that only an appeal tag labelled is clean for toxic and spam", func() *Decision {
			d := reviewed(Allow, "telegram:1", Match{Rule: "engine.error", Action: Review}, appeal)
			d.Labels = []string{LabelAppeal}
			return d
		}(), true, nil, []string{"spam", "toxic"}, Allow},
		{"undo of a мат delete of an appeal is negative for toxic only", &Decision{ID: 7, Comment: comment, Verdict: Delete, Labels: []string{"obscenity", LabelAppeal},
			Matches: []Match{mat, appeal}, DecidedBy: ByAuto, UndoneBy: "telegram:1", UndoneAt: at}, true, nil, []string{"toxic"}, Allow},
		{"exempt author is not an example", &Decision{ID: 7, Comment: Comment{Text: "x", Author: Author{IsManager: true}}, Matches: []Match{insult},
			Review: &ReviewState{Status: ReviewDecided, Verdict: Delete, By: "telegram:1"}}, false, nil, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ex, ok := ExampleFromDecision(c.d)
			if ok != c.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, c.ok, ex)
			}
			if !ok {
				return
			}
			if !reflect.DeepEqual(ex.Labels, c.labels) || !reflect.DeepEqual(ex.Scope, c.scope) || ex.Verdict != c.verdict {
				t.Errorf("got labels %v scope %v verdict %v, want %v %v %v", ex.Labels, ex.Scope, ex.Verdict, c.labels, c.scope, c.verdict)
			}
			if ex.DecisionID != 7 || ex.Text != c.d.Comment.Text || ex.By == "" || !ex.At.Equal(at) {
				t.Errorf("provenance lost: %+v", ex)
			}
		})
	}
}

func TestModelLabel_Umbrella(t *testing.T) {
	for in, want := range map[string]string{"obscenity": "toxic", "insult": "toxic", "threat": "toxic", "toxic": "toxic",
		"spam": "spam", "illegal": "illegal", "": ""} {
		if got := ModelLabel(in); got != want {
			t.Errorf("ModelLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// The learner measures what the rules asked and what the model alone
// asked apart (the model alone asks for much that is kept): ByModel says
// which a decision was.
func TestExampleFromDecision_ByModel(t *testing.T) {
	comment := Comment{ID: "vk:city:1", Account: "city", Text: "какой-то текст"}
	cases := []struct {
		name    string
		matches []Match
		want    bool
	}{
		{"only the model's review", []Match{{Rule: "model.toxic", Label: "toxic", Action: Review}, {Rule: "model.score", Action: Allow}}, true},
		{"a rule's review beside the model's", []Match{{Rule: "insults.personal", Label: "insult", Action: Review}, {Rule: "model.toxic", Label: "toxic", Action: Review}}, false},
		{"a rule's review alone", []Match{{Rule: "insults.personal", Label: "insult", Action: Review}}, false},
		{"nothing asked", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := &Decision{ID: 7, Comment: comment, Verdict: Review, Matches: c.matches,
				Review: &ReviewState{Status: ReviewDecided, Verdict: Allow, By: "telegram:1"}}
			ex, ok := ExampleFromDecision(d)
			if !ok {
				t.Fatal("not an example")
			}
			if ex.ByModel != c.want {
				t.Errorf("ByModel %v, want %v", ex.ByModel, c.want)
			}
		})
	}
}

package learn

import (
	"slices"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// gadRules reviews every comment with "гад" as an insult.
type gadRules struct{}

func (gadRules) Evaluate(c *moderation.Comment, _ moderation.History, out *moderation.Result) {
	if strings.Contains(c.Text, "гад") {
		out.Verdict = moderation.Review
		out.Labels = append(out.Labels, "insult")
		out.Matches = append(out.Matches, moderation.Match{Rule: "insults.gad", Label: "insult", Action: moderation.Review})
	}
}

// modelRules is gadRules with model conditions, as a rule engine asking a
// model: review from 0.5, delete from 0.85 (an opted-in delete).
type modelRules struct{ m Model }

func (e modelRules) Evaluate(c *moderation.Comment, h moderation.History, out *moderation.Result) {
	gadRules{}.Evaluate(c, h, out)
	if e.m == nil || out.Verdict >= moderation.Delete {
		return
	}
	switch s := e.m.Score("toxic", c.Text); {
	case s >= 0.85:
		out.Verdict = moderation.Delete
		out.Matches = append(out.Matches, moderation.Match{Rule: "model.delete.toxic", Label: "toxic", Action: moderation.Delete})
	case s >= 0.5:
		out.Verdict = moderation.Review
		out.Matches = append(out.Matches, moderation.Match{Rule: "model.toxic", Label: "toxic", Action: moderation.Review})
	}
}

func bindModelRules(m Model, _ moderation.ModelVersion) (moderation.Evaluator, error) {
	return modelRules{m}, nil
}

// replayRows: the first half teaches (a reviewed insult next to the page's
// own word "чмо"), the second half has "чмо" alone, which no rule knows.
func replayRows() []Row {
	var rows []Row
	tox := []string{"toxic"}
	for i := range 40 {
		if i%2 == 0 {
			rows = append(rows, Row{Text: "гад чмо", Labels: tox, Scope: tox})
		} else {
			rows = append(rows, Row{Text: "гад, но по делу", Scope: tox})
		}
	}
	for i := range 40 {
		if i%2 == 0 {
			rows = append(rows, Row{Text: "опять чмо", Labels: tox, Scope: tox})
		} else {
			rows = append(rows, Row{Text: "спасибо за парк", Scope: tox})
		}
	}
	return rows
}

func TestReplay_LearnCutsMissesOnTheRest(t *testing.T) {
	tr := &wordTrainer{}
	o := ReplayOptions{Engine: modelRules{tr.Base()}, Trainer: tr, Bind: bindModelRules, Window: 40,
		Config: Config{After: 10, MinExamples: 10}}
	rulesAlone, err := Replay(replayRows(), ReplayOptions{Engine: gadRules{}, Window: 40})
	if err != nil {
		t.Fatal(err)
	}
	o.Learn = false
	static, err := Replay(replayRows(), o)
	if err != nil {
		t.Fatal(err)
	}
	o.Learn = true
	learned, err := Replay(replayRows(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := rulesAlone.Windows[1].Missed.Toxic; got != 20 {
		t.Fatalf("rules alone missed %d in the second half, want all 20", got)
	}
	if got := static.Windows[1].Missed.Toxic; got != 20 {
		t.Errorf("the model without learning missed %d, want 20 (it never heard of the word)", got)
	}
	if got := learned.Windows[1]; got.Missed.Toxic != 0 || got.CleanDeleted != 0 || got.Reviewed != 0 || got.Learned != learned.Total.Reviewed {
		t.Errorf("with learning the second half is %+v; want no misses, reviews or clean deleted, every review learned", got)
	}
	if rulesAlone.Total.Reviewed != 40 || learned.Total.Reviewed >= 40 {
		t.Errorf("reviews: rules alone %d, learning %d; the model should take over the page's own insult", rulesAlone.Total.Reviewed, learned.Total.Reviewed)
	}
	if len(learned.Versions) == 0 || !learned.Versions[0].WentLive {
		t.Errorf("versions %+v", learned.Versions)
	}
}

func TestReplay_ExamplesStayInTheRowsScope(t *testing.T) {
	spamOnly := []string{"spam"}
	rows := []Row{{Text: "гад", Scope: spamOnly}, {Text: "гад гад", Labels: []string{"toxic"}, Scope: []string{"toxic"}}}
	rep, err := Replay(rows, ReplayOptions{Engine: gadRules{}, Trainer: &wordTrainer{}, Bind: bindModelRules, Learn: true, Config: Config{After: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Learned != 1 {
		t.Errorf("learned %d; the spam-only row says nothing about an insult, want 1", rep.Total.Learned)
	}
}

// confirmRules deletes every "гад" as the page's model confirming a rule's
// review would (model.confirm.toxic beside the rule's review).
type confirmRules struct{}

func (confirmRules) Evaluate(c *moderation.Comment, h moderation.History, out *moderation.Result) {
	gadRules{}.Evaluate(c, h, out)
	if out.Verdict == moderation.Review {
		out.Verdict = moderation.Delete
		out.Matches = append(out.Matches, moderation.Match{Rule: "model.confirm.toxic", Label: "toxic", Action: moderation.Delete})
	}
}

// As in production (the pipeline hands a confirmed delete to the
// learner), a confirmed delete nobody restores is an example (a positive,
// TestExampleFromDecision_Mapping) and a clean one the moderator restores
// another (the negative): one each, deleted clean only when it was clean.
func TestReplay_ConfirmedDeletesAreExamples(t *testing.T) {
	tox := []string{"toxic"}
	rows := []Row{{Text: "гад чмо", Labels: tox, Scope: tox}, {Text: "гад, но по делу", Scope: tox}}
	bind := func(Model, moderation.ModelVersion) (moderation.Evaluator, error) { return confirmRules{}, nil }
	tr := &wordTrainer{}
	rep, err := Replay(rows, ReplayOptions{Engine: confirmRules{}, Trainer: tr, Bind: bind, Learn: true,
		Config: Config{After: 2, MinExamples: 2}})
	if err != nil {
		t.Fatal(err)
	}
	// learned counts the moderator's decisions only (the restore); the
	// refit still sees both examples.
	if rep.Total.Learned != 1 || rep.Total.CleanDeleted != 1 || rep.Total.Reviewed != 0 || rep.Total.Missed.Toxic != 0 {
		t.Errorf("total %+v; want 1 learned (the restore), 1 clean deleted, no review, no miss", rep.Total)
	}
	if !slices.Contains(tr.sizes, 2) {
		t.Errorf("refits saw %v page examples; want one with 2 (the confirmed delete and the restore)", tr.sizes)
	}
}

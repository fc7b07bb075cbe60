package rules

import (
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
)

// payingBudget is a fakeBudget that says whether the model's own reviews
// pay off on the page.
type payingBudget struct {
	fakeBudget
	pays bool
}

func (b *payingBudget) PaysOff() bool { return b.pays }

// The model's own rule asks only from 0.999 here, so what it does not
// send shows what the page ask adds.
const askRules = `
pack: t
rules:
  - id: t.fool
    label: insult
    action: review
    reason: "дурак"
    when: {regex: "дурак"}
  - id: model.rude
    label: toxic
    action: review
    reason: "модель"
    when: {model: {label: toxic, min: 0.999}}
`

const askRulesNoModel = `
pack: t
rules:
  - id: t.fool
    label: insult
    action: review
    reason: "дурак"
    when: {regex: "дурак"}
`

// On a page whose moderator removes most of what the model alone sends, a
// short comment nothing flagged goes to review from the page model's 0.6
// (model.page.toxic); nowhere else does anything change.
func TestEngine_WithPage_ShortAsk(t *testing.T) {
	base, page := pageModels(t)
	const short, long = "заткнись, урод", "заткнись, урод, и не пиши сюда больше никогда, понял"
	if s := page.Score("toxic", short); s < 0.6 || s >= 0.999 {
		t.Fatalf("the page model scores the short text %.3f; the test needs 0.6..0.999", s)
	}
	if s := page.Score("toxic", long); s < 0.6 || s >= 0.999 {
		t.Fatalf("the page model scores the long text %.3f; the test needs 0.6..0.999", s)
	}
	cases := []struct {
		name   string
		rules  string
		m      *model.Model
		b      ReviewBudget
		author moderation.Author
		text   string
		want   moderation.Verdict
		asked  bool // model.page.toxic among the matches
	}{
		{"short, the model's reviews pay off: review", askRules, page, &payingBudget{pays: true}, moderation.Author{}, short, moderation.Review, true},
		{"short, they do not pay off: allowed", askRules, page, &payingBudget{}, moderation.Author{}, short, moderation.Allow, false},
		{"long: the model rule's own threshold holds", askRules, page, &payingBudget{pays: true}, moderation.Author{}, long, moderation.Allow, false},
		{"a model that never learned the page", askRules, base, &payingBudget{pays: true}, moderation.Author{}, short, moderation.Allow, false},
		{"the page's manager", askRules, page, &payingBudget{pays: true}, moderation.Author{IsManager: true}, short, moderation.Allow, false},
		{"no model rule for the label", askRulesNoModel, page, &payingBudget{pays: true}, moderation.Author{}, short, moderation.Allow, false},
		{"a budget that cannot say whether they pay off", askRules, page, &fakeBudget{}, moderation.Author{}, short, moderation.Allow, false},
		{"a rule flagged it: its review, as before", askRules, page, &payingBudget{pays: true}, moderation.Author{}, "дурак", moderation.Review, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := compileWithModel([]source{{name: "t.yaml", data: []byte(c.rules)}}, Config{Builtin: "none"},
				func() (*model.Model, error) { return base, nil })
			if err != nil {
				t.Fatal(err)
			}
			pe, err := e.WithPage(c.m, Page{Budget: map[string]ReviewBudget{"toxic": c.b}})
			if err != nil {
				t.Fatal(err)
			}
			var res moderation.Result
			pe.Evaluate(&moderation.Comment{Text: c.text, Author: c.author}, nil, &res)
			asked := false
			for _, m := range res.Matches {
				asked = asked || (m.Rule == "model.page.toxic" && m.Action == moderation.Review && m.Label == "toxic")
			}
			if res.Verdict != c.want || asked != c.asked {
				t.Errorf("verdict %v, model.page.toxic %v; want %v, %v: %+v", res.Verdict, asked, c.want, c.asked, res.Matches)
			}
		})
	}
}

// TestEngine_WithPage_ShortAskConfig: the page ask follows the config of
// the label's model rule: disabled, or its action overridden, it asks
// nothing; an account the rule is not for gets nothing either.
func TestEngine_WithPage_ShortAskConfig(t *testing.T) {
	base, page := pageModels(t)
	const short = "заткнись, урод"
	const scoped = `
pack: t
rules:
  - id: model.rude
    label: toxic
    action: review
    accounts: [other]
    reason: "модель"
    when: {model: {label: toxic, min: 0.999}}
`
	cases := []struct {
		name  string
		rules string
		cfg   Config
		want  moderation.Verdict
	}{
		{"as shipped: asked", askRules, Config{Builtin: "none"}, moderation.Review},
		{"model rule disabled", askRules, Config{Builtin: "none", Disable: []string{"model.rude"}}, moderation.Allow},
		{"model rule set to allow", askRules, Config{Builtin: "none", Actions: map[string]string{"model.rude": "allow"}}, moderation.Allow},
		{"model rule for another account", scoped, Config{Builtin: "none"}, moderation.Allow},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := compileWithModel([]source{{name: "t.yaml", data: []byte(c.rules)}}, c.cfg,
				func() (*model.Model, error) { return base, nil })
			if err != nil {
				t.Fatal(err)
			}
			pe, err := e.WithPage(page, Page{Budget: map[string]ReviewBudget{"toxic": &payingBudget{pays: true}}})
			if err != nil {
				t.Fatal(err)
			}
			var res moderation.Result
			pe.Evaluate(&moderation.Comment{Text: short, Account: "main"}, nil, &res)
			if res.Verdict != c.want {
				t.Errorf("verdict %v, want %v: %+v", res.Verdict, c.want, res.Matches)
			}
		})
	}
}

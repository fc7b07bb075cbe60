package rules

import (
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
)

// pageModels trains a tiny toxic model on our own texts and adapts it to
// a "page" (Adapted > 0), so keep may act with the second and not the first.
func pageModels(t *testing.T) (base, page *model.Model) {
	t.Helper()
	tox, clean := []string{"toxic"}, []string(nil)
	var ex []model.Example
	for range 20 {
		ex = append(ex,
			model.Example{Text: "ты дурак и урод", Labels: tox, Scope: tox},
			model.Example{Text: "заткнись, урод, дурак", Labels: tox, Scope: tox},
			model.Example{Text: "колючка у дома разрослась", Labels: clean, Scope: tox},
			model.Example{Text: "спасибо за ремонт дороги", Labels: clean, Scope: tox})
	}
	base, err := model.Train(ex, tox, model.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	page, err = base.Adapt(ex[:8], model.AdaptParams{})
	if err != nil {
		t.Fatal(err)
	}
	return base, page
}

const pageRules = `
pack: t
rules:
  - id: t.thorn
    label: insult
    action: review
    reason: "колючка"
    when: {regex: "колючк"}
  - id: t.sale
    label: spam
    action: review
    reason: "скидка"
    when: {regex: "скидк"}
  - id: t.knife
    label: threat
    action: review
    urgent: true
    reason: "нож"
    when: {regex: "ножом"}
`

func pageEngine(t *testing.T, mc ModelConfig, m *model.Model) *Engine {
	t.Helper()
	e, err := compileWithModel([]source{{name: "t.yaml", data: []byte(pageRules)}}, Config{Builtin: "none", Model: mc},
		func() (*model.Model, error) { return m, nil })
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func verdictOf(e *Engine, text string) (moderation.Verdict, []moderation.Match) {
	var res moderation.Result
	e.Evaluate(&moderation.Comment{Text: text}, nil, &res)
	return res.Verdict, res.Matches
}

func TestEngine_WithPage_Keep(t *testing.T) {
	base, page := pageModels(t)
	if s := page.Score("toxic", "колючка у дома разрослась"); s >= 0.3 {
		t.Fatalf("the page model scores the clean text %.2f; the test needs it below 0.3", s)
	}
	cases := []struct {
		name string
		keep Threshold
		auto float64 // the page's measured keep threshold
		text string
		want moderation.Verdict
	}{
		{"a review only the insult rule asked for is kept", 0.3, 0, "колючка у дома разрослась", moderation.Allow},
		{"auto takes the page's threshold", Auto, 0.3, "колючка у дома разрослась", moderation.Allow},
		{"auto without a measured threshold keeps nothing", Auto, 0, "колючка у дома разрослась", moderation.Review},
		{"another label's rule also asked: stays", 0.3, 0, "колючка у дома, скидка", moderation.Review},
		{"an urgent review stays", 0.3, 0, "колючка, приду ножом", moderation.Review},
		{"a rude comment scores high: stays", 0.3, 0, "колючка, ты дурак и урод", moderation.Review},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := pageEngine(t, ModelConfig{Keep: map[string]Threshold{"toxic": c.keep}}, base)
			if v, _ := verdictOf(e, c.text); v != moderation.Review {
				t.Fatalf("with the base model (not adapted) verdict %v, want review: keep needs a model that learned the page", v)
			}
			pe, err := e.WithPage(page, Page{Keep: map[string]float64{"toxic": c.auto}})
			if err != nil {
				t.Fatal(err)
			}
			v, ms := verdictOf(pe, c.text)
			if v != c.want {
				t.Fatalf("verdict %v, want %v: %+v", v, c.want, ms)
			}
			if v == moderation.Allow && ms[len(ms)-1].Rule != "model.keep.toxic" {
				t.Errorf("the kept review does not say why: %+v", ms)
			}
		})
	}
}

func TestEngine_WithPage_AutoDelete(t *testing.T) {
	base, page := pageModels(t)
	e := pageEngine(t, ModelConfig{Delete: map[string]Threshold{"toxic": Auto}}, base)
	const rude = "ты дурак и урод"
	if s := page.Score("toxic", rude); s < 0.6 {
		t.Fatalf("the page model scores the rude text %.2f; the test needs at least 0.6", s)
	}
	if v, _ := verdictOf(e, rude); v != moderation.Allow {
		t.Errorf("auto before the page measured a threshold: verdict %v, want allow (nothing deletes on the model yet)", v)
	}
	pe, err := e.WithPage(page, Page{Delete: map[string]float64{"toxic": 0.6}})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := verdictOf(pe, rude); v != moderation.Delete {
		t.Errorf("with the page's threshold 0.6: verdict %v, want delete", v)
	}
	if v, _ := verdictOf(e, rude); v != moderation.Allow {
		t.Errorf("WithPage changed the engine it was called on: verdict %v", v)
	}
	low, err := e.WithPage(page, Page{Delete: map[string]float64{"toxic": 0.3}})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := verdictOf(low, rude); v != moderation.Allow {
		t.Errorf("a measured threshold below %g (0.3) was taken: verdict %v; rules.model.delete accepts none that low", minDelete, v)
	}
}

func TestModelConfig_Validate_KeepAndAuto(t *testing.T) {
	cases := []struct {
		c  ModelConfig
		ok bool
	}{
		{ModelConfig{Delete: map[string]Threshold{"toxic": Auto}, Keep: map[string]Threshold{"toxic": Auto}}, true},
		{ModelConfig{Keep: map[string]Threshold{"toxic": 0.05}}, true},
		{ModelConfig{Keep: map[string]Threshold{"toxic": 0.7}}, false},
		{ModelConfig{Keep: map[string]Threshold{"toxic": 0}}, false},
		{ModelConfig{File: "none", Keep: map[string]Threshold{"toxic": 0.05}}, false},
		{ModelConfig{Delete: map[string]Threshold{"toxic": 0.3}}, false},
	}
	for _, c := range cases {
		if errs := c.c.validate(); (len(errs) == 0) != c.ok {
			t.Errorf("%+v: errors %v, want ok=%v", c.c, errs, c.ok)
		}
	}
}

const confirmRules = `
pack: t
rules:
  - id: t.fool
    label: insult
    action: review
    reason: "дурак"
    when: {regex: "дурак"}
  - id: t.sale
    label: spam
    action: review
    reason: "скидка"
    when: {regex: "скидк"}
  - id: t.knife
    label: threat
    action: review
    urgent: true
    reason: "нож"
    when: {regex: "ножом"}
  - id: model.rude
    label: toxic
    action: review
    reason: "модель"
    when: {model: {label: toxic, min: 0.5}}
`

// With rules.model.delete: auto, the page's model deletes a review the
// rules asked for from the confirm threshold the learner measured on the
// page's reviews, and nothing else: not what the model alone asked for
// (the model alone only sends to review unless the operator opts in to a
// number), not an urgent review or one another label's rule asked for.
func TestEngine_WithPage_Confirm(t *testing.T) {
	_, page := pageModels(t)
	for _, text := range []string{"ты дурак и урод", "заткнись, урод"} {
		if s := page.Score("toxic", text); s < 0.7 {
			t.Fatalf("the page model scores %q %.2f; the test needs at least 0.7", text, s)
		}
	}
	auto := ModelConfig{Delete: map[string]Threshold{"toxic": Auto}}
	cases := []struct {
		name    string
		mc      ModelConfig
		m       *model.Model
		confirm float64 // the page's measured confirm threshold
		text    string
		want    moderation.Verdict
	}{
		{"a rule's review the page model is sure of is deleted", auto, page, 0.6, "ты дурак и урод", moderation.Delete},
		{"no measured threshold: stays a review", auto, page, 0, "ты дурак и урод", moderation.Review},
		{"below the threshold: stays a review", auto, page, 0.9999, "ты дурак и урод", moderation.Review},
		{"a measured threshold below 0.5 is not taken", auto, page, 0.3, "ты дурак и урод", moderation.Review},
		{"only the model asked: stays a review", auto, page, 0.6, "заткнись, урод", moderation.Review},
		{"an urgent review stays", auto, page, 0.6, "ты дурак и урод, приду ножом", moderation.Review},
		{"another label's rule also asked: stays", auto, page, 0.6, "ты дурак и урод, скидка", moderation.Review},
		{"a model that never learned the page: stays", auto, nil, 0.6, "ты дурак и урод", moderation.Review},
		{"no auto opt-in: stays", ModelConfig{Keep: map[string]Threshold{"toxic": 0.1}}, page, 0.6, "ты дурак и урод", moderation.Review},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base, _ := pageModels(t)
			e, err := compileWithModel([]source{{name: "t.yaml", data: []byte(confirmRules)}}, Config{Builtin: "none", Model: c.mc},
				func() (*model.Model, error) { return base, nil })
			if err != nil {
				t.Fatal(err)
			}
			m := c.m
			if m == nil {
				m = base
			}
			pe, err := e.WithPage(m, Page{Confirm: map[string]float64{"toxic": c.confirm}})
			if err != nil {
				t.Fatal(err)
			}
			v, ms := verdictOf(pe, c.text)
			if v != c.want {
				t.Fatalf("verdict %v, want %v: %+v", v, c.want, ms)
			}
			said := false
			for _, m := range ms {
				said = said || (m.Rule == "model.confirm.toxic" && m.Action == moderation.Delete)
			}
			if said != (v == moderation.Delete) {
				t.Errorf("verdict %v, model.confirm.toxic among the matches: %v: %+v", v, said, ms)
			}
		})
	}
}

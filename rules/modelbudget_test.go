package rules

import (
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
)

// fakeBudget answers Ask with send and counts the calls.
type fakeBudget struct {
	send         bool
	asked, freed int
}

func (b *fakeBudget) Ask(float64) bool { b.asked++; return b.send }
func (b *fakeBudget) Free()            { b.freed++ }

// The page's review budget decides the reviews only the model asked for
// once the model learned the page, and hears of every review of the
// rules' the page's model decided (kept or confirmed): nothing else.
func TestEngine_WithPage_Budget(t *testing.T) {
	base, page := pageModels(t)
	cases := []struct {
		name       string
		mc         ModelConfig
		m          *model.Model
		p          Page
		send       bool
		text       string
		want       moderation.Verdict
		asked      int
		freed      int
		budgetRule bool
	}{
		{"only the model asked, no budget left: allowed", ModelConfig{}, page, Page{}, false, "заткнись, урод", moderation.Allow, 1, 0, true},
		{"only the model asked, the budget sends it", ModelConfig{}, page, Page{}, true, "заткнись, урод", moderation.Review, 1, 0, false},
		{"a rule asked too: the budget is not asked", ModelConfig{}, page, Page{}, false, "ты дурак и урод", moderation.Review, 0, 0, false},
		{"a model that never learned the page: not asked", ModelConfig{}, base, Page{}, false, "заткнись, урод", moderation.Review, 0, 0, false},
		{"a confirmed review frees one", ModelConfig{Delete: map[string]Threshold{"toxic": Auto}}, page,
			Page{Confirm: map[string]float64{"toxic": 0.6}}, false, "ты дурак и урод", moderation.Delete, 0, 1, false},
		{"an auto delete of a review the rules asked frees one", ModelConfig{Delete: map[string]Threshold{"toxic": Auto}}, page,
			Page{Delete: map[string]float64{"toxic": 0.6}, Confirm: map[string]float64{"toxic": 0.6}}, false, "ты дурак и урод", moderation.Delete, 0, 1, false},
		{"an auto delete nobody else asked for frees nothing", ModelConfig{Delete: map[string]Threshold{"toxic": Auto}}, page,
			Page{Delete: map[string]float64{"toxic": 0.6}}, false, "заткнись, урод", moderation.Delete, 0, 0, false},
		{"a kept review frees one", ModelConfig{Keep: map[string]Threshold{"toxic": 0.5}}, page, Page{}, false, "дурак колючка у дома разрослась", moderation.Allow, 0, 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := compileWithModel([]source{{name: "t.yaml", data: []byte(confirmRules)}}, Config{Builtin: "none", Model: c.mc},
				func() (*model.Model, error) { return base, nil })
			if err != nil {
				t.Fatal(err)
			}
			b := &fakeBudget{send: c.send}
			c.p.Budget = map[string]ReviewBudget{"toxic": b}
			pe, err := e.WithPage(c.m, c.p)
			if err != nil {
				t.Fatal(err)
			}
			v, ms := verdictOf(pe, c.text)
			if v != c.want || b.asked != c.asked || b.freed != c.freed {
				t.Fatalf("verdict %v, asked %d, freed %d; want %v, %d, %d: %+v", v, b.asked, b.freed, c.want, c.asked, c.freed, ms)
			}
			said := false
			for _, m := range ms {
				said = said || (m.Rule == "model.budget.toxic" && m.Action == moderation.Allow)
			}
			if said != c.budgetRule {
				t.Errorf("model.budget.toxic among the matches: %v, want %v: %+v", said, c.budgetRule, ms)
			}
		})
	}
}

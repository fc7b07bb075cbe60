package rules

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
)

// toyModel is a small model trained on texts written for these tests:
// rude ones about a road, polite ones, spam and chat.
func toyModel(t testing.TB) *model.Model {
	t.Helper()
	rude := []string{"ты дурак и идиот", "сам ты дурак", "идиоты в администрации сидят", "дурак пишет опять",
		"какой идиот это сделал", "вы все дураки", "идиотизм и дураки кругом", "дураку понятно, идиот"}
	polite := []string{"спасибо за ремонт дороги", "когда починят дорогу", "дорога стала лучше", "благодарю администрацию",
		"ремонт идёт медленно", "пожалуйста почините фонарь", "хорошая новость", "когда будет автобус"}
	spam := []string{"заработок от 5000 в день пиши в лс", "быстрый заработок без вложений", "пиши в лс заработок",
		"доход каждый день пиши", "заработок на дому", "лёгкий заработок в лс"}
	var ex []model.Example
	for _, s := range rude {
		ex = append(ex, model.Example{Text: s, Labels: []string{"toxic"}, Scope: []string{"toxic"}})
	}
	for _, s := range polite {
		ex = append(ex, model.Example{Text: s, Scope: []string{"toxic", "spam"}})
	}
	for _, s := range spam {
		ex = append(ex, model.Example{Text: s, Labels: []string{"spam"}, Scope: []string{"spam"}})
	}
	p := model.DefaultParams()
	p.Bits, p.Epochs, p.MinFeatures = 12, 30, 0
	m, err := model.Train(ex, []string{"toxic", "spam"}, p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// modelDir writes the toy model and the rule files into a directory.
func modelDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "toy.model"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := toyModel(t).WriteTo(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const rudeText = "ну ты и дурак, идиот"
const politeText = "спасибо, дорогу починили"

func loadToy(t *testing.T, rulesYAML string, mc ModelConfig) (*Engine, error) {
	t.Helper()
	dir := modelDir(t, map[string]string{"r.yaml": rulesYAML})
	if mc.File == "" {
		mc.File = "toy.model"
	}
	return Load(Config{Builtin: "none", Files: []string{"r.yaml"}, Model: mc}, dir)
}

func TestEngine_Evaluate_ModelCondition(t *testing.T) {
	e, err := loadToy(t, `rules:
  - id: m.toxic
    label: toxic
    action: review
    reason: "модель: {{match}}"
    when: {model: {label: toxic, min: 0.5}}
`, ModelConfig{})
	if err != nil {
		t.Fatal(err)
	}
	res := eval(e, rudeText)
	if res.Verdict != moderation.Review || len(res.Matches) == 0 || res.Matches[0].Rule != "m.toxic" ||
		!strings.HasPrefix(res.Matches[0].Matched, "toxic ") {
		t.Fatalf("rude: %+v, want review by m.toxic with the score as its match", res)
	}
	if len(res.Scores) != 2 || res.Scores[0].Label != "toxic" || res.Scores[0].Value < 0.5 {
		t.Errorf("rude: scores %+v, want toxic >= 0.5 and spam", res.Scores)
	}
	if !hasMatch(res, ScoreRule) {
		t.Errorf("rude: no %s match for the card: %+v", ScoreRule, res.Matches)
	}
	res = eval(e, politeText)
	if res.Verdict != moderation.Allow || hasMatch(res, ScoreRule) {
		t.Fatalf("polite: %+v, want allow and no score match", res)
	}
	if len(res.Scores) != 2 || res.Scores[0].Value >= 0.5 {
		t.Errorf("polite: scores %+v, want low toxic (a rule asked, so they are recorded)", res.Scores)
	}
}

func hasMatch(res *moderation.Result, rule string) bool {
	for _, m := range res.Matches {
		if m.Rule == rule {
			return true
		}
	}
	return false
}

func actionOf(t *testing.T, e *Engine, id string) string {
	t.Helper()
	for _, r := range e.Rules() {
		if r.ID == id {
			return r.Action
		}
	}
	t.Fatalf("no rule %s", id)
	return ""
}

// The model alone never deletes unless the operator opted in for the
// label at or below the rule's threshold.
func TestLoad_ModelDeleteNeedsOptIn(t *testing.T) {
	rulesYAML := `lexicons:
  rude: ["дурак*"]
rules:
  - id: alone
    action: delete
    when: {model: {label: toxic, min: 0.9}}
  - id: alone_ban
    action: ban
    when: {any: [{model: {label: toxic, min: 0.95}}, {words: ["хамло"]}]}
  - id: with_words
    action: delete
    when: [{lexicon: rude}, {model: {label: toxic, min: 0.5}}]
  - id: escalating
    action: review
    escalate: {after: 1, action: ban}
    when: {model: {label: toxic, min: 0.9}}
`
	tests := []struct {
		name   string
		delete map[string]Threshold
		want   map[string]string
	}{
		{"no opt-in", nil, map[string]string{"alone": "review", "alone_ban": "review", "with_words": "delete"}},
		{"opt-in below min", map[string]Threshold{"toxic": 0.9}, map[string]string{"alone": "delete", "alone_ban": "ban", "with_words": "delete"}},
		{"opt-in above min", map[string]Threshold{"toxic": 0.92}, map[string]string{"alone": "review", "alone_ban": "ban"}},
		{"other label", map[string]Threshold{"spam": 0.9}, map[string]string{"alone": "review"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := loadToy(t, rulesYAML, ModelConfig{Delete: tt.delete})
			if err != nil {
				t.Fatal(err)
			}
			for id, want := range tt.want {
				if got := actionOf(t, e, id); got != want {
					t.Errorf("%s: action %s, want %s", id, got, want)
				}
			}
		})
	}
	e, err := loadToy(t, rulesYAML, ModelConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.all {
		if r.id == "escalating" && r.escalate.action != moderation.Review {
			t.Errorf("escalation of a model-only rule: %s, want review", r.escalate.action)
		}
	}
}

func TestLoad_ModelOptInRule(t *testing.T) {
	e, err := loadToy(t, "rules: []\n", ModelConfig{Delete: map[string]Threshold{"toxic": 0.6}})
	if err != nil {
		t.Fatal(err)
	}
	res := eval(e, rudeText)
	if res.Verdict != moderation.Delete || res.Matches[0].Rule != "model.delete.toxic" || !slicesContains(res.Labels, "toxic") {
		t.Fatalf("rude with rules.model.delete.toxic: %+v, want delete by model.delete.toxic", res)
	}
	if res := eval(e, politeText); res.Verdict != moderation.Allow {
		t.Errorf("polite: %s, want allow", res.Verdict)
	}
}

func slicesContains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func TestLoad_ModelErrors(t *testing.T) {
	ok := "rules:\n  - id: m\n    when: {model: {label: toxic, min: 0.5}}\n"
	tests := []struct {
		name  string
		rules string
		mc    ModelConfig
		want  string
	}{
		{"unknown label", "rules:\n  - id: m\n    when: {model: {label: threat, min: 0.5}}\n", ModelConfig{}, `r.yaml:2: rules[0].when.model: the model has no label "threat" (it has toxic, spam)`},
		{"no label", "rules:\n  - id: m\n    when: {model: {min: 0.5}}\n", ModelConfig{}, "model needs label"},
		{"no min", "rules:\n  - id: m\n    when: {model: {label: toxic}}\n", ModelConfig{}, "model needs min"},
		{"bad min", "rules:\n  - id: m\n    when: {model: {label: toxic, min: 2}}\n", ModelConfig{}, "rules[0].when.model.min: must be between 0 and 1"},
		{"unknown key", "rules:\n  - id: m\n    when: {model: {label: toxic, min: 0.5, max: 1}}\n", ModelConfig{}, `unknown key "max"`},
		{"missing file", ok, ModelConfig{File: "nope.model"}, "rules.model.file: open"},
		{"not a model", ok, ModelConfig{File: "r.yaml"}, "rules.model.file:"},
		{"low opt-in", ok, ModelConfig{Delete: map[string]Threshold{"toxic": 0.3}}, "rules.model.delete.toxic: 0.3 out of 0.5..1"},
		{"opt-in without model", ok, ModelConfig{File: "none", Delete: map[string]Threshold{"toxic": 0.9}}, "rules.model.delete: needs a model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadToy(t, tt.rules, tt.mc)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load = %v, want an error containing %q", err, tt.want)
			}
			if tt.name == "not a model" && !errors.Is(err, model.ErrFormat) {
				t.Errorf("error %v does not wrap model.ErrFormat", err)
			}
		})
	}
}

func TestLoad_ModelNone(t *testing.T) {
	e, err := loadToy(t, "rules:\n  - id: m\n    when: {model: {label: toxic, min: 0.5}}\n", ModelConfig{File: "none"})
	if err != nil {
		t.Fatal(err)
	}
	if res := eval(e, rudeText); res.Verdict != moderation.Allow || len(res.Scores) != 0 {
		t.Errorf("without a model: %+v, want allow and no scores", res)
	}
	if e.Model() != nil {
		t.Error("Model() is set with file: none")
	}
}

// A configuration without model rules loads no model: no cost, no card line.
func TestLoad_NoModelRules_NoModel(t *testing.T) {
	e, err := Load(Config{Builtin: "none", Files: []string{"municipal.yaml"}}, "testdata")
	if err != nil {
		t.Fatal(err)
	}
	if e.Model() != nil {
		t.Error("a model was loaded though no rule asks for it")
	}
}

func TestEngine_WithModel(t *testing.T) {
	e, err := loadToy(t, "rules:\n  - id: m\n    label: toxic\n    when: {model: {label: toxic, min: 0.5}}\n", ModelConfig{})
	if err != nil {
		t.Fatal(err)
	}
	const pageText = "понаехавшие опять тут" // the toy model has never seen it
	if res := eval(e, pageText); res.Verdict != moderation.Allow {
		t.Fatalf("before adapting: %s, want allow", res.Verdict)
	}
	var page []model.Example
	for i := 0; i < 6; i++ {
		page = append(page, model.Example{Text: "понаехавшие " + strings.Repeat("тут ", i), Labels: []string{"toxic"}, Scope: []string{"toxic"}})
	}
	adapted, err := e.Model().Adapt(page, model.AdaptParams{})
	if err != nil {
		t.Fatal(err)
	}
	e2, err := e.WithModel(adapted)
	if err != nil {
		t.Fatal(err)
	}
	if res := eval(e2, pageText); res.Verdict != moderation.Review {
		t.Errorf("with the adapted model: %s, want review", res.Verdict)
	}
	if res := eval(e, pageText); res.Verdict != moderation.Allow {
		t.Errorf("the old engine changed: %s", res.Verdict)
	}
	other, err := model.Train([]model.Example{{Text: "а", Labels: []string{"x"}, Scope: []string{"x"}}, {Text: "б", Scope: []string{"x"}}}, []string{"x"}, model.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.WithModel(other); err == nil || !strings.Contains(err.Error(), `no label "toxic"`) {
		t.Errorf("WithModel(a model without toxic) = %v, want an error naming the label", err)
	}
	if e3, err := e.WithModel(nil); err != nil || eval(e3, rudeText).Verdict != moderation.Allow {
		t.Errorf("WithModel(nil): %v, want model conditions off", err)
	}
}

func TestEngine_Evaluate_ScoreMatchOnFlagged(t *testing.T) {
	e, err := loadToy(t, `rules:
  - id: words
    label: insult
    when: {words: ["хамло"]}
  - id: m
    label: toxic
    when: {model: {label: toxic, min: 0.99}}
`, ModelConfig{})
	if err != nil {
		t.Fatal(err)
	}
	res := eval(e, "ты хамло")
	if res.Verdict != moderation.Review || !hasMatch(res, ScoreRule) {
		t.Fatalf("%+v: want review with the model's scores for the card", res)
	}
	var reason string
	for _, m := range res.Matches {
		if m.Rule == ScoreRule {
			reason = m.Reason
			if m.Action != moderation.Allow {
				t.Errorf("score match acts: %s", m.Action)
			}
		}
	}
	if !strings.HasPrefix(reason, "модель: toxic ") || !strings.Contains(reason, " · spam ") {
		t.Errorf("score reason %q", reason)
	}
}

func TestEngine_Evaluate_ModelAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	e, err := Load(DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if e.Model() == nil {
		t.Fatal("the builtin packs load no model")
	}
	c := moderation.Comment{Text: "Когда наконец починят освещение во дворе на улице Мира? Уже месяц темно."}
	var res moderation.Result
	e.Evaluate(&c, nil, &res)
	if n := testing.AllocsPerRun(100, func() { res.Reset(); e.Evaluate(&c, nil, &res) }); n != 0 {
		t.Errorf("an allowed comment costs %.1f allocations with the model", n)
	}
}

// WithModel copies every field that is not the model's: a field it forgot
// (trusted sites once were) silently changes verdicts after a page model
// goes live.
func TestEngine_WithModel_KeepsEveryRuleField(t *testing.T) {
	e, err := Load(Config{Builtin: "ru", TrustedDomains: []string{"admin-gorod.ru"}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	ne, err := e.WithModel(e.Model())
	if err != nil {
		t.Fatal(err)
	}
	model := map[string]bool{"model": true, "modelIdx": true, "pageDelete": true, "pageKeep": true, "pageConfirm": true,
		"pageLearned": true, "pool": true}
	a, b := reflect.ValueOf(e).Elem(), reflect.ValueOf(ne).Elem()
	for i := range a.NumField() {
		name := a.Type().Field(i).Name
		if model[name] {
			continue
		}
		if !reflect.DeepEqual(reflect.Value.Interface(reflect.NewAt(a.Field(i).Type(), unsafePointer(a.Field(i))).Elem()),
			reflect.Value.Interface(reflect.NewAt(b.Field(i).Type(), unsafePointer(b.Field(i))).Elem())) {
			t.Errorf("WithModel does not copy Engine.%s", name)
		}
	}
	const text = "Подробнее на https://www.gosuslugi.ru/help и https://admin-gorod.ru/services"
	if v1, v2 := eval(e, text).Verdict, eval(ne, text).Verdict; v1 != v2 {
		t.Errorf("%q: %v before WithModel, %v after", text, v1, v2)
	}
}

func unsafePointer(v reflect.Value) unsafe.Pointer { return unsafe.Pointer(v.UnsafeAddr()) }

// Switching the model pack off switches the model off: nothing scores every
// comment and nothing learns from a model no rule asks.
func TestLoad_ModelPackDisabled_NoModel(t *testing.T) {
	e, err := Load(Config{Builtin: "ru", Disable: []string{"model"}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if e.Model() != nil {
		t.Error("the model is loaded although every rule asking it is disabled")
	}
	if e, err = Load(Config{Builtin: "ru"}, "."); err != nil || e.Model() == nil {
		t.Errorf("with the model pack on: model %v, err %v", e.Model(), err)
	}
}

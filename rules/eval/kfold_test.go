package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
)

// modelEvaluator flags toxic when the model's toxic score is >= 0.5, on
// top of wordEvaluator; it counts the rows it judged.
type modelEvaluator struct {
	m      *model.Model
	judged *int
}

func (e modelEvaluator) Evaluate(c *moderation.Comment, h moderation.History, out *moderation.Result) {
	*e.judged++
	wordEvaluator{}.Evaluate(c, h, out)
	if e.m.Score("toxic", c.Text) >= 0.5 {
		out.Matches = append(out.Matches, moderation.Match{Rule: "m", Label: "toxic", Action: moderation.Review})
		out.Labels = append(out.Labels, "toxic")
		out.Verdict = max(out.Verdict, moderation.Review)
	}
}

// writeToy writes rows of a made-up page: rude rows share words, so a
// model trained on the other folds finds them.
func writeToy(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i := 0; i < 60; i++ {
		enc.Encode(record{Text: fmt.Sprintf("ты дурак и болван номер %d", i), Labels: []string{"toxic"}, Scope: []string{"toxic"}})
		enc.Encode(record{Text: fmt.Sprintf("спасибо за дорогу номер %d", i), Labels: []string{}, Scope: []string{"toxic"}})
	}
	enc.Encode(record{Text: "дурак", Expected: "flag"})
	p := filepath.Join(t.TempDir(), "toy.jsonl")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunKFold_EveryRowOnceOutOfFold(t *testing.T) {
	path := writeToy(t)
	judged, trained := 0, 0
	p := model.DefaultParams()
	p.Bits, p.MinFeatures = 12, 0
	kf := KFold{K: 5, Labels: []string{"toxic"}, Params: p, Engine: func(m *model.Model) (moderation.Evaluator, error) {
		trained++
		if n := m.Info().Examples; n >= 120 || n < 80 {
			t.Errorf("fold model trained on %d of 120 labelled rows, want about 4/5", n)
		}
		return modelEvaluator{m: m, judged: &judged}, nil
	}}
	rep, apart, err := RunKFold([]string{path}, kf)
	if err != nil {
		t.Fatal(err)
	}
	if trained != 5 || judged != 121 || rep.Total.N != 121 {
		t.Fatalf("%d models, %d rows judged, report of %d; want 5, 121, 121", trained, judged, rep.Total.N)
	}
	c := rep.Files["toy.jsonl"].Labels["toxic"]
	if c.F1 < 0.9 {
		t.Errorf("toxic out of fold %+v: the fold models learned nothing", c)
	}
	if a := apart["toy.jsonl"]; a == nil || a.ToxicWithout.TP != c.TP {
		t.Errorf("apart %+v, want the same matrix when the obscenity rules flag no clean row", a)
	}
}

func TestRunKFold_Errors(t *testing.T) {
	path := writeToy(t)
	kf := KFold{K: 1, Labels: []string{"toxic"}, Params: model.DefaultParams()}
	if _, _, err := RunKFold([]string{path}, kf); err == nil || !strings.Contains(err.Error(), "folds") {
		t.Errorf("K=1: %v, want an error about folds", err)
	}
	kf.K = 5
	kf.Labels = []string{"spam"}
	kf.Engine = func(m *model.Model) (moderation.Evaluator, error) { return wordEvaluator{}, nil }
	if _, _, err := RunKFold([]string{path}, kf); err == nil || !strings.Contains(err.Error(), `"spam"`) {
		t.Errorf("a label no row has in scope: %v, want an error naming it", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{\"text\":\"a\"}\nnot json\n"), 0o644)
	if _, _, err := RunKFold([]string{bad}, kf); err == nil || !strings.Contains(err.Error(), "bad.jsonl:2") {
		t.Errorf("bad line: %v, want FILE:2", err)
	}
}

func TestExplain_ShowsRulesAndModel(t *testing.T) {
	var ex []model.Example
	for i := 0; i < 10; i++ {
		ex = append(ex, model.Example{Text: fmt.Sprintf("ты дурак %d", i), Labels: []string{"toxic"}, Scope: []string{"toxic"}},
			model.Example{Text: fmt.Sprintf("спасибо за дорогу %d", i), Scope: []string{"toxic"}})
	}
	p := model.DefaultParams()
	p.Bits, p.MinFeatures = 12, 0
	m, err := model.Train(ex, []string{"toxic"}, p)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Explain(wordEvaluator{}, m, 3, strings.NewReader("Это плохо, дурак\nспасибо\n"), &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"#1 Это плохо, дурак\n",
		"  нормализовано: это плохо дурак\n",
		"  вердикт: review (insult)\n",
		"  правило r.insult [review, insult] — «плохо»",
		"  модель toxic 0.",
		"#2 спасибо\n",
		"  вердикт: allow\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in:\n%s", want, s)
		}
	}
	if n := strings.Count(s, "  модель toxic"); n != 2 {
		t.Errorf("%d model lines, want one per comment:\n%s", n, s)
	}
	if !strings.Contains(s[:strings.Index(s, "#2")], "дур") {
		t.Errorf("the strongest features of the first comment do not show «дурак»:\n%s", s)
	}
}

func TestRunKFold_BySource_FileNeverInItsModel(t *testing.T) {
	// Two made-up pages: a row of either is judged by a model trained on
	// the other alone, so the second page's own rude word ("болван") is
	// unknown to the model that judges it.
	dir := t.TempDir()
	write := func(name, rude string) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		for i := 0; i < 40; i++ {
			enc.Encode(record{Text: fmt.Sprintf("ты %s номер %d", rude, i), Labels: []string{"toxic"}, Scope: []string{"toxic"}})
			enc.Encode(record{Text: fmt.Sprintf("спасибо за дорогу номер %d", i), Labels: []string{}, Scope: []string{"toxic"}})
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := write("a.jsonl", "дурак"), write("b.jsonl", "болван")
	p := model.DefaultParams()
	p.Bits, p.MinFeatures = 12, 0
	judged := 0
	var sizes []int
	kf := KFold{K: 5, BySource: true, Labels: []string{"toxic"}, Params: p, Engine: func(m *model.Model) (moderation.Evaluator, error) {
		sizes = append(sizes, m.Info().Examples)
		return modelEvaluator{m: m, judged: &judged}, nil
	}}
	seen := map[string]int{}
	kf.Row = func(file string, r Row, res *moderation.Result) { seen[file]++ }
	rep, _, err := RunKFold([]string{a, b}, kf)
	if err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 2 || sizes[0] != 80 || sizes[1] != 80 || judged != 160 {
		t.Fatalf("models trained on %v rows, %d judged; want two models of the other file's 80, 160 judged", sizes, judged)
	}
	if seen["a.jsonl"] != 80 || seen["b.jsonl"] != 80 {
		t.Errorf("Row hook saw %v, want every row of both files", seen)
	}
	// «ты … номер» is shared, so the other page's model still finds some;
	// but every row of a file was judged by the other's model: the clean
	// rows (shared words only) stay clean.
	for _, f := range []string{"a.jsonl", "b.jsonl"} {
		if c := rep.Files[f].Labels["toxic"]; c.FP != 0 {
			t.Errorf("%s: %+v, want no clean row flagged", f, c)
		}
	}
	kf.Row = nil
	if _, _, err := RunKFold([]string{a}, kf); err == nil || !strings.Contains(err.Error(), "by source") {
		t.Errorf("one file by source: %v, want an error", err)
	}
}

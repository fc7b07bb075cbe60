package learn

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// sample makes n examples at score s, pos of them positive.
func sample(s float64, n, pos int) []scored {
	out := make([]scored, n)
	for i := range out {
		out[i] = scored{s: s, pos: i < pos}
	}
	return out
}

func cat(parts ...[]scored) []scored {
	var out []scored
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestDeleteFrom(t *testing.T) {
	cases := []struct {
		name string
		xs   []scored
		want float64
	}{
		{"pure top, noisy middle", cat(sample(0.97, 440, 440), sample(0.8, 40, 20), sample(0.1, 100, 0)), 0.97},
		{"one kept comment in 400 joins", cat(sample(0.97, 300, 300), sample(0.8, 100, 99), sample(0.1, 100, 0)), 0.8},
		{"two kept in 550 stop it there", cat(sample(0.97, 450, 450), sample(0.8, 100, 98), sample(0.1, 100, 0)), 0.97},
		{"a pure middle joins", cat(sample(0.97, 250, 250), sample(0.8, 200, 200), sample(0.1, 100, 0)), 0.8},
		{"too few on top", cat(sample(0.97, 350, 350), sample(0.1, 100, 0)), 0},
		{"99.5 % is not enough to delete", cat(sample(0.97, 400, 398), sample(0.1, 100, 0)), 0},
		{"never below 0.5", cat(sample(0.97, 500, 500), sample(0.4, 100, 100)), 0.97},
		{"clean ones just below the top stay out", cat(sample(0.99, 400, 400), sample(0.98, 2, 0)), 0.99},
		{"clean ones inside the top", cat(sample(0.99, 350, 350), sample(0.985, 2, 0), sample(0.98, 50, 50)), 0},
	}
	for _, c := range cases {
		if got := removedFrom(c.xs, deleteMin, deletePurity); got != c.want {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
}

// The confirm threshold (a rule's review becomes a delete) takes 99.5 %
// of 100; examples only the model asked for do not count (see
// pageThresholds), which TestLearner_Refit_ConfirmOnRulesReviews checks.
func TestRemovedFrom_Confirm(t *testing.T) {
	cases := []struct {
		name string
		xs   []scored
		want float64
	}{
		{"one kept in 200 is enough to confirm", cat(sample(0.97, 200, 199), sample(0.1, 100, 0)), 0.97},
		{"two kept in 200 are not", cat(sample(0.97, 200, 198), sample(0.1, 100, 0)), 0},
		{"too few on top", cat(sample(0.97, 99, 99), sample(0.1, 100, 0)), 0},
		{"a pure middle joins", cat(sample(0.97, 100, 100), sample(0.8, 100, 100), sample(0.6, 100, 50)), 0.8},
	}
	for _, c := range cases {
		if got := removedFrom(c.xs, confirmMin, confirmPurity); got != c.want {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
}

func TestKeepBelow(t *testing.T) {
	cases := []struct {
		name string
		xs   []scored
		want float64
	}{
		{"clean bottom", cat(sample(0.02, 60, 0), sample(0.2, 40, 20), sample(0.9, 100, 100)), 0.2},
		{"too few at the bottom", cat(sample(0.02, 30, 0), sample(0.2, 40, 20)), 0},
		{"never above 0.5", cat(sample(0.02, 100, 0), sample(0.45, 100, 0), sample(0.7, 100, 0)), 0.5},
		{"a rude one at the very bottom", cat(sample(0.01, 1, 1), sample(0.02, 49, 0), sample(0.3, 10, 10)), 0},
	}
	for _, c := range cases {
		if got := keepBelow(c.xs); got != c.want {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
}

func TestLearner_Refit_ThresholdsOutOfFold(t *testing.T) {
	cases := []struct {
		name  string
		toxic func(i int) string
		want  float64
	}{
		// every rude comment has its own word: a model that learned it
		// would score it 0.9, one that did not 0.1
		{"memorised words set nothing", func(i int) string { return fmt.Sprintf("гад%d", i) }, 0},
		// 500 rude ones share a word: every fold learns it from the others,
		// so all 500 count (the held-out fifth alone has 100, under 400)
		{"a repeated word counts on every fold", func(int) string { return "ты чмо" }, 0.9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, _ := newLearner(t, Config{After: 10_000, MinExamples: 1, Labels: []string{"toxic"}}, &wordTrainer{}, NewMemStore())
			for i := 1; i <= 1000; i++ {
				d := decided(uint64(i), fmt.Sprintf("слово%d ну", i), moderation.Allow, "insult")
				if i%2 == 0 {
					d = decided(uint64(i), c.toxic(i), moderation.Delete, "insult")
				}
				if err := l.Record(d); err != nil {
					t.Fatal(err)
				}
			}
			v, err := l.Refit(context.Background(), "test")
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Metrics["toxic"].DeleteFrom; got != c.want {
				t.Errorf("DeleteFrom %g, want %g", got, c.want)
			}
		})
	}
}

// textModel scores 0.9 a text holding a word of its list, 0.1 any other,
// whatever it learned: what a well-learned page model does.
type textModel struct{ words []string }

func (m textModel) Score(_, text string) float64 {
	for _, w := range m.words {
		if strings.Contains(text, w) {
			return 0.9
		}
	}
	return 0.1
}

func (m textModel) WriteTo(w io.Writer) (int64, error) {
	n, err := io.WriteString(w, strings.Join(m.words, " "))
	return int64(n), err
}

type textTrainer struct{ m textModel }

func (t textTrainer) Base() Model                               { return t.m }
func (t textTrainer) Adapt([]moderation.Example) (Model, error) { return t.m, nil }
func (t textTrainer) Read(r io.Reader) (Model, error) {
	b, err := io.ReadAll(r)
	return textModel{strings.Fields(string(b))}, err
}

// The model alone asks for much the moderator keeps; the rules' reviews
// it is sure of are all removed. The confirm threshold is read off the
// rules' reviews alone: mixed with the model's, 300 removed of 600 would
// confirm nothing.
func TestLearner_Refit_ConfirmOnRulesReviews(t *testing.T) {
	tr := textTrainer{textModel{[]string{"чмо", "урод"}}}
	st := NewMemStore()
	l, err := New(Config{After: 10_000, MinExamples: 1, Labels: []string{"toxic"}}, Deps{Examples: st, Versions: st, Trainer: tr})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 600; i++ {
		d := decided(uint64(i), fmt.Sprintf("ты чмо %d", i), moderation.Delete, "insult")
		if i%2 == 0 {
			d = decided(uint64(i), fmt.Sprintf("ну урод %d", i), moderation.Allow, "toxic")
			d.Matches[0].Rule = "model.toxic"
		}
		if err := l.Record(d); err != nil {
			t.Fatal(err)
		}
	}
	v, err := l.Refit(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if m := v.Metrics["toxic"]; m.ConfirmFrom != 0.9 || m.DeleteFrom != 0 {
		t.Errorf("ConfirmFrom %g (want 0.9: the rules' reviews at 0.9 were all removed), DeleteFrom %g (want 0: half of all at 0.9 were kept)", m.ConfirmFrom, m.DeleteFrom)
	}
}

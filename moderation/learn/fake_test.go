package learn

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/strazh/strazh/moderation"
)

// wordModel is a test double of the learned model: a text scores high for
// a label when it holds a word the model was told is that label's, low
// otherwise. Adapt adds the words of positive page examples and removes
// those of negative ones, so what it learns is easy to predict.
type wordModel struct {
	words map[string]map[string]bool // label → word → positive
}

func (m *wordModel) Score(label, text string) float64 {
	for _, w := range strings.Fields(text) {
		if m.words[label][w] {
			return 0.9
		}
	}
	return 0.1
}

func (m *wordModel) WriteTo(w io.Writer) (int64, error) {
	var lines []string
	for l, ws := range m.words {
		for word, ok := range ws {
			if ok {
				lines = append(lines, l+" "+word)
			}
		}
	}
	sort.Strings(lines)
	n, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return int64(n), err
}

func readWordModel(r io.Reader) (*wordModel, error) {
	m := &wordModel{words: map[string]map[string]bool{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if sc.Text() == "" {
			continue
		}
		l, w, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			return nil, fmt.Errorf("bad line %q", sc.Text())
		}
		if m.words[l] == nil {
			m.words[l] = map[string]bool{}
		}
		m.words[l][w] = true
	}
	return m, sc.Err()
}

// wordTrainer adapts wordModels; invert makes it learn the opposite of
// what the page says (a broken trainer the go-live rule must stop).
type wordTrainer struct {
	base   map[string][]string
	invert bool
	mu     sync.Mutex
	adapts int
	sizes  []int
}

func (t *wordTrainer) Base() Model {
	m := &wordModel{words: map[string]map[string]bool{}}
	for l, ws := range t.base {
		m.words[l] = map[string]bool{}
		for _, w := range ws {
			m.words[l][w] = true
		}
	}
	return m
}

func (t *wordTrainer) Adapt(page []moderation.Example) (Model, error) {
	t.mu.Lock()
	t.adapts++
	t.sizes = append(t.sizes, len(page))
	t.mu.Unlock()
	m := t.Base().(*wordModel)
	for _, e := range page {
		for _, l := range e.Scope {
			pos := slices.Contains(e.Labels, l) != t.invert
			if m.words[l] == nil {
				m.words[l] = map[string]bool{}
			}
			for _, w := range strings.Fields(e.Text) {
				m.words[l][w] = pos
			}
		}
	}
	return m, nil
}

func (t *wordTrainer) Read(r io.Reader) (Model, error) { return readWordModel(r) }

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

// memStore keeps examples and versions in memory, like moderation/store.
type memStore struct {
	mu       sync.Mutex
	examples map[uint64]moderation.Example
	versions []moderation.ModelVersion
	blobs    map[uint64][]byte
	live     uint64
}

func newMemStore() *memStore {
	return &memStore{examples: map[uint64]moderation.Example{}, blobs: map[uint64][]byte{}}
}

func (s *memStore) PutExample(e moderation.Example) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.examples[e.DecisionID] = e
	return nil
}

func (s *memStore) EachExample(fn func(moderation.Example) error) error {
	s.mu.Lock()
	ids := make([]uint64, 0, len(s.examples))
	for id := range s.examples {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	list := make([]moderation.Example, len(ids))
	for i, id := range ids {
		list[i] = s.examples[id]
	}
	s.mu.Unlock()
	for _, e := range list {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (s *memStore) CountExamples() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.examples), nil
}

func (s *memStore) SaveModel(v moderation.ModelVersion, blob []byte, live bool) (moderation.ModelVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v.Version = uint64(len(s.versions) + 1)
	v.Size = len(blob)
	s.versions = append(s.versions, v)
	s.blobs[v.Version] = slices.Clone(blob)
	if live {
		s.live = v.Version
	}
	return v, nil
}

func (s *memStore) ModelVersions() ([]moderation.ModelVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.versions), nil
}

func (s *memStore) LoadModel(version uint64) (moderation.ModelVersion, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if version == 0 || int(version) > len(s.versions) {
		return moderation.ModelVersion{}, nil, moderation.ErrNotFound
	}
	return s.versions[version-1], s.blobs[version], nil
}

func (s *memStore) LiveModel() (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live, nil
}

func (s *memStore) SetLiveModel(version uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if version != 0 && int(version) > len(s.versions) {
		return moderation.ErrNotFound
	}
	s.live = version
	return nil
}

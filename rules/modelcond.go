package rules

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
)

// ModelConfig is the `rules.model` section: which learned model the
// condition `model: {label: toxic, min: 0.9}` asks, and whether its score
// alone may delete.
type ModelConfig struct {
	// File is a model written by `strazh train` (relative to the config
	// file's directory). Empty: the model shipped in the binary. "none":
	// no model; model conditions never hold.
	File string `yaml:"file"`
	// Delete opts in to deleting on the model's score alone, per label:
	// the lowest score that deletes ({toxic: 0.98}). Without an entry the
	// model only sends to review: a rule that can fire on a model score
	// with no lexicon, link or disguised-word hit beside it is capped at
	// review unless every model condition in it has min >= this value.
	// Each entry also adds the rule model.delete.<label>. "auto": the
	// page's learner picks the threshold from the page's own decisions
	// (see Page); until it has, nothing is deleted on the model.
	Delete map[string]Threshold `yaml:"delete"`
	// Keep opts in, per label, to the page's model lowering a review that
	// only that label's rules asked for, when it scores the comment below
	// this ({toxic: 0.05}, or auto). It acts only once the model learned
	// the page (see WithPage).
	Keep map[string]Threshold `yaml:"keep"`
}

// minDelete is the lowest opt-in threshold accepted: below it the model is
// wrong too often to act without a human.
const minDelete = 0.5

func (c ModelConfig) validate() []error {
	var errs []error
	labels := make([]string, 0, len(c.Delete))
	for l := range c.Delete {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	for _, l := range labels {
		t := c.Delete[l]
		switch {
		case strings.TrimSpace(l) == "":
			errs = append(errs, errors.New("rules.model.delete: empty label"))
		case t == Auto:
		case !(t >= minDelete && t <= 1):
			errs = append(errs, fmt.Errorf("rules.model.delete.%s: %g out of %g..1 or auto (a lower score is wrong too often to delete without a human)", l, float64(t), minDelete))
		}
	}
	for _, l := range sortedKeys(c.Keep) {
		if t := c.Keep[l]; t != Auto && !(t > 0 && t <= maxKeep) {
			errs = append(errs, fmt.Errorf("rules.model.keep.%s: %g out of (0, %g] or auto (a higher score would keep comments the model finds rude)", l, float64(t), maxKeep))
		}
	}
	if c.File == "none" && len(c.Delete) > 0 {
		errs = append(errs, errors.New("rules.model.delete: needs a model, but rules.model.file is none"))
	}
	if c.File == "none" && len(c.Keep) > 0 {
		errs = append(errs, errors.New("rules.model.keep: needs a model, but rules.model.file is none"))
	}
	return errs
}

// loadModel reads the configured model; nil for "none".
func loadModel(c ModelConfig, baseDir string) (*model.Model, error) {
	switch c.File {
	case "none":
		return nil, nil
	case "":
		if err := model.ShippedErr(); err != nil {
			return nil, fmt.Errorf("rules.model: the shipped model: %w", err)
		}
		return model.Shipped(), nil
	}
	p := c.File
	if !filepath.IsAbs(p) {
		p = filepath.Join(baseDir, p)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("rules.model.file: %w", err)
	}
	m, err := model.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("rules.model.file: %s: %w", p, err)
	}
	return m, nil
}

var modelKeys = []string{"label", "min"}

// modelLeaf compiles {label: toxic, min: 0.9}: c.n indexes the builder's
// model labels, c.f is the minimum score.
func (c *compiler) modelLeaf(cd *cond, v *yaml.Node, key string) *cond {
	label, minSet := "", false
	cd.f = 0.5
	c.mapping(v, key, modelKeys, func(k string, kn, vn *yaml.Node) {
		switch k {
		case "label":
			label, _ = c.str(vn, join(key, k))
		case "min":
			cd.f, _ = c.number(vn, join(key, k), 0, 1)
			minSet = true
		}
	})
	if v.Kind != yaml.MappingNode {
		return nil
	}
	if label == "" {
		c.fail(v, key, "model needs label: (e.g. {label: toxic, min: 0.9})")
		return nil
	}
	if !minSet {
		c.fail(v, key, "model needs min: (the lowest score, 0..1)")
		return nil
	}
	cd.n = c.b.modelLabel(label)
	cd.strs = []string{label}
	cd.field = key
	return cd
}

func (b *builder) modelLabel(l string) int {
	for i, x := range b.modelLabels {
		if x == l {
			return i
		}
	}
	b.modelLabels = append(b.modelLabels, l)
	return len(b.modelLabels) - 1
}

// modelLeaves calls fn for every model condition in c.
func modelLeaves(c *cond, fn func(*cond)) {
	if c == nil {
		return
	}
	if c.kind == cModel {
		fn(c)
	}
	for _, k := range c.kids {
		modelLeaves(k, fn)
	}
}

// capModel keeps the model alone from deleting: a rule that may fire on a
// model score with no other evidence is capped at review unless the
// operator opted in for each of its model labels at or below its min.
func capModel(r *rule, cfg ModelConfig) {
	has, optedIn := false, true
	modelLeaves(r.cond, func(c *cond) {
		has = true
		t, ok := cfg.Delete[c.strs[0]]
		if !ok || t == Auto || c.f < float64(t) {
			optedIn = false
		}
	})
	if !has || optedIn {
		return
	}
	if _, needs := need(r.cond, modBits); needs {
		return // it needs a lexicon, link or disguised-word hit as well
	}
	if r.action > moderation.Review {
		r.action, r.banFor = moderation.Review, 0
	}
	if r.escalate != nil && r.escalate.action > moderation.Review {
		esc := *r.escalate
		esc.action, esc.banFor = moderation.Review, 0
		r.escalate = &esc
	}
}

// optInRules are the rules model.delete.<label> of rules.model.delete.
func optInRules(b *builder, cfg ModelConfig, order int) []*rule {
	labels := make([]string, 0, len(cfg.Delete))
	for l := range cfg.Delete {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	var out []*rule
	for _, l := range labels {
		r := &rule{id: "model.delete." + l, label: l, file: "config", pack: "model", action: moderation.Delete,
			enabled: true, order: order + len(out),
			cond: &cond{kind: cModel, n: b.modelLabel(l), f: float64(cfg.Delete[l]), strs: []string{l}, field: "rules.model.delete." + l,
				auto: cfg.Delete[l] == Auto}}
		r.reason, _ = parseTemplate("модель: {{match}}", r)
		out = append(out, r)
	}
	return out
}

// bindModel checks that m has every label the rules ask for and returns
// the map from the rules' model labels to m's.
func bindModel(all []*rule, labels []string, m *model.Model) ([]int, error) {
	idx := make([]int, len(labels))
	if m == nil {
		for i := range idx {
			idx[i] = -1
		}
		return idx, nil
	}
	var errs []error
	for i, l := range labels {
		idx[i] = m.Index(l)
		if idx[i] >= 0 {
			continue
		}
		for _, r := range all {
			modelLeaves(r.cond, func(c *cond) {
				if c.n == i {
					errs = append(errs, &FileError{File: r.file, Line: r.line, Key: c.field,
						Err: fmt.Errorf("the model has no label %q (it has %s)", l, strings.Join(m.Labels(), ", "))})
				}
			})
		}
	}
	return idx, errors.Join(errs...)
}

// Model returns the learned model the engine asks, or nil.
func (e *Engine) Model() *model.Model { return e.model }

// WithModel returns an engine with the same rules asking m instead (nil:
// no model), for a model adapted to the page; e is not changed. It fails
// when a rule asks for a label m lacks.
func (e *Engine) WithModel(m *model.Model) (*Engine, error) {
	idx, err := bindModel(e.all, e.modelLabels, m)
	if err != nil {
		return nil, err
	}
	ne := &Engine{all: e.all, rules: e.rules, gates: e.gates, cands: e.cands, files: e.files, lexicons: e.lexicons, nEntries: e.nEntries, lexBit: e.lexBit,
		tStart: e.tStart, tAny: e.tAny, tAnyWalk: e.tAnyWalk, masked: e.masked, forms: e.forms,
		trusted: e.trusted, modelLabels: e.modelLabels, model: m, modelIdx: idx, keep: e.keep}
	ne.setPage(m, Page{})
	ne.pool.New = func() any { return ne.newState() }
	return ne, nil
}

// modelScore is the model's score of the prepared comment for the rules'
// model label i; -1 without a model or label.
func (s *state) modelScore(i int) float64 {
	e := s.e
	if e.model == nil || e.modelIdx[i] < 0 {
		return -1
	}
	s.scoreModel()
	return s.scores[e.modelIdx[i]]
}

// scoreModel scores every label once per comment.
func (s *state) scoreModel() {
	if !s.scored {
		s.scored = true
		s.e.model.ScoreNormalized(s.text.N, s.scores[:s.e.model.NumLabels()])
	}
}

// maxModelLabels bounds the labels of a model the engine can ask.
const maxModelLabels = 16

// finishModel records the model's scores in the result: always when a rule
// asked, and for every comment sent to review or acted on, with a match
// model.score so the review card and the stored decision show them.
func (s *state) finishModel() {
	e, out := s.e, s.out
	if e.model == nil || (!s.scored && out.Verdict == moderation.Allow) {
		return
	}
	s.scoreModel()
	nl := e.model.NumLabels()
	for i := 0; i < nl; i++ {
		out.Scores = append(out.Scores, moderation.Score{Label: e.model.Label(i), Value: s.scores[i]})
	}
	if out.Verdict == moderation.Allow {
		return
	}
	a := len(s.arena) // the reason goes with the others' (see state.arena)
	s.arena = append(s.arena, "модель: "...)
	for i := 0; i < nl; i++ {
		if i > 0 {
			s.arena = append(s.arena, " · "...)
		}
		s.arena = append(s.arena, e.model.Label(i)...)
		s.arena = append(s.arena, ' ')
		s.arena = appendFixed2(s.arena, s.scores[i])
	}
	s.fix = append(s.fix, fixup{i: len(out.Matches), hasReason: true, reason: [2]int32{int32(a), int32(len(s.arena))}})
	out.Matches = append(out.Matches, moderation.Match{Rule: ScoreRule, Action: moderation.Allow})
}

// ScoreRule is the id of the match that carries the model's scores of a
// comment sent to review or acted on (its action is allow: it decides
// nothing).
const ScoreRule = "model.score"

// scoreMatch formats "toxic 0.93" for a model condition's {{match}}.
func scoreMatch(label string, v float64) string {
	return string(appendScore(nil, label, v))
}

// appendScore appends scoreMatch(label, v).
func appendScore(b []byte, label string, v float64) []byte {
	b = append(b, label...)
	b = append(b, ' ')
	return appendFixed2(b, v)
}

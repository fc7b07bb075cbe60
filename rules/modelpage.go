package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
)

// Threshold is a score in rules.model.delete and rules.model.keep: a
// number, or Auto ("auto"): the page's learner picks it from the page's
// own held-out decisions (see Page), and until it has, the entry does
// nothing.
type Threshold float64

// Auto is the Threshold "auto".
const Auto Threshold = -1

// UnmarshalYAML reads a number or "auto".
func (t *Threshold) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Value == "auto" {
		*t = Auto
		return nil
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		return fmt.Errorf("line %d: want a score (0..1) or auto", n.Line)
	}
	*t = Threshold(f)
	return nil
}

// MarshalYAML writes "auto" or the number.
func (t Threshold) MarshalYAML() (any, error) {
	if t == Auto {
		return "auto", nil
	}
	return float64(t), nil
}

// maxKeep is the highest keep threshold accepted: above it the page model
// would wave through comments it finds more likely rude than not.
const maxKeep = 0.5

// Page is what the page's learner knows of its model's scores on the
// page's own held-out decisions, per label: Delete, the lowest score from
// which they were (almost) all removed; Keep, the score below which they
// were (almost) all kept; Confirm, the lowest score from which the
// reviews were removed (99.5 %): with rules.model.delete set to auto, a
// review the label's rules asked for is a delete from there. It fills in
// the thresholds set to auto; 0 means not known (the entry does nothing).
// Budget holds the page's review budgets (model.learn.budget): a review
// only the model's rules asked for on such a label is sent when its
// budget says so, and allowed otherwise.
type Page struct {
	Delete  map[string]float64
	Keep    map[string]float64
	Confirm map[string]float64
	Budget  map[string]ReviewBudget
}

// ReviewBudget is a label's review budget on the page
// (moderation/learn.Budget): Ask says whether a review the model alone
// asks for at this score is sent, and takes one from the budget if so;
// Free adds one, a review of the rules' the page's model decided (kept or
// confirmed) instead of the moderator.
type ReviewBudget interface {
	Ask(score float64) bool
	Free()
}

// keepRule is one entry of rules.model.keep, or (confirm) one label of
// rules.model.delete set to auto: the page's model decides the reviews
// that label's rules ask for, keeping below the keep threshold, deleting
// from the confirm one.
type keepRule struct {
	label   string
	n       int     // the rules' model label
	min     float64 // Auto: from Page
	confirm bool
}

func keepRules(b *builder, cfg ModelConfig) []keepRule {
	var out []keepRule
	for _, l := range sortedKeys(cfg.Keep) {
		out = append(out, keepRule{label: l, n: b.modelLabel(l), min: float64(cfg.Keep[l])})
	}
	for _, l := range sortedKeys(cfg.Delete) {
		if cfg.Delete[l] == Auto {
			out = append(out, keepRule{label: l, n: b.modelLabel(l), min: float64(Auto), confirm: true})
		}
	}
	return out
}

func sortedKeys(m map[string]Threshold) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// WithPage is WithModel for the page's adapted model m with what its
// learner measured: the auto thresholds of rules.model.delete and
// rules.model.keep come from p. rules.model.keep acts only with a model
// that learned the page (model.Info().Adapted > 0): a model that never
// saw this page's decisions does not lower a review.
func (e *Engine) WithPage(m *model.Model, p Page) (*Engine, error) {
	ne, err := e.WithModel(m)
	if err != nil {
		return nil, err
	}
	ne.setPage(m, p)
	return ne, nil
}

// setPage fills the engine's page thresholds (index: the rules' model
// labels; delete 2 and keep 0 never act).
func (e *Engine) setPage(m *model.Model, p Page) {
	e.pageDelete = make([]float64, len(e.modelLabels))
	e.pageKeep = make([]float64, len(e.modelLabels))
	e.pageConfirm = make([]float64, len(e.modelLabels))
	e.pageBudget = nil
	for i, l := range e.modelLabels {
		e.pageDelete[i], e.pageKeep[i], e.pageConfirm[i] = 2, 0, 2
		if b := p.Budget[l]; b != nil {
			if e.pageBudget == nil {
				e.pageBudget = make([]ReviewBudget, len(e.modelLabels))
			}
			e.pageBudget[i] = b
		}
		if t, ok := p.Confirm[l]; ok && t >= minDelete && t <= 1 {
			e.pageConfirm[i] = t
		}
		if t, ok := p.Delete[l]; ok && t >= minDelete && t <= 1 {
			e.pageDelete[i] = t
		}
		if t, ok := p.Keep[l]; ok && t > 0 && t <= maxKeep {
			e.pageKeep[i] = t
		}
	}
	e.pageLearned = m != nil && m.Info().Adapted > 0
	e.pageShort = nil
	for _, r := range e.rules {
		if !strings.HasPrefix(r.id, "model.") || r.action != moderation.Review {
			continue
		}
		for i, l := range e.modelLabels {
			if l == moderation.ModelLabel(r.label) && i < len(e.pageBudget) && e.pageBudget[i] != nil {
				if e.pageShort == nil {
					e.pageShort = make([][]*rule, len(e.modelLabels))
				}
				e.pageShort[i] = append(e.pageShort[i], r)
			}
		}
	}
}

// A short comment gives the shipped model few features, so the model
// pack asks for review below 40 characters only from 0.95 (against 0.6
// on longer ones). On a page whose moderator removes at least half of
// what the model alone sends (PayingBudget), the page's model is trusted
// at the long texts' score there too: on russe_detox (the shipped model,
// auto, seeds 1–3, second half) its 0.6+ short comments are 23–26 a half,
// 70–78 % toxic.
const (
	pageShortLen = 40
	pageShortMin = 0.6
)

// PayingBudget is a ReviewBudget that knows whether the reviews the model
// alone asks for pay off on the page (moderation/learn.Budget.PaysOff).
type PayingBudget interface {
	ReviewBudget
	PaysOff() bool
}

// pageAsk sends to review a short comment nothing flagged that the page's
// model scores from pageShortMin, on a label whose model rule is on and
// whose budget pays off (the match model.page.<label>). It never acts for
// an exempt author or a model that did not learn the page.
func (s *state) pageAsk() {
	e, out := s.e, s.out
	if !e.pageLearned || e.pageShort == nil || len(out.Matches) > 0 || s.text.Runes >= pageShortLen || s.c.Author.Exempt() {
		return
	}
	for i, rs := range e.pageShort {
		b, ok := e.pageBudget[i].(PayingBudget)
		if !forAccount(rs, s.c.Account) || !ok || !b.PaysOff() {
			continue
		}
		v := s.modelScore(i)
		if v < pageShortMin {
			continue
		}
		l := e.modelLabels[i]
		out.Verdict = moderation.Review
		out.Matches = append(out.Matches, moderation.Match{Rule: "model.page." + l, Label: l, Action: moderation.Review,
			Reason: "модель страницы: " + scoreMatch(l, v) + " — здесь модератор удаляет бо́льшую часть того, что присылает одна модель", Matched: scoreMatch(l, v)})
		return
	}
}

// forAccount says whether one of rs runs on account's comments (a rule
// with accounts runs on those only).
func forAccount(rs []*rule, account string) bool {
	for _, r := range rs {
		if len(r.accounts) == 0 || contains(r.accounts, account) {
			return true
		}
	}
	return false
}

// autoMin is the page's delete threshold for the rules' model label n.
func (e *Engine) autoMin(n int) float64 {
	if n < len(e.pageDelete) {
		return e.pageDelete[n]
	}
	return 2
}

// pageModel lets the page's model decide a review: every rule that asked
// for more than allow asked for review on one label, and the comment is
// not urgent. Below that label's rules.model.keep threshold it is
// allowed; from its confirm threshold (rules.model.delete: auto), when a
// rule other than the model's asked, it is deleted. It never lowers a
// delete, a ban or an urgent review, and acts only with a model that
// learned the page.
func (s *state) pageModel() {
	e, out := s.e, s.out
	if out.Verdict == moderation.Allow {
		s.pageAsk()
		return
	}
	if e.pageBudget != nil && e.pageLearned && out.Verdict >= moderation.Delete {
		s.freedByDelete()
		return
	}
	if (len(e.keep) == 0 && e.pageBudget == nil) || !e.pageLearned || out.Verdict != moderation.Review || out.Urgent {
		return
	}
	label, byRule := "", false
	for _, m := range out.Matches {
		if m.Action == moderation.Allow {
			continue
		}
		l := moderation.ModelLabel(m.Label)
		if m.Action != moderation.Review || l == "" || (label != "" && l != label) {
			return
		}
		label = l
		byRule = byRule || !strings.HasPrefix(m.Rule, "model.")
	}
	if !byRule && s.overBudget(label) {
		return
	}
	for _, k := range e.keep {
		if k.label != label || (k.confirm && !byRule) {
			continue
		}
		v := s.modelScore(k.n)
		if v < 0 {
			return
		}
		if k.confirm {
			if t := e.pageConfirm[k.n]; v >= t {
				out.Verdict = moderation.Delete
				s.freed(k.n)
				out.Matches = append(out.Matches, moderation.Match{Rule: "model.confirm." + label, Label: label, Action: moderation.Delete,
					Reason: "модель страницы: " + scoreMatch(label, v) + " — такое здесь удаляют", Matched: scoreMatch(label, v)})
				return
			}
			continue
		}
		t := k.min
		if k.min == float64(Auto) {
			t = e.pageKeep[k.n]
		}
		if v >= t {
			continue
		}
		out.Verdict = moderation.Allow
		s.freed(k.n)
		out.Matches = append(out.Matches, moderation.Match{Rule: "model.keep." + label, Label: label, Action: moderation.Allow,
			Reason: "модель страницы: " + scoreMatch(label, v) + " — такое здесь оставляют", Matched: scoreMatch(label, v)})
		return
	}
}

// overBudget allows a review only the model's rules asked for on label
// when the page's review budget for it (Page.Budget) does not send it,
// and says whether it did. A review it lets through has taken one from
// the budget.
func (s *state) overBudget(label string) bool {
	e, out := s.e, s.out
	for i, l := range e.modelLabels {
		if l != label || i >= len(e.pageBudget) || e.pageBudget[i] == nil {
			continue
		}
		v := s.modelScore(i)
		if v < 0 || e.pageBudget[i].Ask(v) {
			return false
		}
		out.Verdict = moderation.Allow
		out.Matches = append(out.Matches, moderation.Match{Rule: "model.budget." + label, Label: label, Action: moderation.Allow,
			Reason: "модель страницы: " + scoreMatch(label, v) + " — на проверку не отправлено: здесь модератор оставляет бо́льшую часть того, что присылает одна модель, а снятых с него проверок не осталось", Matched: scoreMatch(label, v)})
		return true
	}
	return false
}

// freed tells the page's review budget of model label n that the page's
// model decided one of the rules' reviews.
func (s *state) freed(n int) {
	if n < len(s.e.pageBudget) && s.e.pageBudget[n] != nil {
		s.e.pageBudget[n].Free()
	}
}

// freedByDelete frees one review of a label's budget when the page's
// auto delete (model.delete.<label>, rules.model.delete: auto or a
// number) deleted a comment the rules alone would have sent to review: a
// rule other than the model's asked for review and none for more.
func (s *state) freedByDelete() {
	label, byRule := "", false
	for _, m := range s.out.Matches {
		switch {
		case m.Action == moderation.Allow:
		case m.Action >= moderation.Delete && strings.HasPrefix(m.Rule, "model.delete."):
			label = moderation.ModelLabel(m.Label)
		case m.Action >= moderation.Delete:
			return // the rules alone delete it too
		case !strings.HasPrefix(m.Rule, "model."):
			byRule = true
		}
	}
	if label == "" || !byRule {
		return
	}
	for i, l := range s.e.modelLabels {
		if l == label {
			s.freed(i)
			return
		}
	}
}

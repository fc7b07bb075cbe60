package learn

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/strazh/strazh/moderation"
)

// Tolerance of the go-live rule: differences this small are ties, and a
// tie goes live (it has learned from more of the page).
const (
	tolF1      = 0.005
	tolLogLoss = 0.005
)

// Refit adapts the shipped model to the page's examples and keeps the
// result as a new version. It goes live when it is not worse than the live
// model on the held-out examples (see goLive). It returns ErrRunning when
// another refit runs and ErrTooFew below MinExamples; by says who asked
// ("schedule", "cli:anna").
//
// The held-out examples are the newest fifth. A model adapted on the rest
// is scored on them beside the live model; the version kept and made live
// is then adapted on every example, so it knows the newest decisions too.
// The live model may have learned from some of the held-out examples
// (those before its Seen): that favours it, so the rule errs toward
// keeping what runs.
func (l *Learner) Refit(ctx context.Context, by string) (moderation.ModelVersion, error) {
	if !l.refit.TryLock() {
		return moderation.ModelVersion{}, ErrRunning
	}
	defer l.refit.Unlock()
	l.mu.Lock()
	l.running, l.lastRefit = true, l.now()
	pending, live := l.newSince, l.live
	l.mu.Unlock()
	v, err := l.refitLocked(ctx, by, live)
	l.mu.Lock()
	l.running = false
	l.lastErr = ""
	if err != nil {
		l.lastErr = err.Error()
	} else {
		l.newSince = max(0, l.newSince-pending)
	}
	l.mu.Unlock()
	return v, err
}

func (l *Learner) refitLocked(ctx context.Context, by string, live moderation.ModelVersion) (moderation.ModelVersion, error) {
	all, err := l.examples()
	if err != nil {
		return moderation.ModelVersion{}, err
	}
	if len(all) < l.cfg.MinExamples {
		return moderation.ModelVersion{}, fmt.Errorf("learn: %d examples, need %d: %w", len(all), l.cfg.MinExamples, ErrTooFew)
	}
	cut := len(all) - max(1, len(all)/5)
	train, held := all[:cut], all[cut:]
	liveModel, err := l.liveModel(live)
	if err != nil {
		return moderation.ModelVersion{}, err
	}
	if ctx.Err() != nil {
		return moderation.ModelVersion{}, ctx.Err()
	}
	probe, err := l.tr.Adapt(train)
	if err != nil {
		return moderation.ModelVersion{}, fmt.Errorf("learn: adapt on %d examples: %w", len(train), err)
	}
	// The live model is compared only on held-out examples it has not
	// learned from (else it would be judged on its own training data);
	// with too few of those, on every held-out example.
	cmp := held
	if fresh := unseen(held, live.Seen); len(fresh) >= minCompare {
		cmp = fresh
	}
	cand := Measure(probe, cmp, l.cfg.Labels)
	base := Measure(liveModel, cmp, l.cfg.Labels)
	ok, why := goLive(cand, base, l.cfg.Labels)
	if err := l.pageThresholds(ctx, all, cut, probe, cand); err != nil {
		return moderation.ModelVersion{}, err
	}
	if ctx.Err() != nil {
		return moderation.ModelVersion{}, ctx.Err()
	}
	final, err := l.tr.Adapt(all)
	if err != nil {
		return moderation.ModelVersion{}, fmt.Errorf("learn: adapt on %d examples: %w", len(all), err)
	}
	var buf bytes.Buffer
	if _, err := final.WriteTo(&buf); err != nil {
		return moderation.ModelVersion{}, fmt.Errorf("learn: write model: %w", err)
	}
	v := moderation.ModelVersion{Created: l.now(), Examples: len(all), Seen: all[len(all)-1].DecisionID,
		Metrics: cand, Baseline: base, Base: live.Version, Note: why, By: by, WentLive: ok}
	v, err = l.vs.SaveModel(v, buf.Bytes(), ok)
	if err != nil {
		return v, err
	}
	if ok {
		l.use(final, v)
		l.log.Info("model refit went live", "version", v.Version, "examples", v.Examples, "why", why)
	} else {
		l.log.Warn("model refit kept but not live", "version", v.Version, "examples", v.Examples, "why", why)
	}
	return v, nil
}

// minCompare is the fewest unseen held-out examples the go-live rule
// compares on.
const minCompare = 40

func unseen(ex []moderation.Example, seen uint64) []moderation.Example {
	var out []moderation.Example
	for _, e := range ex {
		if e.DecisionID > seen {
			out = append(out, e)
		}
	}
	return out
}

func (l *Learner) examples() ([]moderation.Example, error) {
	var all []moderation.Example
	err := l.ex.EachExample(func(e moderation.Example) error {
		all = append(all, e)
		if len(all) > l.cfg.MaxExamples {
			// Oldest first: drop the oldest, keep memory bounded.
			all = slices.Delete(all, 0, len(all)-l.cfg.MaxExamples)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("learn: read examples: %w", err)
	}
	return all, nil
}

func (l *Learner) liveModel(live moderation.ModelVersion) (Model, error) {
	if live.Version == 0 {
		return l.tr.Base(), nil
	}
	m, _, err := l.read(live.Version)
	return m, err
}

// goLive is the rule: the new version goes live when, on the held-out
// examples, no label's F1 is lower than the live model's and the summed
// log-loss of the labels is not higher (each within a small tolerance).
// Labels without held-out examples do not count; with none at all the new
// version goes live (it learned from more of the page).
func goLive(cand, base map[string]moderation.LabelMetrics, labels []string) (bool, string) {
	var lc, lb float64
	var parts []string
	for _, l := range labels {
		c, b := cand[l], base[l]
		if c.Examples == 0 {
			continue
		}
		if c.F1 < b.F1-tolF1 {
			return false, fmt.Sprintf("held-out %s F1 %.3f < live %.3f", l, c.F1, b.F1)
		}
		lc += c.LogLoss
		lb += b.LogLoss
		parts = append(parts, fmt.Sprintf("%s F1 %.3f (live %.3f)", l, c.F1, b.F1))
	}
	if len(parts) == 0 {
		return true, "no held-out examples to compare on"
	}
	if lc > lb+tolLogLoss {
		return false, fmt.Sprintf("held-out log-loss %.3f > live %.3f", lc, lb)
	}
	return true, "held-out " + strings.Join(parts, ", ") + fmt.Sprintf(", log-loss %.3f (live %.3f)", lc, lb)
}

// Measure scores m on the examples, per label among labels, counting only
// examples with the label in scope (toxic positives include obscenity,
// insult and threat), at 0.5.
func Measure(m Model, ex []moderation.Example, labels []string) map[string]moderation.LabelMetrics {
	out := make(map[string]moderation.LabelMetrics, len(labels))
	for _, label := range labels {
		var lm moderation.LabelMetrics
		var tp, fp, fn int
		var loss float64
		for i := range ex {
			e := &ex[i]
			if !inScope(e.Scope, label) {
				continue
			}
			pos := positive(e.Labels, label)
			p := m.Score(label, e.Text)
			lm.Examples++
			q := min(max(p, 1e-6), 1-1e-6)
			if pos {
				lm.Positives++
				loss -= math.Log(q)
			} else {
				loss -= math.Log(1 - q)
			}
			switch {
			case p >= 0.5 && pos:
				tp++
			case p >= 0.5:
				fp++
			case pos:
				fn++
			}
		}
		if lm.Examples > 0 {
			lm.LogLoss = loss / float64(lm.Examples)
		}
		lm.Precision = ratio(tp, tp+fp)
		lm.Recall = ratio(tp, tp+fn)
		if lm.Precision+lm.Recall > 0 {
			lm.F1 = 2 * lm.Precision * lm.Recall / (lm.Precision + lm.Recall)
		}
		out[label] = lm
	}
	return out
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func inScope(scope []string, label string) bool {
	for _, s := range scope {
		if moderation.ModelLabel(s) == label {
			return true
		}
	}
	return false
}

func positive(labels []string, label string) bool {
	for _, s := range labels {
		if moderation.ModelLabel(s) == label {
			return true
		}
	}
	return false
}

// Rollback makes a kept version (or 0, the shipped model) live.
// It waits for a running refit, so that refit cannot undo the rollback.
func (l *Learner) Rollback(version uint64) (moderation.ModelVersion, error) {
	l.refit.Lock()
	defer l.refit.Unlock()
	var m Model
	var v moderation.ModelVersion
	if version == 0 {
		m = l.tr.Base()
	} else {
		var err error
		if m, v, err = l.read(version); err != nil {
			return v, fmt.Errorf("learn: rollback: %w", err)
		}
	}
	if err := l.vs.SetLiveModel(version); err != nil {
		return v, fmt.Errorf("learn: rollback: %w", err)
	}
	l.use(m, v)
	l.log.Warn("model rolled back", "version", version)
	return v, nil
}

// Status is what `strazh model status` shows.
type Status struct {
	Live      moderation.ModelVersion `json:"live"` // Version 0: the shipped model
	Examples  int                     `json:"examples"`
	NewSince  int                     `json:"new_since_refit"`
	Due       bool                    `json:"refit_due"`
	Running   bool                    `json:"refit_running"`
	LastRefit string                  `json:"last_refit,omitempty"` // RFC 3339, since the start
	LastError string                  `json:"last_error,omitempty"`
	// Budget: the reviews the model alone may still send, per budgeted
	// label (model.learn.budget; only a running daemon's learner has it).
	Budget map[string]int64 `json:"review_budget,omitempty"`
}

// Status reports the live version and the schedule's state.
func (l *Learner) Status() (Status, error) {
	n, err := l.ex.CountExamples()
	if err != nil {
		return Status{}, err
	}
	due := l.Due()
	l.mu.Lock()
	defer l.mu.Unlock()
	s := Status{Live: l.live, Examples: n, NewSince: l.newSince, Due: due, Running: l.running, LastError: l.lastErr}
	if !l.lastRefit.IsZero() {
		s.LastRefit = l.lastRefit.Format("2006-01-02T15:04:05Z07:00")
	}
	for label, b := range l.budgets {
		if s.Budget == nil {
			s.Budget = map[string]int64{}
		}
		s.Budget[label] = b.Left()
	}
	return s, nil
}

// Versions lists the kept versions, oldest first.
func (l *Learner) Versions() ([]moderation.ModelVersion, error) { return l.vs.ModelVersions() }

// Export writes the live model (or a kept version) in the model's format.
func (l *Learner) Export(version uint64, w interface{ Write([]byte) (int, error) }) error {
	if version == 0 {
		l.mu.Lock()
		version = l.live.Version
		l.mu.Unlock()
	}
	if version == 0 {
		_, err := l.tr.Base().WriteTo(w)
		return err
	}
	_, blob, err := l.vs.LoadModel(version)
	if err != nil {
		return err
	}
	_, err = w.Write(blob)
	return err
}

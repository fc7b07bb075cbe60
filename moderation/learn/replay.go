package learn

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Row is one labelled comment of a replay, in the corpus's semantics.
type Row struct {
	Text   string
	Labels []string
	Scope  []string
}

// ReplayOptions configure Replay.
type ReplayOptions struct {
	// Engine decides each comment: the rules with the base model, exactly
	// as the daemon starts (the rules alone when Trainer is nil).
	Engine moderation.Evaluator
	// Trainer supplies the model the page learns; nil replays Engine as
	// it is.
	Trainer Trainer
	// Bind makes the engine for a model that went live, as the daemon's
	// swap does (the same rules asking the page's model).
	Bind func(Model, moderation.ModelVersion) (moderation.Evaluator, error)
	// Learn makes the model learn from the moderator's decisions, with
	// Config's schedule (the After part; time does not pass in a replay).
	Learn  bool
	Config Config
	Window int // comments per window (default 1000)
	// Budgets are the page's review budgets Bind's engines take from;
	// the learner fills them, as in the daemon.
	Budgets map[string]*Budget
}

// Missed counts positives that ended allowed.
type Missed struct {
	Toxic int `json:"toxic"`
	Spam  int `json:"spam"`
}

// WindowReport is one window of a replay (or the total).
type WindowReport struct {
	From         int    `json:"from"`
	To           int    `json:"to"`
	Reviewed     int    `json:"reviewed"`
	Missed       Missed `json:"missed"`
	CleanDeleted int    `json:"clean_deleted"`
	Learned      int    `json:"learned"`
}

// ReplayReport is the result of a replay; its JSON is the contract of
// `strazh replay -json`.
type ReplayReport struct {
	Comments int            `json:"comments"`
	Window   int            `json:"window"`
	Windows  []WindowReport `json:"windows"`
	Total    WindowReport   `json:"total"`
	// Versions are the model versions the replay made (not in the JSON).
	Versions []moderation.ModelVersion `json:"-"`
}

// Replay plays a page: rows arrive in order, the engine (the rules asking
// the live model) decides each, and the rows' labels play the moderator,
// who decides every review (delete when the row is positive for a label in
// its scope, keep otherwise) and restores every clean comment the engine
// deleted on its own. With Learn, every such decision goes to a Learner
// exactly as the pipeline hands it one; a refit runs whenever the schedule
// says it is due, before the next comment (synchronously, so a replay is
// deterministic), and a version that goes live is bound into the engine
// as the daemon binds it.
//
// The moderator knows only the row's scope: the example of a decision is
// limited to it, so a spam file's "not spam" never teaches "not toxic".
func Replay(rows []Row, o ReplayOptions) (*ReplayReport, error) {
	if o.Window <= 0 {
		o.Window = 1000
	}
	if o.Engine == nil {
		return nil, fmt.Errorf("replay: no engine")
	}
	ev := o.Engine
	var l *Learner
	var bindErr error
	mem := NewMemStore()
	cut := &scopeCut{Examples: mem}
	if o.Trainer != nil && o.Learn {
		if o.Bind == nil {
			return nil, fmt.Errorf("replay: learning needs Bind")
		}
		var err error
		l, err = New(o.Config, Deps{Examples: cut, Versions: mem, Trainer: o.Trainer,
			Swap: func(m Model, v moderation.ModelVersion) {
				if v.Version == 0 {
					ev = o.Engine // the base model: the engine as given
					return
				}
				e, err := o.Bind(m, v)
				if err != nil {
					bindErr = fmt.Errorf("replay: version %d: %w", v.Version, err)
					return
				}
				ev = e
			},
			Now: func() time.Time { return time.Unix(0, 0) }, Budgets: o.Budgets})
		if err != nil {
			return nil, err
		}
		if err := l.Load(); err != nil {
			return nil, err
		}
	}
	rep := &ReplayReport{Comments: len(rows), Window: o.Window}
	var cur WindowReport
	var res moderation.Result
	decided := 0
	for i := range rows {
		if i%o.Window == 0 {
			if i > 0 {
				rep.Windows = append(rep.Windows, cur)
			}
			cur = WindowReport{From: i, To: min(i+o.Window, len(rows))}
		}
		r := &rows[i]
		c := moderation.Comment{ID: fmt.Sprint("replay:", i), Account: "replay", Text: r.Text}
		res.Reset()
		ev.Evaluate(&c, nil, &res)
		final := res.Verdict
		var d *moderation.Decision
		if res.Verdict == moderation.Review {
			cur.Reviewed++
			final = moderation.Allow
			if rowPositive(r) {
				final = moderation.Delete
			}
			d = &moderation.Decision{ID: uint64(i + 1), Comment: c, Verdict: res.Verdict,
				Labels: slices.Clone(res.Labels), Matches: slices.Clone(res.Matches),
				Review: &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: final, By: "replay"}}
		} else if res.Verdict >= moderation.Delete && !rowPositive(r) && deletedInScope(&res, r.Scope) {
			// The moderator sees the clean comment gone and restores it.
			d = &moderation.Decision{ID: uint64(i + 1), Comment: c, Verdict: res.Verdict,
				Labels: slices.Clone(res.Labels), Matches: slices.Clone(res.Matches), UndoneBy: "replay"}
		} else if res.Verdict >= moderation.Delete && moderation.ConfirmedByModel(res.Matches) {
			// A delete the page's model confirmed that nobody restores.
			d = &moderation.Decision{ID: uint64(i + 1), Comment: c, Verdict: res.Verdict, DecidedBy: moderation.ByAuto,
				Labels: slices.Clone(res.Labels), Matches: slices.Clone(res.Matches)}
		}
		if l != nil && d != nil {
			cut.scope = r.Scope
			before := l.Learned()
			if err := l.Record(d); err != nil {
				return nil, err
			}
			if d.DecidedBy != moderation.ByAuto {
				// learned counts the moderator's decisions the learner took (the
				// contract), not the model's own confirmed deletes.
				decided += l.Learned() - before
			}
			if l.Due() {
				if _, err := l.Refit(context.Background(), "replay"); err != nil {
					return nil, fmt.Errorf("replay: row %d: refit: %w", i, err)
				}
				if bindErr != nil {
					return nil, bindErr
				}
			}
		}
		for _, label := range []string{moderation.LabelToxic, moderation.LabelSpam} {
			if final == moderation.Allow && inScope(r.Scope, label) && positive(r.Labels, label) {
				if label == moderation.LabelToxic {
					cur.Missed.Toxic++
				} else {
					cur.Missed.Spam++
				}
			}
		}
		if final >= moderation.Delete && !rowPositive(r) && deletedInScope(&res, r.Scope) {
			cur.CleanDeleted++
		}
		cur.Learned = decided
	}
	if len(rows) > 0 {
		rep.Windows = append(rep.Windows, cur)
	}
	rep.Windows = slices.DeleteFunc(rep.Windows, func(w WindowReport) bool { return w.To == w.From })
	rep.Total = WindowReport{From: 0, To: len(rows)}
	for _, w := range rep.Windows {
		rep.Total.Reviewed += w.Reviewed
		rep.Total.Missed.Toxic += w.Missed.Toxic
		rep.Total.Missed.Spam += w.Missed.Spam
		rep.Total.CleanDeleted += w.CleanDeleted
		rep.Total.Learned = w.Learned
	}
	if rep.Windows == nil {
		rep.Windows = []WindowReport{}
	}
	rep.Versions, _ = mem.ModelVersions()
	return rep, nil
}

// rowPositive: the row is positive for some label in its scope.
func rowPositive(r *Row) bool {
	for _, l := range r.Labels {
		if slices.Contains(r.Scope, l) || (moderation.ModelLabel(l) == moderation.LabelToxic && slices.Contains(r.Scope, moderation.LabelToxic)) {
			return true
		}
	}
	return false
}

// deletedInScope: a rule whose label is in the row's scope (or
// that has no label) asked for delete or ban, so a clean row's deletion
// counts; мат deleted in a spam-only file is unknown, as `strazh eval`
// scores it.
func deletedInScope(res *moderation.Result, scope []string) bool {
	for _, m := range res.Matches {
		if m.Action >= moderation.Delete && (m.Label == "" || inScope(scope, moderation.ModelLabel(m.Label))) {
			return true
		}
	}
	return false
}

// scopeCut keeps examples limited to what the replay's moderator knows:
// the current row's scope.
type scopeCut struct {
	moderation.Examples
	scope []string
}

func (c *scopeCut) PutExample(e moderation.Example) error {
	var sc, lb []string
	for _, s := range e.Scope {
		if inScope(c.scope, s) {
			sc = append(sc, s)
			if slices.Contains(e.Labels, s) {
				lb = append(lb, s)
			}
		}
	}
	if len(sc) == 0 {
		return errNotKept // the moderator knows nothing of these labels here
	}
	e.Scope, e.Labels = sc, lb
	return c.Examples.PutExample(e)
}

// Package learn makes the page's model learn from its moderator: each human
// decision becomes a labelled example (moderation.ExampleFromDecision),
// and a refit adapts the shipped model to the page's examples, measures
// the result on examples the live model has not seen, keeps it as a new
// version and makes it live when it is not worse. It is pure except for
// what it is given: the examples and versions store, the trainer and the
// function that hands a live model to the rule engine.
package learn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Model is what the learner needs of a model.
type Model interface {
	Score(label, text string) float64
	WriteTo(w io.Writer) (int64, error)
}

// Trainer makes models. Adapt returns the shipped model plus a delta
// learned from the page's examples (they outweigh the shipped data); it
// must be deterministic. Read reads a model WriteTo wrote.
type Trainer interface {
	Base() Model
	Adapt(page []moderation.Example) (Model, error)
	Read(r io.Reader) (Model, error)
}

// Config is the refit schedule (config keys model.learn.*).
type Config struct {
	// Every is how often a refit is due once there is anything new.
	Every time.Duration
	// After makes a refit due as soon as this many new examples came in
	// since the last one (the only trigger in `strazh replay`).
	After int
	// MinExamples: no refit before the page has this many examples.
	MinExamples int
	// MaxExamples bounds a refit's time and memory: only the newest this
	// many examples are learned from.
	MaxExamples int
	// Labels are measured for the go-live rule (toxic, spam).
	Labels []string
	// Budget are the labels whose reviews only the model asks for are
	// held to the reviews the page's model took off the moderator (see
	// Budget): for them, learning never raises the review load above the
	// rules alone. The wiring makes one Budget per label (Deps.Budgets).
	Budget []string
}

// DefaultConfig is what the daemon uses without model.learn keys.
func DefaultConfig() Config {
	return Config{Every: 6 * time.Hour, After: 200, MinExamples: 50, MaxExamples: 50_000,
		Labels: []string{moderation.LabelToxic, moderation.LabelSpam}, Budget: []string{moderation.LabelToxic}}
}

// Errors of Refit and Rollback.
var (
	// errNotKept: the store chose not to keep an example (a replay's
	// moderator knows only some labels).
	errNotKept = errors.New("example not kept")
	ErrTooFew  = errors.New("too few examples to learn from")
	ErrRunning = errors.New("a refit is already running")
)

// Learner records examples and refits the page's model. Record, Status and
// Rollback are safe to call while a refit runs; one refit runs at a time.
type Learner struct {
	cfg   Config
	ex    moderation.Examples
	vs    moderation.ModelVersions
	tr    Trainer
	swap  func(Model, moderation.ModelVersion)
	log   *slog.Logger
	now   func() time.Time
	refit sync.Mutex // held by a running refit (TryLock for on-demand ones)
	kick  chan struct{}

	mu        sync.Mutex // guards what follows
	live      moderation.ModelVersion
	newSince  int
	lastRefit time.Time
	lastErr   string
	running   bool
	learned   atomic.Int64
	budgets   map[string]*Budget
}

// Deps are what a Learner works with. Swap is called with every model
// that becomes live (at Load, after a refit that passes, on rollback); it
// must not block for long (the daemon swaps the engine atomically).
type Deps struct {
	Examples moderation.Examples
	Versions moderation.ModelVersions
	Trainer  Trainer
	Swap     func(Model, moderation.ModelVersion)
	Logger   *slog.Logger
	Now      func() time.Time
	// Budgets, when set, are the page's review budgets by label
	// (Config.Budget): Load fills them from the examples; the rule engine
	// adds to them and takes from them as it decides.
	Budgets map[string]*Budget
}

// New builds a learner; it does no I/O (Load reads the live version).
func New(cfg Config, d Deps) (*Learner, error) {
	if d.Examples == nil || d.Versions == nil || d.Trainer == nil {
		return nil, errors.New("learn: examples, versions and trainer are required")
	}
	if cfg.MinExamples < 1 {
		cfg.MinExamples = 1
	}
	if cfg.MaxExamples <= 0 {
		cfg.MaxExamples = DefaultConfig().MaxExamples
	}
	if len(cfg.Labels) == 0 {
		cfg.Labels = DefaultConfig().Labels
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Swap == nil {
		d.Swap = func(Model, moderation.ModelVersion) {}
	}
	return &Learner{cfg: cfg, ex: d.Examples, vs: d.Versions, tr: d.Trainer, swap: d.Swap,
		log: d.Logger, now: d.Now, kick: make(chan struct{}, 1), budgets: d.Budgets}, nil
}

// Load makes the stored live version live (the shipped model when there is
// none, or when the stored one cannot be read: the daemon keeps running
// and says why).
func (l *Learner) Load() error {
	live, err := l.vs.LiveModel()
	if err != nil {
		l.use(l.tr.Base(), moderation.ModelVersion{})
		return fmt.Errorf("learn: live model: %w", err)
	}
	m, v := l.tr.Base(), moderation.ModelVersion{}
	var rerr error
	if live != 0 {
		if m, v, rerr = l.read(live); rerr != nil {
			m, v = l.tr.Base(), moderation.ModelVersion{}
			rerr = fmt.Errorf("learn: live model version %d cannot be read, using the shipped model: %w", live, rerr)
		}
	}
	// Examples the live model has not learned from count as new, so the
	// schedule picks them up after a restart.
	n, fresh := 0, 0
	err = l.ex.EachExample(func(e moderation.Example) error {
		n++
		if e.DecisionID > v.Seen {
			fresh++
		}
		return nil
	})
	l.learned.Store(int64(n))
	if err == nil {
		err = l.loadBudgets()
	}
	l.mu.Lock()
	l.newSince = fresh
	l.lastRefit = v.Created // the shipped model: never
	l.mu.Unlock()
	l.use(m, v)
	if err != nil {
		return errors.Join(rerr, fmt.Errorf("learn: examples: %w", err))
	}
	return rerr
}

// loadBudgets fills the review budgets from the examples decided since
// the page's first version (none yet: nothing to take from).
func (l *Learner) loadBudgets() error {
	if len(l.budgets) == 0 {
		return nil
	}
	vs, err := l.vs.ModelVersions()
	if err != nil {
		return err
	}
	for label, b := range l.budgets {
		n := int64(0)
		if len(vs) > 0 {
			if n, err = budgetOf(l.ex, label, vs[0].Seen, b); err != nil {
				return err
			}
		}
		b.set(n)
	}
	return nil
}

func (l *Learner) read(version uint64) (Model, moderation.ModelVersion, error) {
	v, blob, err := l.vs.LoadModel(version)
	if err != nil {
		return nil, v, err
	}
	m, err := l.tr.Read(bytes.NewReader(blob))
	if err != nil {
		return nil, v, fmt.Errorf("model version %d: %w", version, err)
	}
	return m, v, nil
}

func (l *Learner) use(m Model, v moderation.ModelVersion) {
	l.mu.Lock()
	l.live = v
	l.mu.Unlock()
	l.swap(m, v)
}

// Record turns a decision into an example and stores it, if it is one. It
// is called where decisions are resolved or undone; it never refits itself
// but wakes Run when a refit is due.
func (l *Learner) Record(d *moderation.Decision) error {
	ex, ok := moderation.ExampleFromDecision(d)
	if !ok {
		return nil
	}
	if err := l.ex.PutExample(ex); errors.Is(err, errNotKept) {
		return nil
	} else if err != nil {
		return err
	}
	l.learned.Add(1)
	if ex.ByModel {
		for label, b := range l.budgets {
			if inScope(ex.Scope, label) {
				b.Outcome(removedFor(ex, label))
			}
		}
	}
	l.mu.Lock()
	l.newSince++
	l.mu.Unlock()
	if l.Due() {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

// Learned counts the examples recorded (a re-decided comment counts again).
func (l *Learner) Learned() int { return int(l.learned.Load()) }

// Due is the schedule rule: a refit is due when After new examples came in
// since the last refit, or Every has passed and anything is new; never
// before the page has MinExamples examples. Early on refits come sooner: a
// young page's model gains most from each decision, so a refit is due
// once the new examples are a quarter of all (at least MinExamples) when
// that is fewer than After.
func (l *Learner) Due() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := int(l.learned.Load())
	if l.newSince == 0 || n < l.cfg.MinExamples {
		return false
	}
	if after := min(l.cfg.After, max(l.cfg.MinExamples, n/4)); l.cfg.After > 0 && l.newSince >= after {
		return true
	}
	return l.cfg.Every > 0 && l.now().Sub(l.lastRefit) >= l.cfg.Every
}

// Run refits in the background whenever one is due, until ctx ends: it
// checks on a ticker and when Record says one is due. Deciding never waits
// for it.
func (l *Learner) Run(ctx context.Context) {
	every := time.Minute
	if l.cfg.Every > 0 && l.cfg.Every < every {
		every = l.cfg.Every
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-l.kick:
		}
		if !l.Due() {
			continue
		}
		if _, err := l.Refit(ctx, "schedule"); err != nil && !errors.Is(err, ErrRunning) {
			l.log.Error("model refit failed; the live model stays", "err", err)
		}
	}
}

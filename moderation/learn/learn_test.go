package learn

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/moderation"
)

type swaps struct {
	mu       sync.Mutex
	versions []uint64
	models   []Model
}

func (s *swaps) swap(m Model, v moderation.ModelVersion) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.versions = append(s.versions, v.Version)
	s.models = append(s.models, m)
}

func (s *swaps) last() (Model, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.models[len(s.models)-1], s.versions[len(s.versions)-1]
}

func newLearner(t *testing.T, cfg Config, tr *wordTrainer, st *MemStore) (*Learner, *swaps) {
	t.Helper()
	sw := &swaps{}
	l, err := New(cfg, Deps{Examples: st, Versions: st, Trainer: tr, Swap: sw.swap,
		Now: func() time.Time { return time.Unix(1_700_000_000, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Load(); err != nil {
		t.Fatal(err)
	}
	return l, sw
}

// decided is a review decided by a moderator.
func decided(id uint64, text string, v moderation.Verdict, label string) *moderation.Decision {
	return &moderation.Decision{ID: id, Comment: moderation.Comment{ID: fmt.Sprint("c", id), Text: text}, Verdict: moderation.Review,
		Matches: []moderation.Match{{Rule: "r", Label: label, Action: moderation.Review}},
		Review:  &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: v, By: "telegram:1"}}
}

// page records n decisions: every third comment holds the page's own
// insult ("чмо"), which the moderator deletes; the rest are kept.
func page(t *testing.T, l *Learner, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		d := decided(uint64(i), fmt.Sprintf("слово%d ну", i), moderation.Allow, "insult")
		if i%3 == 0 {
			d = decided(uint64(i), fmt.Sprintf("ты чмо%d", i%2), moderation.Delete, "insult")
		}
		if err := l.Record(d); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLearner_Record_OnlyHumanDecisions(t *testing.T) {
	st := NewMemStore()
	l, _ := newLearner(t, Config{After: 100}, &wordTrainer{}, st)
	auto := &moderation.Decision{ID: 1, Comment: moderation.Comment{Text: "хм"}, Verdict: moderation.Delete, DecidedBy: moderation.ByAuto,
		Matches: []moderation.Match{{Label: "obscenity", Action: moderation.Delete}}}
	timeout := decided(2, "хм", moderation.Allow, "insult")
	timeout.Review.By = moderation.ByTimeout
	for _, d := range []*moderation.Decision{auto, timeout, decided(3, "ты чмо", moderation.Delete, "insult")} {
		if err := l.Record(d); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := st.CountExamples(); n != 1 || l.Learned() != 1 {
		t.Fatalf("stored %d examples, learned %d; want only the moderator's one", n, l.Learned())
	}
	if e := st.examples[3]; len(e.Labels) != 1 || e.Labels[0] != "toxic" {
		t.Errorf("deleted insult stored as %+v, want a toxic positive", e)
	}
}

func TestLearner_Refit_GoesLiveAndSwaps(t *testing.T) {
	st := NewMemStore()
	tr := &wordTrainer{base: map[string][]string{"toxic": {"дурак"}}}
	l, sw := newLearner(t, Config{After: 30, MinExamples: 10}, tr, st)
	if _, v := sw.last(); v != 0 {
		t.Fatalf("first live model is version %d, want the shipped 0", v)
	}
	page(t, l, 1, 30)
	if !l.Due() {
		t.Fatal("30 new examples with after: 30 and no refit due")
	}
	v, err := l.Refit(context.Background(), "cli:anna")
	if err != nil {
		t.Fatal(err)
	}
	m, live := sw.last()
	if live != v.Version || v.Version != 1 {
		t.Fatalf("swapped to %d after refit to %d (%s)", live, v.Version, v.Note)
	}
	if s := m.Score("toxic", "ты чмо1"); s < 0.5 {
		t.Errorf("live model scores the page's insult %.2f: it did not learn it", s)
	}
	if s := m.Score("toxic", "ну дурак"); s < 0.5 {
		t.Errorf("live model forgot the shipped data: %.2f", s)
	}
	tm := v.Metrics["toxic"]
	if tm.Examples != 6 || tm.Positives != 2 || tm.F1 != 1 || v.Baseline["toxic"].F1 != 0 || v.Examples != 30 || v.Seen != 30 || !v.WentLive {
		t.Errorf("version metrics %+v baseline %+v examples %d seen %d; want the newest fifth (6, 2 positive) held out", tm, v.Baseline["toxic"], v.Examples, v.Seen)
	}
	// the probe without the held-out fifth, four more folds for the auto
	// thresholds' out-of-fold scores, then all
	if want := []int{24, 24, 24, 24, 24, 30}; !slices.Equal(tr.sizes, want) {
		t.Errorf("adapted on %v examples, want %v", tr.sizes, want)
	}
	if l.Due() {
		t.Error("refit still due right after a refit")
	}
	if st, _ := l.Status(); st.Live.Version != 1 || st.Examples != 30 || st.NewSince != 0 || st.Running {
		t.Errorf("status %+v", st)
	}
}

func TestLearner_Refit_NotLiveWhenWorse(t *testing.T) {
	st := NewMemStore()
	tr := &wordTrainer{base: map[string][]string{"toxic": {"чмо0", "чмо1"}}, invert: true}
	l, sw := newLearner(t, Config{After: 30, MinExamples: 10}, tr, st)
	page(t, l, 1, 30)
	v, err := l.Refit(context.Background(), "schedule")
	if err != nil {
		t.Fatal(err)
	}
	if live, _ := st.LiveModel(); live != 0 || len(sw.versions) != 1 {
		t.Fatalf("a worse version went live: live %d, swaps %v", live, sw.versions)
	}
	if v.Version != 1 || !strings.Contains(v.Note, "F1") {
		t.Errorf("kept version %d with note %q; want it kept, saying which F1 was lower", v.Version, v.Note)
	}
}

func TestLearner_Refit_TooFewAndRunning(t *testing.T) {
	st := NewMemStore()
	gate := make(chan struct{})
	tr := &gatedTrainer{wordTrainer: wordTrainer{}, gate: gate, entered: make(chan struct{})}
	sw := &swaps{}
	l, err := New(Config{MinExamples: 5}, Deps{Examples: st, Versions: st, Trainer: tr, Swap: sw.swap})
	if err != nil {
		t.Fatal(err)
	}
	page(t, l, 1, 4)
	if _, err := l.Refit(context.Background(), "x"); !errors.Is(err, ErrTooFew) {
		t.Fatalf("refit on 4 of 5 examples: %v, want ErrTooFew", err)
	}
	page(t, l, 5, 6)
	done := make(chan error, 1)
	go func() { _, err := l.Refit(context.Background(), "x"); done <- err }()
	<-tr.entered
	if _, err := l.Refit(context.Background(), "y"); !errors.Is(err, ErrRunning) {
		t.Errorf("second refit while one runs: %v, want ErrRunning", err)
	}
	if st, _ := l.Status(); !st.Running {
		t.Error("status does not say a refit is running")
	}
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

type gatedTrainer struct {
	wordTrainer
	gate    chan struct{}
	entered chan struct{}
	once    sync.Once
}

func (g *gatedTrainer) Adapt(page []moderation.Example) (Model, error) {
	g.once.Do(func() { close(g.entered) })
	<-g.gate
	return g.wordTrainer.Adapt(page)
}

func TestLearner_Rollback_AndLoadAfterRestart(t *testing.T) {
	st := NewMemStore()
	tr := &wordTrainer{base: map[string][]string{"toxic": {"дурак"}}}
	l, sw := newLearner(t, Config{After: 30, MinExamples: 10}, tr, st)
	page(t, l, 1, 30)
	if _, err := l.Refit(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	restarted, sw2 := newLearner(t, Config{After: 30, MinExamples: 10}, tr, st)
	if m, v := sw2.last(); v != 1 || m.Score("toxic", "ты чмо0") < 0.5 {
		t.Fatalf("after a restart the live model is version %d", v)
	}
	if _, err := restarted.Rollback(7); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("rollback to a missing version: %v", err)
	}
	if _, err := restarted.Rollback(0); err != nil {
		t.Fatal(err)
	}
	if m, v := sw2.last(); v != 0 || m.Score("toxic", "ты чмо0") >= 0.5 {
		t.Errorf("rollback to the shipped model swapped to version %d", v)
	}
	if live, _ := st.LiveModel(); live != 0 {
		t.Errorf("rollback not stored: live %d", live)
	}
	_ = sw
}

func TestLearner_Due_Schedule(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	cases := []struct {
		name          string
		cfg           Config
		learned, news int
		sinceRefit    time.Duration
		want          bool
	}{
		{"enough new", Config{After: 10, MinExamples: 1}, 50, 10, 0, true},
		{"not enough new, too soon", Config{After: 10, Every: time.Hour, MinExamples: 1}, 50, 9, 59 * time.Minute, false},
		{"time passed, something new", Config{After: 10, Every: time.Hour, MinExamples: 1}, 50, 1, time.Hour, true},
		{"time passed, nothing new", Config{After: 10, Every: time.Hour, MinExamples: 1}, 50, 0, 2 * time.Hour, false},
		{"below min_examples", Config{After: 10, MinExamples: 100}, 50, 50, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, _ := New(c.cfg, Deps{Examples: NewMemStore(), Versions: NewMemStore(), Trainer: &wordTrainer{}, Now: func() time.Time { return now }})
			l.learned.Store(int64(c.learned))
			l.newSince, l.lastRefit = c.news, now.Add(-c.sinceRefit)
			if got := l.Due(); got != c.want {
				t.Errorf("Due = %v, want %v", got, c.want)
			}
		})
	}
}

func TestLearner_Run_RefitsInTheBackground(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := NewMemStore()
		tr := &wordTrainer{base: map[string][]string{"toxic": {"дурак"}}}
		sw := &swaps{}
		l, err := New(Config{After: 30, MinExamples: 30, Every: time.Hour}, Deps{Examples: st, Versions: st, Trainer: tr, Swap: sw.swap})
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Load(); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); l.Run(ctx) }()
		page(t, l, 1, 29)
		synctest.Wait()
		if vs, _ := st.ModelVersions(); len(vs) != 0 {
			t.Fatalf("refit before it was due: %d versions", len(vs))
		}
		page(t, l, 30, 1) // the 30th: due by count
		synctest.Wait()
		if _, v := sw.last(); v != 1 {
			t.Fatalf("no background refit after the 30th example: live %d", v)
		}
		page(t, l, 31, 1)
		time.Sleep(time.Hour) // fake time: the schedule's Every passes
		synctest.Wait()
		if _, v := sw.last(); v != 2 {
			t.Errorf("no refit an hour later with one new example: live %d", v)
		}
		cancel()
		<-done
	})
}

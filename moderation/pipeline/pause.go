package pipeline

import (
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
)

// A /pause is kept in the store (moderation.PauseStore) so that a restart
// does not resume automatic actions a human stopped; a timed pause keeps
// its deadline with it. A store that cannot keep it (a test's fake) holds
// the pause in memory only.

// pauseKeeper is the pipeline's side of the pause: the deadline of a timed
// one, and the once-only read of the pause kept from before the start.
type pauseKeeper struct {
	mu    sync.Mutex
	once  sync.Once
	until time.Time // a timed pause ends then; zero: untimed or none
}

// loadPause reads the pause kept from before this start, once. A pause
// that cannot be read holds automatic actions (a human resumes them): a
// wrong deletion is worse than a late one.
func (p *Pipeline) loadPause() {
	p.pause.once.Do(func() {
		ps, ok := p.store.(moderation.PauseStore)
		if !ok {
			return
		}
		st, on, err := ps.Pause()
		if err != nil {
			p.log.Error("the kept /pause cannot be read: automatic actions stay paused until /resume", "err", err)
			on = true
		}
		if !on {
			return
		}
		p.pause.mu.Lock()
		p.pause.until = st.Until
		p.pause.mu.Unlock()
		p.paused.Store(true)
		p.metrics.Paused.Set(1)
		p.log.Warn("automatic actions paused since before the start", "by", st.By, "at", st.At, "until", st.Until)
	})
}

// keepPause records the pause in force (nil: none); a failure is logged:
// the pause holds until a restart.
func (p *Pipeline) keepPause(st *moderation.PauseState) {
	ps, ok := p.store.(moderation.PauseStore)
	if !ok {
		return
	}
	if err := ps.SetPause(st); err != nil {
		p.log.Error("the /pause state is not kept in the store: a restart will not know it", "paused", st != nil, "err", err)
	}
}

// Paused reports whether automatic actions are stopped.
func (p *Pipeline) Paused() bool {
	p.loadPause()
	return p.paused.Load()
}

// Pause stops all automatic actions until Resume: what the rules would
// delete goes to review instead, and automatic actions not yet carried out
// wait. Reviews and human decisions continue. It survives a restart.
func (p *Pipeline) Pause(by string) { p.PauseUntil(by, time.Time{}) }

// PauseUntil is Pause until a time (zero: until Resume); the review chat's
// timer ends it with ResumeTimed. A later call replaces the deadline.
func (p *Pipeline) PauseUntil(by string, until time.Time) {
	p.loadPause()
	p.pause.mu.Lock()
	defer p.pause.mu.Unlock()
	p.pause.until = until
	p.keepPause(&moderation.PauseState{By: by, At: p.now(), Until: until})
	if !p.paused.Swap(true) {
		p.metrics.Paused.Set(1)
		p.log.Warn("automatic actions paused", "by", by, "until", until)
	}
}

// PausedUntil is when the timed pause in force ends (zero: none, or one
// that lasts until Resume).
func (p *Pipeline) PausedUntil() time.Time {
	p.loadPause()
	p.pause.mu.Lock()
	defer p.pause.mu.Unlock()
	if !p.paused.Load() {
		return time.Time{}
	}
	return p.pause.until
}

// Resume restarts automatic actions.
func (p *Pipeline) Resume(by string) {
	p.loadPause()
	p.pause.mu.Lock()
	defer p.pause.mu.Unlock()
	p.resumeLocked(by)
}

// ResumeTimed resumes only the timed pause that ends at until, reporting
// whether it did: a pause set again meanwhile (untimed, or to another
// time) stays.
func (p *Pipeline) ResumeTimed(until time.Time, by string) bool {
	p.loadPause()
	p.pause.mu.Lock()
	defer p.pause.mu.Unlock()
	if !p.paused.Load() || p.pause.until.IsZero() || !p.pause.until.Equal(until) {
		return false
	}
	p.resumeLocked(by)
	return true
}

func (p *Pipeline) resumeLocked(by string) {
	p.pause.until = time.Time{}
	if !p.paused.Swap(false) {
		return
	}
	p.keepPause(nil)
	p.metrics.Paused.Set(0)
	p.log.Warn("automatic actions resumed", "by", by)
	for _, a := range p.accounts {
		p.kickActor(a, true)
	}
}

package pipeline

import (
	"context"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
)

// lazyGroup starts goroutines on demand while open and waits for them. Once
// closed it starts no more, so closeAndWait cannot race a late start.
type lazyGroup struct {
	mu   sync.Mutex
	open bool
	wg   sync.WaitGroup
}

func (g *lazyGroup) openUp() {
	g.mu.Lock()
	g.open = true
	g.mu.Unlock()
}

// start runs fn on a new goroutine unless the group is closed.
func (g *lazyGroup) start(fn func()) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.open {
		return false
	}
	g.wg.Add(1)
	go func() { defer g.wg.Done(); fn() }()
	return true
}

func (g *lazyGroup) closeAndWait() {
	g.mu.Lock()
	g.open = false
	g.mu.Unlock()
	g.wg.Wait()
}

// kickDecider makes sure a decider runs for the account's queue. At most
// one runs per account, so batches are decided in order.
func (p *Pipeline) kickDecider(a *accountRun) {
	if !a.deciding.CompareAndSwap(false, true) {
		return
	}
	if !p.deciders.start(func() { p.runDecider(a) }) {
		a.deciding.Store(false)
	}
}

func (p *Pipeline) runDecider(a *accountRun) {
	for {
		p.decide(a)
		a.deciding.Store(false)
		// A batch queued after decide looked, before the flag dropped,
		// found the flag up and started nobody: take it here.
		if len(a.queue) == 0 || !a.deciding.CompareAndSwap(false, true) {
			return
		}
	}
}

// kickActor makes sure an actor runs for the account (with a rescan of the
// store first when rescan is set). At most one runs per account.
func (p *Pipeline) kickActor(a *accountRun, rescan bool) {
	if rescan {
		a.rescanDue.Store(true)
	}
	ctxp := p.runCtx.Load()
	if ctxp == nil || !a.acting.CompareAndSwap(false, true) {
		return // not running yet: Run rescans every account when it starts
	}
	ctx := *ctxp
	if !p.actors.start(func() { p.runActor(ctx, a) }) {
		a.acting.Store(false)
	}
}

func (p *Pipeline) runActor(ctx context.Context, a *accountRun) {
	for {
		p.act(ctx, a)
		a.acting.Store(false)
		if (len(a.actions) == 0 && !a.rescanDue.Load()) || !a.acting.CompareAndSwap(false, true) {
			return
		}
	}
}

// rescanLoop looks for pending actions of every account every RescanEvery
// (failed retries, reviews resolved from the CLI): one ticker for all.
func (p *Pipeline) rescanLoop(ctx context.Context) {
	tick := time.NewTicker(p.opts.RescanEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			for _, name := range p.order {
				p.kickActor(p.accounts[name], true)
			}
		}
	}
}

// sideBySide runs an account's decisions up to n at once (moderation.
// Parallel); with n = 1 each runs in the caller, one after another. Its
// goroutines belong to the actor, which waits for them before it ends.
type sideBySide struct {
	sem chan struct{}
	wg  sync.WaitGroup
}

// side is the account's way of running its decisions' actions.
func (p *Pipeline) side(a *accountRun) *sideBySide {
	n := 1
	if par, ok := a.Conn.(moderation.Parallel); ok {
		n = max(par.ParallelActions(), 1)
	}
	if n == 1 {
		return &sideBySide{}
	}
	return &sideBySide{sem: make(chan struct{}, n)}
}

// do runs fn, waiting for a free slot first when n are running.
func (s *sideBySide) do(fn func()) {
	if s.sem == nil {
		fn()
		return
	}
	s.sem <- struct{}{}
	s.wg.Go(func() {
		defer func() { <-s.sem }()
		fn()
	})
}

func (s *sideBySide) wait() { s.wg.Wait() }

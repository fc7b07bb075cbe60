package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"golang.org/x/sync/errgroup"
)

// supervisor runs the daemon's components in one errgroup. The first that
// fails (or the end of the parent context) stops them all, one at a time
// in the order they were added, each finished before the next is told:
// the pipeline stops taking work before the reviewer stops, the admin
// socket still answers while the pipeline drains, and the metrics server
// is the last to go. Wait returns the first failure.
type supervisor struct {
	g      *errgroup.Group
	gctx   context.Context // done when one fails or the parent ends
	log    *slog.Logger
	stages []*stage
}

type stage struct {
	name   string
	cancel context.CancelFunc
	done   chan struct{}
}

func newSupervisor(parent context.Context, log *slog.Logger) *supervisor {
	g, gctx := errgroup.WithContext(parent)
	return &supervisor{g: g, gctx: gctx, log: log}
}

// Go starts a component. Its context ends when its turn to stop comes; a
// return with context.Canceled is a clean stop, any other error a failure
// that stops the rest.
func (s *supervisor) Go(name string, fn func(ctx context.Context) error) {
	// Not derived from the group's context: the stop order is ours.
	ctx, cancel := context.WithCancel(context.WithoutCancel(s.gctx))
	st := &stage{name: name, cancel: cancel, done: make(chan struct{})}
	s.stages = append(s.stages, st)
	s.g.Go(func() error {
		defer close(st.done)
		err := fn(ctx)
		if err == nil || errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("%s: %w", name, err)
	})
}

// Wait stops every component in order once one failed or the parent
// ended (calling stopping first, when set), and returns the first failure.
func (s *supervisor) Wait(stopping func()) error {
	stages := s.stages
	s.g.Go(func() error {
		<-s.gctx.Done()
		if stopping != nil {
			stopping()
		}
		for _, st := range stages {
			st.cancel()
			<-st.done
			s.log.Debug("component stopped", "component", st.name)
		}
		return nil
	})
	return s.g.Wait()
}

package connectors

import "sync"

// Lifetime is a connector's open/closed state, ready at its zero value:
// Close once (idempotent), then Closed reports it and Done is closed, so a
// wait can select on it beside its context.
type Lifetime struct {
	once sync.Once
	ch   chan struct{}
	init sync.Once
}

func (l *Lifetime) done() chan struct{} {
	l.init.Do(func() { l.ch = make(chan struct{}) })
	return l.ch
}

// Close marks the connector closed; later calls do nothing.
func (l *Lifetime) Close() { ch := l.done(); l.once.Do(func() { close(ch) }) }

// Done is closed once Close was called.
func (l *Lifetime) Done() <-chan struct{} { return l.done() }

// Closed reports whether Close was called.
func (l *Lifetime) Closed() bool {
	select {
	case <-l.done():
		return true
	default:
		return false
	}
}

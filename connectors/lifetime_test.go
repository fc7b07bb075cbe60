package connectors

import "testing"

func TestLifetime_CloseOnce(t *testing.T) {
	var l Lifetime
	if l.Closed() {
		t.Fatal("closed before Close")
	}
	done := l.Done()
	l.Close()
	l.Close() // idempotent: a second close must not panic
	select {
	case <-done:
	default:
		t.Fatal("Done not closed by Close")
	}
	if !l.Closed() {
		t.Fatal("not closed after Close")
	}
}

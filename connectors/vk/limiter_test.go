package vk

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// TestLimiter_Wait_CancelledWaiterFreesSlot: a request that gives up while
// waiting for its turn must not keep the turn, or every cancelled delete
// (a shutdown, a timeout) pushes the next ones a window further back.
func TestLimiter_Wait_CancelledWaiterFreesSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter(1, time.Second)
		ctx := context.Background()
		if err := l.Wait(ctx); err != nil { // takes the turn of now
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		errc := make(chan error)
		go func() { errc <- l.Wait(cctx) }()
		synctest.Wait() // the waiter holds the next turn
		cancel()
		if err := <-errc; err == nil {
			t.Fatal("a cancelled wait returned nil")
		}
		start := time.Now()
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got > time.Second {
			t.Fatalf("the next request waited %s: the cancelled waiter kept its turn", got)
		}
	})
}

// TestLimiter_Wait_Window: 7 requests at 3 per window need two windows
// after the first, and none more than 3 in any window.
func TestLimiter_Wait_Window(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const window = 100 * time.Millisecond
		l := newLimiter(3, window)
		var at []time.Time
		for range 7 {
			if err := l.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			at = append(at, time.Now())
		}
		if el := at[6].Sub(at[0]); el < 2*window {
			t.Fatalf("7 requests in %s", el)
		}
		for i := range at {
			n := 0
			for j := i; j < len(at) && at[j].Sub(at[i]) < window; j++ {
				n++
			}
			if n > 3 {
				t.Fatalf("%d requests within one window from request %d", n, i)
			}
		}
		cctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := l.Wait(cctx); err == nil {
			t.Fatal("a cancelled wait did not return the context's error")
		}
	})
}

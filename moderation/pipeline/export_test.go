package pipeline

import "context"

// WaitNotActing returns once nobody acts on decision id: whatever the actor
// was doing with it when this was called has ended. Tests use it as the
// event after which an unwanted action would already have happened.
func WaitNotActing(p *Pipeline, id uint64) {
	if release, ok := p.claim(context.Background(), id, true); ok {
		release()
	}
}

// Deferred counts the decisions of account whose actions wait for a limit.
func Deferred(p *Pipeline, account string) int {
	a := p.accounts[account]
	a.deferMu.Lock()
	defer a.deferMu.Unlock()
	return len(a.deferred)
}

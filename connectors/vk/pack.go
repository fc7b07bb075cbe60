package vk

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

// maxPacked is how many API calls VK runs in one execute (§1.5).
const maxPacked = 25

// packer gathers the calls of one token (every page using it, on one API
// endpoint) that wait for the token's rate: when the rate allows the next
// request, the calls waiting then go to VK as one execute. A spam wave on
// several pages managed with one admin's user token is deleted at 25
// comments per request instead of one. The first waiting call leads: it
// waits for the rate with its context, takes up to 25 waiting calls and
// sends them, handing the lead to the next waiting call first.
type packer struct {
	mu      sync.Mutex
	waiting []*packedCall
	leader  *packedCall // nil: nobody waits for the rate
}

// packedCall is one call waiting in a packer.
type packedCall struct {
	c      *client
	method string
	params api.Params
	done   chan error    // the outcome (buffered)
	lead   chan struct{} // this call leads now (buffered)
}

// errAlone: the call did not go through inside an execute (VK refused the
// script, or the call failed inside it): it is made on its own, so its
// error is VK's own and classified as usual.
var errAlone = errors.New("vk: make the call on its own")

// callPacked is call for a method whose answer is only success or
// failure (deleting a comment), sent packed with the calls of other pages
// that wait for the same token.
func (c *client) callPacked(ctx context.Context, k tokenKind, method string, params api.Params) error {
	pk := c.pack[k]
	if pk == nil || !c.has(k) {
		return c.call(ctx, k, method, params, nil)
	}
	if err := c.heldBack(k, method); err != nil {
		return err
	}
	stale := c.token(k) // the token the packed request uses, for a refresh after 1117
	pc := &packedCall{c: c, method: method, params: params, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	pk.mu.Lock()
	pk.waiting = append(pk.waiting, pc)
	if pk.leader == nil {
		pk.leader = pc
		pc.lead <- struct{}{}
	}
	pk.mu.Unlock()
	for {
		select {
		case err := <-pc.done:
			if errors.Is(err, errAlone) {
				return c.call(ctx, k, method, params, nil)
			}
			return c.refreshed(ctx, k, method, params, stale, err)
		case <-pc.lead:
			pk.run(ctx, k, pc)
		case <-ctx.Done():
			pk.leave(pc)
			return ctx.Err()
		}
	}
}

// passLocked hands the lead to the first waiting call. pk.mu is held.
func (pk *packer) passLocked() {
	pk.leader = nil
	if len(pk.waiting) > 0 {
		pk.leader = pk.waiting[0]
		pk.leader.lead <- struct{}{}
	}
}

// leave takes a call that gave up out of the queue, passing the lead on
// if it had it. (A call already sent has its outcome dropped.)
func (pk *packer) leave(pc *packedCall) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if i := slices.Index(pk.waiting, pc); i >= 0 {
		pk.waiting = slices.Delete(pk.waiting, i, i+1)
	}
	if pk.leader == pc {
		pk.passLocked()
	}
}

// run is the leader's turn: wait for the rate, take the waiting calls (the
// leader's own is first), pass the lead, send.
func (pk *packer) run(ctx context.Context, k tokenKind, me *packedCall) {
	err := me.c.lim[k].Wait(ctx)
	pk.mu.Lock()
	if err != nil {
		if i := slices.Index(pk.waiting, me); i >= 0 {
			pk.waiting = slices.Delete(pk.waiting, i, i+1)
		}
		pk.passLocked()
		pk.mu.Unlock()
		me.done <- err
		return
	}
	n := min(len(pk.waiting), maxPacked)
	batch := slices.Clone(pk.waiting[:n])
	pk.waiting = pk.waiting[n:]
	pk.passLocked()
	pk.mu.Unlock()
	if len(batch) == 1 {
		me.done <- me.c.send(ctx, k, me.method, me.params, nil)
		return
	}
	for i, err := range me.c.sendPacked(ctx, k, batch) {
		batch[i].done <- err
	}
}

// sendPacked sends calls as one execute and gives each call's outcome.
func (c *client) sendPacked(ctx context.Context, k tokenKind, batch []*packedCall) []error {
	var code strings.Builder
	code.WriteString("return [")
	for i, pc := range batch {
		if i > 0 {
			code.WriteByte(',')
		}
		args, _ := json.Marshal(pc.params)
		code.WriteString("API." + pc.method + "(")
		code.Write(args)
		code.WriteByte(')')
	}
	code.WriteString("];")
	var out []json.RawMessage
	err := c.sendExecute(ctx, k, code.String(), &out)
	errs := make([]error, len(batch))
	var ee *api.ExecuteErrors
	switch {
	case err == nil || errors.As(err, &ee):
		for i := range batch {
			if i >= len(out) || executeSlotFailed(out[i]) {
				errs[i] = errAlone // failed inside: its own call says why
			}
		}
	case moderation.RetryAfter(err) > 0 || moderation.Classify(err) == moderation.ClassCredentials:
		for i := range errs {
			errs[i] = err // the token's trouble, not one call's
		}
	default:
		for i := range errs {
			errs[i] = errAlone
		}
	}
	return errs
}

// ParallelActions lets the pipeline carry out up to 25 of the page's
// decisions at once (moderation.Parallel), so a wave of deletions waiting
// for the user token is packed into executes instead of queued one by one.
func (c *Connector) ParallelActions() int { return maxPacked }

// refreshed is call's answer to VK's 1117 for a packed call: the user
// token is refreshed once, when it can be (VK ID), and the call made again
// on its own.
func (c *client) refreshed(ctx context.Context, k tokenKind, method string, params api.Params, stale string, err error) error {
	if k != user || apiCode(err) != codeTokenExpired || c.onExpired == nil {
		return err
	}
	if rerr := c.onExpired(ctx, stale); rerr != nil {
		if moderation.Classify(rerr) == moderation.ClassRetry {
			return rerr // VK ID did not answer: try again later, not a broken token
		}
		return errors.Join(err, rerr)
	}
	_, err = c.call1(ctx, k, method, params, nil)
	return err
}

package vk

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/SevereCloud/vksdk/v2/api"
	"golang.org/x/time/rate"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
)

// tokenKind says which of the account's tokens a call uses.
type tokenKind int

const (
	community tokenKind = iota
	user
	service
	nTokens
)

func (k tokenKind) String() string {
	return [...]string{"community", "user", "service"}[k]
}

// apiVersion is the API version of every call and of the long-poll events:
// VK's current public schema (§1.2). vksdk v2 pins 5.131; the shapes that
// changed since then are read in shapes.go.
const apiVersion = "5.199"

// rateMargin is added to the one-second window of the limiters: VK counts
// requests when they arrive, and network jitter can bring two requests
// closer together than they were sent.
const rateMargin = 100 * time.Millisecond

// client calls VK methods with one token kind each, keeping VK's request
// rates per token.
//
// vksdk's own limiter is switched off (VK.Limit = 0): it sleeps while
// holding a mutex, ignores the context, and with a limit set it retries
// error 6 at once, without a pause. The token buckets here wait with the
// context.
//
// VK's errors 9 (flood control) and 29 (a method's quantity limit) concern
// one method called with one token: that method is held back at the retry
// policy's back-off (initial_interval doubling up to max_interval), its
// calls failing at once meanwhile, while the account's other methods and
// tokens go on.
type client struct {
	vk      [nTokens]*api.VK // nil: no such token configured
	lim     [nTokens]*rate.Limiter
	pack    [nTokens]*packer // deletions waiting for the token's rate, packed into execute (pack.go)
	timeout time.Duration
	retry   moderation.RetryPolicy

	// onExpired refreshes the user token after VK's 1117 (nil: it cannot
	// be refreshed); stale is the token that got it.
	onExpired func(ctx context.Context, stale string) error

	mu     sync.Mutex
	held   map[heldKey]*heldMethod // methods held back after 9 or 29; nil until one is
	tokens [nTokens]string         // the tokens in vk, for setToken
	url    string
	hc     *http.Client
}

type heldKey struct {
	token  tokenKind
	method string
}

type heldMethod struct {
	until time.Time
	code  int // the error that held it
	n     int // 9s and 29s in a row
}

func newClient(methodURL string, hc *http.Client, tokens [nTokens]string, rps [nTokens]int, timeout time.Duration, retry moderation.RetryPolicy, lims *connectors.Limiters) *client {
	c := &client{timeout: timeout, retry: retry, url: methodURL, hc: hc}
	for k := range nTokens {
		// A user token may come later (a VK ID refresh at Connect): its
		// limiter exists whenever a token could. A configured token's
		// bucket is shared by every page using it (connectors.Limiters);
		// a refreshed token keeps the bucket of the one it replaced.
		if tokens[k] == "" {
			c.lim[k] = newLimiter(rps[k], time.Second+rateMargin)
			continue
		}
		c.lim[k] = lims.For(tokens[k], rps[k], time.Second+rateMargin)
		c.setToken(k, tokens[k])
		// Packed per token and endpoint: calls to one API may share an execute.
		c.pack[k] = lims.Shared(tokens[k], "vk.execute "+methodURL, func() any { return new(packer) }).(*packer)
	}
	return c
}

// setToken puts a token of kind k in use (a refreshed VK ID token).
func (c *client) setToken(k tokenKind, token string) {
	vk := api.NewVK(token)
	vk.MethodURL = c.url
	vk.Client = c.hc
	vk.Limit = 0
	vk.Version = apiVersion
	vk.UserAgent = "strazh (+https://github.com/strazh/strazh)"
	c.mu.Lock()
	c.vk[k], c.tokens[k] = vk, token
	c.mu.Unlock()
}

// sdk returns the client of token kind k and its token (nil: none).
func (c *client) sdk(k tokenKind) (*api.VK, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.vk[k], c.tokens[k]
}

// token is the token of kind k in use ("" when none).
func (c *client) token(k tokenKind) string {
	_, t := c.sdk(k)
	return t
}

// noToken is the error of a call whose token kind is not configured: an
// account running on the community token alone (README.md) cannot do it,
// so the action is skipped and left to a human in VK, not retried.
func noToken(k tokenKind, method string) error {
	return fmt.Errorf("%s: no %s token configured (do it by hand in VK): %w", method, k, moderation.ErrUnsupported)
}

// has reports whether a token of kind k is configured.
func (c *client) has(k tokenKind) bool {
	vk, _ := c.sdk(k)
	return vk != nil
}

// call runs one method with the token of kind k and decodes the response
// into out (nil: ignore it). Errors are classified (see classify).
//
// A user token that VK reports expired (1117) is refreshed once, when it
// can be (VK ID), and the call made again.
func (c *client) call(ctx context.Context, k tokenKind, method string, params api.Params, out any) error {
	stale, err := c.call1(ctx, k, method, params, out)
	if k == user && apiCode(err) == codeTokenExpired && c.onExpired != nil {
		if rerr := c.onExpired(ctx, stale); rerr != nil {
			if moderation.Classify(rerr) == moderation.ClassRetry {
				return rerr // VK ID did not answer: try again later, not a broken token
			}
			return errors.Join(err, rerr)
		}
		_, err = c.call1(ctx, k, method, params, out)
	}
	return err
}

// call1 is one try of call; stale is the token it used.
func (c *client) call1(ctx context.Context, k tokenKind, method string, params api.Params, out any) (stale string, err error) {
	vk, tok := c.sdk(k)
	if vk == nil {
		return "", noToken(k, method)
	}
	if err := c.heldBack(k, method); err != nil {
		return tok, err
	}
	if err := c.lim[k].Wait(ctx); err != nil {
		return tok, err
	}
	return tok, c.send(ctx, k, method, params, out)
}

// send is call once the token's rate allows a request (pack.go sends
// packed calls with it too).
func (c *client) send(ctx context.Context, k tokenKind, method string, params api.Params, out any) error {
	vk, _ := c.sdk(k)
	if vk == nil {
		return noToken(k, method)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	p := maps.Clone(params)
	if p == nil {
		p = api.Params{}
	}
	p.WithContext(ctx)
	if out == nil {
		var ignore any
		out = &ignore
	}
	return c.settle(k, method, classify(method, vk.RequestUnmarshal(method, out, p)))
}

// heldBack fails a call of a method that is held back, without a request.
func (c *client) heldBack(k tokenKind, method string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.held[heldKey{k, method}]
	if h == nil {
		return nil
	}
	left := time.Until(h.until)
	if left <= 0 {
		return nil
	}
	return &moderation.BackOffError{Wait: left,
		Err: fmt.Errorf("%s: held back after VK error %d (%s token)", method, h.code, k)}
}

// settle holds a method back after 9 or 29 (longer each time in a row, up
// to max_interval) and releases it after a call that VK took.
func (c *client) settle(k tokenKind, method string, err error) error {
	code := apiCode(err)
	hold := code == codeFlood || code == codeMethodLimit
	c.mu.Lock()
	defer c.mu.Unlock()
	key := heldKey{k, method}
	if !hold {
		if err == nil || code != 0 {
			delete(c.held, key) // VK answered: the limit is over
		}
		return err
	}
	if c.held == nil {
		c.held = make(map[heldKey]*heldMethod)
	}
	h := c.held[key]
	if h == nil {
		h = &heldMethod{}
		c.held[key] = h
	}
	h.n++
	h.code = code
	wait := c.retry.Wait(h.n, 0)
	h.until = time.Now().Add(wait)
	return &moderation.BackOffError{Err: err, Wait: wait}
}

// execute runs a VKScript with the token of kind k and decodes its result
// array. A call inside that failed leaves false in its place; err is then
// an *api.ExecuteErrors, which the caller may ignore.
func (c *client) execute(ctx context.Context, k tokenKind, code string, out any) error {
	vk, _ := c.sdk(k)
	if vk == nil {
		return noToken(k, "execute")
	}
	// A held-back method fails before it spends a rate-limit token, as in call.
	if err := c.heldBack(k, "execute"); err != nil {
		return err
	}
	if err := c.lim[k].Wait(ctx); err != nil {
		return err
	}
	return c.sendExecute(ctx, k, code, out)
}

// sendExecute is execute once the token's rate allows a request.
func (c *client) sendExecute(ctx context.Context, k tokenKind, code string, out any) error {
	vk, _ := c.sdk(k)
	if vk == nil {
		return noToken(k, "execute")
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	err := vk.ExecuteWithArgs(code, api.Params{}.WithContext(ctx), out)
	var ee *api.ExecuteErrors
	if errors.As(err, &ee) {
		return err
	}
	return c.settle(k, "execute", classify("execute", err))
}

// newLimiter lets at most n requests start in any window: a token bucket
// of one token refilled every window/n, so requests are spread evenly and
// never more than n fall in one window. A waiter that gives up (its context
// ends) hands its token back (rate.Limiter cancels the reservation).
func newLimiter(n int, window time.Duration) *rate.Limiter {
	return (*connectors.Limiters)(nil).For("", n, window)
}

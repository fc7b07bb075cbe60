// Package maxapi is a small client of the MAX bot API over net/http
// (docs/platform-apis.md §6): the token in the Authorization header, the
// error envelope sorted into the pipeline's classes, /updates long polling
// with its marker, messages with inline keyboards, callback answers and
// channel comments. It is shared by the MAX connector and the MAX review
// bot; it keeps no state but its rate limiter.
//
// The official Go client (github.com/max-messenger/max-bot-api-client-go)
// is not used: its released versions have no comments endpoints (only an
// unmerged branch does), it logs errors from inside the library instead of
// returning them, and the module proxy list holds no version of it.
package maxapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultURL is the API host (platform-api.max.ru is deprecated, §6.1).
const DefaultURL = "https://platform-api2.max.ru/"

// DefaultRPS keeps below MAX's 30 requests per second, leaving room for
// another user of the same token (the review bot).
const DefaultRPS = 20

// maxBody bounds what is read of one answer.
const maxBody = 8 << 20

// Client calls the bot API with one token. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	token   string
	hc      *http.Client
	lim     *rate.Limiter
	timeout time.Duration

	mu   sync.Mutex
	hold time.Time // after a 429 with a hint: no request before this
}

// Options tune a Client; zero values take the defaults.
type Options struct {
	HTTPClient *http.Client  // nil: http.DefaultClient
	RPS        int           // requests per second (default DefaultRPS)
	Timeout    time.Duration // one request, besides a long poll's wait (default 15s)
}

// New builds a client of the API at baseURL (DefaultURL when empty).
func New(baseURL, token string, o Options) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultURL
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("maxapi: bad API URL %q", baseURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if token == "" {
		return nil, errors.New("maxapi: empty token")
	}
	c := &Client{base: u, token: token, hc: o.HTTPClient, timeout: o.Timeout}
	if c.hc == nil {
		c.hc = http.DefaultClient
	}
	if c.timeout <= 0 {
		c.timeout = 15 * time.Second
	}
	rps := o.RPS
	if rps <= 0 {
		rps = DefaultRPS
	}
	c.lim = rate.NewLimiter(rate.Limit(rps), 1)
	return c, nil
}

// do sends one request and decodes a 200 answer into out (nil: ignore).
// extra lengthens the timeout (a long poll's wait).
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body, out any, extra time.Duration) error {
	op := method + " /" + path
	if err := c.waitHold(ctx); err != nil {
		return err
	}
	if err := c.lim.Wait(ctx); err != nil {
		return err
	}
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &Error{Op: op, Class: ClassItem, Message: "cannot encode the request: " + err.Error()}
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout+extra)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return &Error{Op: op, Class: ClassItem, Message: err.Error()}
	}
	// §6.1: the token only in this header, without "Bearer".
	req.Header.Set("Authorization", c.token)
	req.Header.Set("User-Agent", "strazh (+https://github.com/strazh/strazh)")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil && !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
			return err
		}
		return &Error{Op: op, Class: ClassTransient, Message: redact(err.Error(), c.token)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return &Error{Op: op, Status: resp.StatusCode, Class: ClassTransient, Message: "reading the answer: " + err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		// A proxy's page may echo the headers: redacted before classify
		// cuts it, or a token at the cut would leave its beginning.
		e := classify(op, resp, []byte(redact(string(raw), c.token)))
		if e.RetryAfter > 0 {
			c.holdFor(e.RetryAfter)
		}
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		// A proxy's page or a cut answer: try again later.
		return &Error{Op: op, Status: resp.StatusCode, Class: ClassTransient, Unreadable: true, Message: "unreadable answer: " + err.Error()}
	}
	return nil
}

// waitHold waits out a 429's hint: MAX's limits are per token, so every
// request of this client waits, not only the one refused.
func (c *Client) waitHold(ctx context.Context) error {
	c.mu.Lock()
	d := time.Until(c.hold)
	c.mu.Unlock()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) holdFor(d time.Duration) {
	c.mu.Lock()
	if until := time.Now().Add(d); until.After(c.hold) {
		c.hold = until
	}
	c.mu.Unlock()
}

// success reads an action's {"success":...,"message":...} answer.
func (c *Client) success(ctx context.Context, method, path string, q url.Values, body any) error {
	var r struct {
		Success *bool  `json:"success"`
		Message string `json:"message"`
	}
	if err := c.do(ctx, method, path, q, body, &r, 0); err != nil {
		return err
	}
	if r.Success != nil && !*r.Success {
		return &Error{Op: method + " /" + path, Status: http.StatusOK, Class: ClassItem, Message: r.Message}
	}
	return nil
}

// redact keeps the token out of error texts (a transport error may quote
// the URL; the token is never in it, but a misconfigured proxy could echo).
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "***")
}

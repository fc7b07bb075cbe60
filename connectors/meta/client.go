package meta

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
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/strazh/strazh/internal/answer"
	"github.com/strazh/strazh/moderation"
)

// graph calls the Graph API for one token: {base}{version}/{path}, the
// token in a header (never in a URL that could reach a log), paced by the
// token's bucket, and paused for the whole token when Meta reports a
// limit or its usage headers near one.
type graph struct {
	base    string // "https://graph.facebook.com/v25.0/"
	hc      *http.Client
	token   string
	lim     *rate.Limiter
	usage   *usageState
	backoff float64 // usage percent at which calls pause
	retry   moderation.RetryPolicy
	timeout time.Duration
	calls   atomic.Int64
}

// maxAnswer bounds an answer's size.
const maxAnswer = 16 << 20

func newGraph(graphURL, version string, hc *http.Client, token string, lim *rate.Limiter, usage *usageState, backoff int) *graph {
	return &graph{base: strings.TrimSuffix(graphURL, "/") + "/" + version + "/", hc: hc, token: token,
		lim: lim, usage: usage, backoff: float64(backoff), retry: moderation.DefaultRetryPolicy(), timeout: 30 * time.Second}
}

// page is Graph's cursor paging: {"data":[...],"paging":{"cursors":{"after":"..."},"next":"..."}}.
type page[T any] struct {
	Data   []T `json:"data"`
	Paging struct {
		Cursors struct {
			After string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

// after is the cursor of the next page, "" at the end. The next URL itself
// is not followed: it names Meta's host, and with a query token it would
// carry the token.
func (p *page[T]) after() string {
	if p.Paging.Next == "" {
		return ""
	}
	return p.Paging.Cursors.After
}

// get reads path with q into out.
func (g *graph) get(ctx context.Context, path string, q url.Values, out any) error {
	return g.do(ctx, http.MethodGet, path, q, out)
}

// post sends form to path; the answer is read into out (nil: {"success":true} is checked).
func (g *graph) post(ctx context.Context, path string, form url.Values, out any) error {
	return g.do(ctx, http.MethodPost, path, form, out)
}

// del sends DELETE to path with params.
func (g *graph) del(ctx context.Context, path string, q url.Values, out any) error {
	return g.do(ctx, http.MethodDelete, path, q, out)
}

func (g *graph) do(ctx context.Context, method, path string, params url.Values, out any) error {
	op := method + " " + path
	if err := g.heldBack(op); err != nil {
		return err
	}
	if err := g.lim.Wait(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	u := g.base + path
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(params.Encode())
	} else if len(params) > 0 {
		u += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return classed{fmt.Errorf("%s: %w", op, err), moderation.ErrItem}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	authorize(req, g.token)
	req.Header.Set("User-Agent", "strazh (+https://github.com/strazh/strazh)")
	g.calls.Add(1)
	resp, err := g.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ctx.Err()
		}
		return classify(op, err, 0) // the URL holds no token
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return classify(op, err, 0)
	}
	return g.settle(op, readUsage(resp.Header), decodeAnswer(resp.StatusCode, raw, out))
}

// decodeAnswer reads Graph's answer: the error envelope, or the result.
func decodeAnswer(status int, raw []byte, out any) error {
	var env struct {
		Error *graphError `json:"error"`
	}
	if len(raw) > 0 && raw[0] == '{' {
		_ = json.Unmarshal(raw, &env)
	}
	if env.Error != nil && env.Error.Code != 0 {
		env.Error.Status = status
		return env.Error
	}
	if status != http.StatusOK {
		return fmt.Errorf("HTTP %d", status)
	}
	if out == nil {
		// An action is done only when Graph says so ({"success":true}, or
		// a bare true as older versions answered): {} or null from a proxy
		// or a cut answer would record a comment deleted that is not.
		var ok struct {
			Success bool `json:"success"`
		}
		if string(bytes.TrimSpace(raw)) != "true" && (json.Unmarshal(raw, &ok) != nil || !ok.Success) {
			return fmt.Errorf("answer is not success: %.100q", raw)
		}
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return answer.Unreadable{Err: err} // one post so is passed over (see poll)
	}
	return nil
}

// heldBack fails a call at once while the token is paused.
func (g *graph) heldBack(op string) error {
	g.usage.mu.Lock()
	defer g.usage.mu.Unlock()
	if left := time.Until(g.usage.heldUntil); left > 0 {
		return &moderation.BackOffError{Wait: left, Err: fmt.Errorf("%s: held back: Meta's rate limit is near or reached", op)}
	}
	return nil
}

// settle records the usage headers and classifies err. A rate-limit code,
// or usage at or above the back-off percent, pauses the token's calls:
// for Meta's estimate of the time to regain access when it gives one,
// otherwise longer each time in a row. An answer under the limit ends the
// series.
func (g *graph) settle(op string, u usageReading, err error) error {
	s := g.usage
	s.mu.Lock()
	defer s.mu.Unlock()
	high := false
	for k, v := range u.kinds {
		if s.kinds == nil {
			s.kinds = map[string]float64{}
		}
		s.kinds[k] = v
		high = high || v >= g.backoff
	}
	cc, _ := classOf(graphCode(err))
	if cc.limit || high {
		s.heldN++
		wait := g.retry.Wait(s.heldN, u.regain)
		s.heldUntil = time.Now().Add(wait)
		if err == nil {
			return nil // this answer came; the next calls wait
		}
		return classify(op, err, wait)
	}
	if err == nil || graphCode(err) != 0 {
		s.heldN = 0
	}
	if cc.class == moderation.ClassRetry {
		return classify(op, err, g.retry.Wait(1, 0))
	}
	return classify(op, err, 0)
}

// Calls is how many requests were sent (for measurements).
func (g *graph) Calls() int64 { return g.calls.Load() }

package ok

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/strazh/strazh/internal/answer"
	"github.com/strazh/strazh/moderation"
)

// client calls OK's REST methods for one account, signing each request
// (§2.1) and keeping requestsPerSecond. Errors 8 and 11 (flood, limit)
// pause every call of the account, doubling from initial to max.
type client struct {
	url     string
	hc      *http.Client
	appKey  string
	token   string
	secret  string // md5(access_token + application_secret_key), the session secret
	lim     *rate.Limiter
	timeout time.Duration
	retry   moderation.RetryPolicy

	mu        sync.Mutex
	heldUntil time.Time
	heldN     int // 8s and 11s in a row
	calls     int64
}

func newClient(apiURL string, hc *http.Client, appKey, appSecret, token string, rps int, timeout time.Duration, retry moderation.RetryPolicy) *client {
	return &client{url: apiURL, hc: hc, appKey: appKey, token: token,
		secret:  sessionSecret(token, appSecret),
		lim:     rate.NewLimiter(rate.Every(time.Second/time.Duration(max(rps, 1))), 1),
		timeout: timeout, retry: retry}
}

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// sessionSecret is lower(md5(access_token + application_secret_key)).
func sessionSecret(token, appSecret string) string { return md5hex(token + appSecret) }

// sign is §2.1: the params except access_token, session_key and sig,
// sorted by key, joined as key=value with no separators, then
// lower(md5(joined + secret)).
func sign(p url.Values, secret string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		switch k {
		case "access_token", "session_key", "sig":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(p.Get(k))
	}
	b.WriteString(secret)
	return md5hex(b.String())
}

// call runs method with params and decodes the answer into out (nil:
// ignore it). Errors are classified.
func (c *client) call(ctx context.Context, method string, params url.Values, out any) error {
	if err := c.heldBack(method); err != nil {
		return err
	}
	if err := c.lim.Wait(ctx); err != nil {
		return err
	}
	p := url.Values{}
	for k, v := range params {
		p[k] = v
	}
	p.Set("method", method)
	p.Set("application_key", c.appKey)
	p.Set("format", "json")
	p.Set("sig", sign(p, c.secret))
	p.Set("access_token", c.token)
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, strings.NewReader(p.Encode()))
	if err != nil {
		return classed{fmt.Errorf("%s: %w", method, err), moderation.ErrItem}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "strazh (+https://github.com/strazh/strazh)")
	c.mu.Lock()
	c.calls++
	c.mu.Unlock()
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ctx.Err()
		}
		// The error can carry the URL, never the token: it is in the body.
		return classify(method, err, 0)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return classify(method, err, 0)
	}
	return c.settle(method, decode(resp, body, out))
}

// decode reads OK's answer: the error envelope (also flagged by the
// invocation-error header) or the result.
func decode(resp *http.Response, body []byte, out any) error {
	var env struct {
		Code any    `json:"error_code"` // a number, or the number as a string
		Msg  string `json:"error_msg"`
	}
	if len(body) > 0 && body[0] == '{' {
		_ = json.Unmarshal(body, &env)
	}
	code, isErr := envelopeCode(env.Code)
	if h := resp.Header.Get("invocation-error"); !isErr && h != "" {
		code, _ = strconv.Atoi(h)
		isErr = true
	}
	if isErr && code != 0 {
		return &apiError{Code: code, Msg: env.Msg}
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return answer.Unreadable{Err: err} // one topic so is passed over (see cycle)
	}
	return nil
}

// envelopeCode reads error_code: a number, or a string holding one (read
// as an error all the same: taken for the answer, an envelope would read
// as an empty topic list or comment page, a flood block as a quiet
// group). A string that is no number is an error of unknown code (-1).
func envelopeCode(v any) (int, bool) {
	switch v := v.(type) {
	case float64:
		return int(v), true
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n, true
		}
		return -1, true
	}
	return 0, false
}

// heldBack fails a call at once while the account is paused after 8 or 11.
func (c *client) heldBack(method string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if left := time.Until(c.heldUntil); left > 0 {
		return &moderation.BackOffError{Wait: left, Err: fmt.Errorf("%s: held back after OK's rate limit", method)}
	}
	return nil
}

// settle classifies err and pauses the account after 8 or 11, longer each
// time in a row; an answer OK took ends the series.
func (c *client) settle(method string, err error) error {
	code := apiCode(err)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case code == codeFlood || code == codeLimit:
		c.heldN++
		wait := c.retry.Wait(c.heldN, 0)
		c.heldUntil = time.Now().Add(wait)
		return classify(method, err, wait)
	case code == codeService:
		return classify(method, err, c.retry.Wait(1, 0))
	case err == nil || code != 0:
		c.heldN = 0
	}
	return classify(method, err, 0)
}

// Calls is how many requests were sent (for measurements).
func (c *client) Calls() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

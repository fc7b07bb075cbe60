package telegram

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
	"time"
)

// Why not go-telegram/bot for the calls: its Start confirms an update
// before the handlers run (at-most-once, see moderation/review/poll.go) and
// it has no exported getUpdates; and its errors carry the request URL,
// which holds the token. The connector makes its few calls itself on
// net/http and decodes into the library's models types.

// client calls the Bot API with one token.
type client struct {
	base    string // <api_url>/bot<token>/ — never printed
	hc      *http.Client
	timeout time.Duration
}

func newClient(apiURL, token string, hc *http.Client, timeout time.Duration) *client {
	return &client{base: strings.TrimRight(apiURL, "/") + "/bot" + token + "/", hc: hc, timeout: timeout}
}

// apiError is a Bot API error answer (§5.1).
type apiError struct {
	Method      string
	Code        int
	Description string
	RetryAfter  time.Duration
	MigrateTo   int64 // parameters.migrate_to_chat_id
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s: %d %s", e.Method, e.Code, e.Description)
}

// call runs method with form and decodes the result into out (nil: ignore
// it). extra lengthens the timeout (a long poll). Errors are classed (see
// classify) and never contain the URL.
func (c *client) call(ctx context.Context, method string, form url.Values, out any, extra time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout+extra)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+method, strings.NewReader(form.Encode()))
	if err != nil {
		return classify(method, errors.New("bad request URL (api_url?)"))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL holds the token
		}
		return classify(method, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return classify(method, err)
	}
	var env struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
		Parameters  struct {
			RetryAfter int   `json:"retry_after"`
			MigrateTo  int64 `json:"migrate_to_chat_id"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		// A proxy's HTML page or a cut body: retry.
		return classify(method, fmt.Errorf("HTTP %d: unreadable answer: %w", resp.StatusCode, err))
	}
	if !env.OK {
		code := env.ErrorCode
		if code == 0 {
			code = resp.StatusCode
		}
		wait := time.Duration(env.Parameters.RetryAfter) * time.Second
		if code == http.StatusTooManyRequests && wait <= 0 {
			wait = retryInText(env.Description)
		}
		return classify(method, &apiError{Method: method, Code: code, Description: env.Description,
			RetryAfter: wait, MigrateTo: env.Parameters.MigrateTo})
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return classify(method, &decodeError{err})
	}
	return nil
}

// callDone runs a method that answers true when done (deleteMessage,
// banChatMember, …). An ok answer whose result is false did nothing (a
// proxy's or a cut answer: Telegram itself answers an error): retried,
// never recorded as done.
func (c *client) callDone(ctx context.Context, method string, form url.Values) error {
	var done bool
	if err := c.call(ctx, method, form, &done, 0); err != nil {
		return err
	}
	if !done {
		return classify(method, errors.New("answered ok, but the result is not true: nothing was done"))
	}
	return nil
}

// decodeError: Telegram answered ok with a result we cannot read (an API
// change or a strazh bug); the same request will not read better.
type decodeError struct{ err error }

func (e *decodeError) Error() string { return "unexpected result: " + e.err.Error() }
func (e *decodeError) Unwrap() error { return e.err }

// retryInText reads the wait a 429 names in its description ("Too Many
// Requests: retry after 7") when parameters.retry_after is missing: retried
// sooner, the call is refused again. Capped at an hour; 0 when none.
func retryInText(desc string) time.Duration {
	const mark = "retry after "
	// Only ASCII is folded: strings.ToLower changes the byte length of
	// some letters (Ⱥ, İ), and the index would not fit desc.
	low := []byte(desc)
	for j, b := range low {
		if 'A' <= b && b <= 'Z' {
			low[j] = b + 'a' - 'A'
		}
	}
	i := bytes.Index(low, []byte(mark))
	if i < 0 {
		return 0
	}
	rest := desc[i+len(mark):]
	n := 0
	for _, r := range rest {
		if r < '0' || r > '9' || n > 3600 {
			break
		}
		n = n*10 + int(r-'0')
	}
	return min(time.Duration(n)*time.Second, time.Hour)
}

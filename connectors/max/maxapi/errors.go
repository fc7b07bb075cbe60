package maxapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Class sorts an API error by what the caller should do.
type Class int

const (
	// ClassTransient: network trouble, 5xx, an unreadable answer: retry
	// with back-off.
	ClassTransient Class = iota
	// ClassRateLimit: 429; RetryAfter is MAX's hint when it gave one.
	ClassRateLimit
	// ClassCredentials: the token is broken or lacks a right (401, 403,
	// code verify.token): a human must act.
	ClassCredentials
	// ClassNotFound: the message or comment is not there (404).
	ClassNotFound
	// ClassItem: permanent for this request (400, 405, success:false).
	ClassItem
)

func (c Class) String() string {
	return [...]string{"transient", "rate limit", "credentials", "not found", "item"}[c]
}

// Error is a failed API call. Its text never holds the token.
type Error struct {
	Op         string // "DELETE /messages/{id}/comments"
	Status     int    // HTTP status, 0 for a transport error
	Code       string // MAX's error code ("verify.token"), if any
	Message    string
	Class      Class
	RetryAfter time.Duration // for ClassRateLimit, 0 when MAX gave no hint
	// Unreadable: a 200 whose body is not the shape expected (a proxy's
	// page, a cut answer, a field of another type).
	Unreadable bool
}

func (e *Error) Error() string {
	s := "maxapi: " + e.Op
	if e.Status != 0 {
		s += ": status " + strconv.Itoa(e.Status)
	}
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap gives the pipeline's class (moderation.ErrCredentials,
// moderation.ErrItem), so errors.Is works on an *Error directly.
func (e *Error) Unwrap() error {
	switch e.Class {
	case ClassCredentials:
		return moderation.ErrCredentials
	case ClassItem, ClassNotFound:
		return moderation.ErrItem
	}
	return nil
}

// Classed returns err in the pipeline's terms: transient and rate-limit
// errors become *moderation.BackOffError (with MAX's hint), the others keep
// their class through Unwrap. Other errors pass unchanged.
func Classed(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Class {
	case ClassTransient, ClassRateLimit:
		return &moderation.BackOffError{Err: err, Wait: e.RetryAfter}
	}
	return err
}

// IsUnreadable reports whether err is a 200 answer that could not be read.
func IsUnreadable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Unreadable
}

// IsNotFound reports whether err is MAX's 404 for the object.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Class == ClassNotFound
}

// classify builds the Error of a non-200 answer.
func classify(op string, resp *http.Response, raw []byte) *Error {
	e := &Error{Op: op, Status: resp.StatusCode}
	var env struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	enveloped := json.Unmarshal(raw, &env) == nil && (env.Code != "" || env.Message != "")
	if enveloped {
		e.Code, e.Message = env.Code, env.Message
	}
	switch s := resp.StatusCode; {
	case s == http.StatusUnauthorized || s == http.StatusForbidden || e.Code == "verify.token":
		e.Class = ClassCredentials
	case s == http.StatusTooManyRequests:
		e.Class = ClassRateLimit
		e.RetryAfter = retryHint(resp)
	case s == http.StatusNotFound && !enveloped:
		// A proxy's page, not MAX's answer (§6.1: errors carry
		// {"code","message"}): nothing says the object is gone.
		e.Class = ClassTransient
	case s == http.StatusNotFound:
		e.Class = ClassNotFound
	case s >= 500:
		e.Class = ClassTransient
	default:
		e.Class = ClassItem
	}
	if len(e.Message) > 300 {
		e.Message = e.Message[:300] + "…"
	}
	if e.Message == "" && e.Code == "" {
		e.Message = fmt.Sprintf("%.200q", raw)
	}
	return e
}

// retryHint reads the wait a 429 asks for. MAX's own hint is not
// documented (§6.1 lists 429 only; unverified): the standard Retry-After
// header in seconds is honoured, capped at ten minutes.
func retryHint(resp *http.Response) time.Duration {
	s, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || s <= 0 {
		return 0
	}
	return min(time.Duration(s)*time.Second, 10*time.Minute)
}

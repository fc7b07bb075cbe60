package meta

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/strazh/strazh/moderation"
)

// graphError is the Graph error envelope (§3.4), usually with HTTP 400:
// {"error":{"message":"...","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"Axyz"}}.
type graphError struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    int    `json:"code"`
	Subcode int    `json:"error_subcode"`
	Trace   string `json:"fbtrace_id"`
	Status  int    `json:"-"`
}

func (e *graphError) Error() string {
	s := fmt.Sprintf("graph error %d", e.Code)
	if e.Subcode != 0 {
		s += fmt.Sprintf("/%d", e.Subcode)
	}
	return s + ": " + e.Message
}

// graphCode returns the Graph error code in err, or 0.
func graphCode(err error) int {
	var e *graphError
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

type codeClass struct {
	class moderation.ErrorClass
	what  string
	limit bool // a rate limit: every call of the token pauses
}

// codeClasses sorts the Graph codes of §3.4; unknown ones are retried.
var codeClasses = map[int]codeClass{
	1: {moderation.ClassRetry, "unknown error (transient)", false},
	2: {moderation.ClassRetry, "service temporarily unavailable", false},
	// Rate limits: the token's calls pause (client.settle).
	4:     {moderation.ClassRetry, "application request limit reached", true},
	17:    {moderation.ClassRetry, "user request limit reached", true},
	32:    {moderation.ClassRetry, "page request limit reached", true},
	613:   {moderation.ClassRetry, "calls per hour exceeded", true},
	80001: {moderation.ClassRetry, "page business use case limit reached", true},
	80002: {moderation.ClassRetry, "instagram business use case limit reached", true}, // unverified code (§4)
	368:   {moderation.ClassRetry, "temporarily blocked for policy violations", true},
	// A human must act: the token or its permissions.
	190: {moderation.ClassCredentials, "access token invalid or expired", false},
	102: {moderation.ClassCredentials, "session invalid", false},
	10:  {moderation.ClassCredentials, "permission denied (is the MODERATE task or pages_manage_engagement / instagram_manage_comments granted?)", false},
	200: {moderation.ClassCredentials, "permission error (a permission of the token is missing)", false},
	// Permanent for this item.
	100: {moderation.ClassItem, "invalid parameter or unknown object", false}, // gone only with unknownObjectSubcode
	803: {moderation.ClassItem, "unknown object alias", false},
}

// subcodes190 explain code 190.
var subcodes190 = map[int]string{
	458: "the app was removed by the user",
	459: "the user must log in to Facebook to clear a checkpoint",
	460: "the password changed: issue a new token",
	463: "the token expired: issue a new one",
	464: "the user is not confirmed",
	467: "the token is invalid (logged out or revoked)",
}

// classOf returns how a code is treated; 200–299 are all permissions.
func classOf(code int) (codeClass, bool) {
	if cc, ok := codeClasses[code]; ok {
		return cc, true
	}
	if code > 200 && code < 300 {
		return codeClasses[200], true
	}
	return codeClass{}, false
}

// classify wraps an error of one call into the pipeline's classes. The
// caller's own cancellation passes through.
func classify(op string, err error, wait time.Duration) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var ge *graphError
	if !errors.As(err, &ge) {
		// Transport trouble, a 5xx, a proxy's page: the caller's back-off.
		return &moderation.BackOffError{Err: fmt.Errorf("%s: %w", op, err), Wait: wait}
	}
	cc, ok := classOf(ge.Code)
	if !ok {
		return &moderation.BackOffError{Err: fmt.Errorf("%s: %w", op, err), Wait: wait}
	}
	what := cc.what
	if ge.Code == 190 {
		if s, ok := subcodes190[ge.Subcode]; ok {
			what += ": " + s
		}
	}
	err = fmt.Errorf("%s: %s: %w", op, what, err)
	switch cc.class {
	case moderation.ClassCredentials:
		return classed{err, moderation.ErrCredentials}
	case moderation.ClassItem:
		return classed{err, moderation.ErrItem}
	}
	return &moderation.BackOffError{Err: err, Wait: wait}
}

// classed is an error tagged with its class.
type classed struct {
	err   error
	class error
}

func (e classed) Error() string   { return e.err.Error() }
func (e classed) Unwrap() []error { return []error{e.err, e.class} }

// isUnknownObject reports Graph's "unknown object": code 100 with the
// subcode that says the object does not exist (unknownObjectSubcode). For
// a delete or hide the comment is gone already; for a post, it is no
// longer read. Code 100 alone is also "invalid parameter" (§3.4): that is
// an item error, never a comment recorded as deleted.
func isUnknownObject(err error) bool {
	var e *graphError
	return errors.As(err, &e) && e.Code == 100 && e.Subcode == unknownObjectSubcode
}

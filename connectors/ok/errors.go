package ok

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/strazh/strazh/moderation"
)

// OK error codes the connector treats specially (§2.1).
const (
	codeService        = 2
	codeFlood          = 8
	codeLimit          = 11
	codeSignature      = 104
	codeSessionExpired = 102
	codeCommentID      = 141
	codeNotFound       = 300
)

// apiError is OK's error envelope:
// {"error_code":104,"error_msg":"PARAM_SIGNATURE : Invalid signature","error_data":null}.
type apiError struct {
	Code int    `json:"error_code"`
	Msg  string `json:"error_msg"`
}

func (e *apiError) Error() string { return fmt.Sprintf("OK error %d: %s", e.Code, e.Msg) }

// apiCode returns OK's error code in err, or 0.
func apiCode(err error) int {
	var e *apiError
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

type codeClass struct {
	class moderation.ErrorClass
	what  string
}

// codeClasses sorts the codes of apiok.ru/en/dev/errors; unknown ones are
// retried.
var codeClasses = map[int]codeClass{
	1: {moderation.ClassRetry, "unknown error"},
	2: {moderation.ClassRetry, "service temporarily unavailable"},
	// 8 and 11 pause the whole account (client.settle).
	8:  {moderation.ClassRetry, "flood control"},
	11: {moderation.ClassRetry, "request limit reached"},
	// The token, the keys or the rights are wrong: a human must act.
	7:   {moderation.ClassCredentials, "action blocked for the token's user"},
	9:   {moderation.ClassCredentials, "requests from this IP blocked"},
	10:  {moderation.ClassCredentials, "permission denied (GROUP_CONTENT or VALUABLE_ACCESS not granted?)"},
	24:  {moderation.ClassCredentials, "not the owner (the token's user does not own the group)"},
	50:  {moderation.ClassCredentials, "not an admin of the group"},
	101: {moderation.ClassCredentials, "bad application_key"},
	102: {moderation.ClassCredentials, "session expired (a new access token is needed)"},
	103: {moderation.ClassCredentials, "bad access token"},
	104: {moderation.ClassCredentials, "bad signature (wrong application secret key?)"},
	160: {moderation.ClassCredentials, "bad group_id"},
	200: {moderation.ClassCredentials, "permission not granted to the application"},
	// Permanent for this item.
	3:   {moderation.ClassItem, "unknown method (a strazh bug or an API change)"},
	4:   {moderation.ClassItem, "bad request (a strazh bug)"},
	100: {moderation.ClassItem, "bad parameter (a strazh bug)"},
	141: {moderation.ClassItem, "bad comment id"},
	300: {moderation.ClassItem, "not found"},
}

// classify wraps an error of one call into the pipeline's classes. The
// caller's own cancellation passes through.
func classify(method string, err error, wait time.Duration) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	code := apiCode(err)
	if code == 0 {
		// Transport trouble, a 5xx, a proxy's page: the caller's back-off.
		return &moderation.BackOffError{Err: fmt.Errorf("%s: %w", method, err), Wait: wait}
	}
	cc, ok := codeClasses[code]
	if !ok {
		return &moderation.BackOffError{Err: fmt.Errorf("%s: %w", method, err), Wait: wait}
	}
	err = fmt.Errorf("%s: %s: %w", method, cc.what, err)
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

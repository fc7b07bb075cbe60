package vk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

// VK error codes the connector treats specially (§1.8).
const (
	codeNotFound     = 104         // the comment is gone
	codeNotDeleted   = 243         // restore of a comment that is not deleted
	codeCantForAll   = 924         // messages.delete: cannot delete for everybody
	codeTokenExpired = 1117        // a VK ID access token past its hour: refresh once
	waitRetry        = time.Second // 1, 6, 10: VK asks for a short pause
	waitAuthFlood    = 5 * time.Minute
	waitTransportErr = 0  // network, 5xx, bad body: the caller's back-off
	codeFlood        = 9  // the same action repeated too often
	codeMethodLimit  = 29 // a method's quantity limit
	codeAccessDenied = 15 // with subcode 1133/1134: the token lacks a right
)

// codeClass is how each error code of §1.8 is treated.
type codeClass struct {
	class moderation.ErrorClass
	wait  time.Duration // for ClassRetry
	what  string
}

// codeClasses is every code of the errors list of docs/platform-apis.md
// §1.8 (VK's schema, errors.json), each classed. Codes not listed here are
// retried knowingly: moderation.Classify's default, so the pipeline counts
// them and the connector-errors alert fires after its back-off, instead of
// a silent loop.
var codeClasses = map[int]codeClass{
	// Retry with back-off.
	1: {moderation.ClassRetry, waitRetry, "unknown error"},
	6: {moderation.ClassRetry, waitRetry, "too many requests per second"},
	// 9 and 29 hold back the one method (see client.hold), not the
	// account: the client sets the wait.
	9:  {moderation.ClassRetry, 0, "flood control"},
	10: {moderation.ClassRetry, waitRetry, "internal server error"},
	29: {moderation.ClassRetry, 0, "method's rate limit reached"},
	// Too many authorisation attempts: VK asks for a long pause.
	1105: {moderation.ClassRetry, waitAuthFlood, "too many authorization attempts"},
	// The token or the setup is broken: a human must act.
	5:    {moderation.ClassCredentials, 0, "user authorization failed (token expired or revoked)"},
	7:    {moderation.ClassCredentials, 0, "permission denied (token lacks a right)"},
	14:   {moderation.ClassCredentials, 0, "captcha needed"},
	16:   {moderation.ClassCredentials, 0, "HTTP authorization failed"},
	17:   {moderation.ClassCredentials, 0, "validation required"},
	25:   {moderation.ClassCredentials, 0, "token confirmation required"},
	27:   {moderation.ClassCredentials, 0, "method unavailable with a community token (a user token is configured as the community one?)"},
	28:   {moderation.ClassCredentials, 0, "application authorization failed"},
	125:  {moderation.ClassCredentials, 0, "invalid group id"},
	203:  {moderation.ClassCredentials, 0, "access to the community denied (the token's user is not its admin?)"},
	1117: {moderation.ClassCredentials, 0, "access token has expired (a VK ID token not refreshed in time?)"},
	3609: {moderation.ClassCredentials, 0, "token extension required"},
	3610: {moderation.ClassCredentials, 0, "user is deactivated"},
	3611: {moderation.ClassCredentials, 0, "service deactivated for the user"},
	// Permanent for this item.
	15:  {moderation.ClassItem, 0, "access denied"},
	18:  {moderation.ClassItem, 0, "user deleted or banned"},
	30:  {moderation.ClassItem, 0, "private profile"},
	100: {moderation.ClassItem, 0, "bad parameter (a strazh bug)"},
	104: {moderation.ClassItem, 0, "not found"},
	113: {moderation.ClassItem, 0, "invalid user id"},
	183: {moderation.ClassItem, 0, "access to comment denied"},
	210: {moderation.ClassItem, 0, "access to post denied"},
	211: {moderation.ClassItem, 0, "access to comment denied"},
	212: {moderation.ClassItem, 0, "access to post comments denied"},
	243: {moderation.ClassItem, 0, "comment has not been deleted"},
	924: {moderation.ClassItem, 0, "cannot delete the message for everybody"},
	925: {moderation.ClassItem, 0, "not a chat admin"},
}

// missingRight are the subcodes of error 15 that mean the token lacks a
// right (§1.8): broken credentials, not a denied item.
var missingRight = map[int]bool{1133: true, 1134: true}

// apiCode returns VK's error code in err, or 0.
func apiCode(err error) int {
	var e *api.Error
	if errors.As(err, &e) {
		return int(e.Code)
	}
	return 0
}

// classify wraps an error of one API call into the pipeline's classes:
// moderation.ErrCredentials, moderation.ErrItem, or *moderation.BackOffError.
// The caller's own cancellation passes through unchanged.
func classify(method string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if code := apiCode(err); code != 0 {
		var e *api.Error
		errors.As(err, &e)
		if code == codeAccessDenied && missingRight[int(e.Subcode)] {
			return classed{fmt.Errorf("%s: the token lacks a right (error 15, subcode %d): %w", method, e.Subcode, err), moderation.ErrCredentials}
		}
		return classifyCode(method, code, err)
	}
	err = fmt.Errorf("%s: %w", method, err)
	var (
		ne  net.Error
		ict *api.InvalidContentType
		se  *json.SyntaxError
		ue  *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &ue):
		// VK answered something we cannot read: our bug or an API change;
		// retrying the same request will not help.
		return classed{err, moderation.ErrItem}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne), errors.As(err, &ict), errors.As(err, &se):
		// Timeouts, refused or dropped connections, a proxy's HTML page,
		// a truncated body.
		return &moderation.BackOffError{Err: err, Wait: waitTransportErr}
	}
	return &moderation.BackOffError{Err: err, Wait: waitTransportErr}
}

// classifyCode wraps a VK error with a known code.
func classifyCode(method string, code int, err error) error {
	cc, ok := codeClasses[code]
	if !ok {
		// Unknown codes are retried (moderation.Classify's default).
		return &moderation.BackOffError{Err: fmt.Errorf("%s: error %d: %w", method, code, err)}
	}
	err = fmt.Errorf("%s: %s (error %d): %w", method, cc.what, code, err)
	switch cc.class {
	case moderation.ClassCredentials:
		return classed{err, moderation.ErrCredentials}
	case moderation.ClassItem:
		return classed{err, moderation.ErrItem}
	}
	return &moderation.BackOffError{Err: err, Wait: cc.wait}
}

// classed is an error tagged with its class, keeping the message free of
// the class's own text.
type classed struct {
	err   error
	class error // moderation.ErrCredentials or moderation.ErrItem
}

func (e classed) Error() string   { return e.err.Error() }
func (e classed) Unwrap() []error { return []error{e.err, e.class} }

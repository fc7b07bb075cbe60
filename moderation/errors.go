package moderation

import (
	"errors"
	"fmt"
	"time"
)

// Error classes. Connectors wrap their errors with these (errors.Join or
// fmt.Errorf("...: %w", ...)); only the pipeline branches on them.
var (
	// ErrCredentials: the account's token is broken, expired or lacks a
	// right. A human must act; the pipeline stops acting on the account
	// (actions stay pending) but keeps reading what it can.
	ErrCredentials = errors.New("credentials broken")
	// ErrItem: permanent for this item (access denied, not found for an
	// action other than delete). Retrying will not help.
	ErrItem = errors.New("permanent for this item")
	// ErrNotConnected: the connector lost its connection or session (a
	// long-poll server gone, a websocket closed). The pipeline calls Connect
	// again, with back-off, and then goes on fetching from its cursor.
	ErrNotConnected = errors.New("not connected")
	// ErrUnsupported: the network cannot do this action (see Capabilities).
	ErrUnsupported = errors.New("not supported by the network")
)

// BackOffError asks the caller to retry after Wait (rate limit, 5xx,
// network trouble). Wait 0 means "use your own back-off".
type BackOffError struct {
	Err  error
	Wait time.Duration
}

func (e *BackOffError) Error() string {
	if e.Wait > 0 {
		return fmt.Sprintf("%v (retry in %s)", e.Err, e.Wait)
	}
	return e.Err.Error()
}

func (e *BackOffError) Unwrap() error { return e.Err }

// ErrorClass is how the pipeline treats an error.
type ErrorClass string

const (
	ClassRetry       ErrorClass = "retry"
	ClassCredentials ErrorClass = "credentials"
	ClassItem        ErrorClass = "item"
	ClassUnsupported ErrorClass = "unsupported"
	// ClassNotConnected: connect again (see ErrNotConnected); actions that
	// meet it are retried like ClassRetry.
	ClassNotConnected ErrorClass = "not_connected"
)

// Classify sorts an error into its class; anything unknown is retried
// (a network error, a 5xx, a timeout).
func Classify(err error) ErrorClass {
	switch {
	case errors.Is(err, ErrCredentials):
		return ClassCredentials
	case errors.Is(err, ErrItem):
		return ClassItem
	case errors.Is(err, ErrUnsupported):
		return ClassUnsupported
	case errors.Is(err, ErrNotConnected):
		return ClassNotConnected
	}
	return ClassRetry
}

// RetryAfter is the wait a BackOffError asks for, or 0.
func RetryAfter(err error) time.Duration {
	var b *BackOffError
	if errors.As(err, &b) {
		return b.Wait
	}
	return 0
}

// Package answer holds what the HTTP connectors share about a network's
// answers (OK, Meta).
package answer

import "errors"

// Unreadable is an answer a network gave without its error envelope, in a
// shape that cannot be read (a field of another type, a proxy's page with
// 200). The caller retries it like an outage, but one item (a post, a
// topic) answering so is passed over for the cycle, so that it does not
// hold up the others.
type Unreadable struct{ Err error }

func (e Unreadable) Error() string { return "unreadable answer: " + e.Err.Error() }
func (e Unreadable) Unwrap() error { return e.Err }

// IsUnreadable reports whether err is, or wraps, an Unreadable.
func IsUnreadable(err error) bool {
	var u Unreadable
	return errors.As(err, &u)
}

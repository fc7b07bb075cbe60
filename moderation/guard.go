package moderation

import (
	"context"
	"errors"
	"time"
)

// The account guard (§1.2.2): the shapes the guard (moderation/guard), the
// store, the review channels and `strazh doctor` share, beside Guarded and
// SecurityEvent in duties.go.

// SecurityEvent kinds.
const (
	SecManagerAdded   = "manager_added"
	SecManagerRemoved = "manager_removed"
	SecManagerRole    = "manager_role"
	SecTokenBroken    = "token_broken"
	SecTokenRightLost = "token_right_lost"
	SecTokenExpiring  = "token_expiring"
	SecSettingChanged = "setting_changed"
)

// RoleManager is the Manager.Role of a manager whose role the network did
// not say; the guard reports no role change to or from it.
const RoleManager = "manager"

// SecurityKinds is every kind, in the order reports list them.
var SecurityKinds = []string{SecManagerAdded, SecManagerRemoved, SecManagerRole,
	SecTokenBroken, SecTokenRightLost, SecTokenExpiring, SecSettingChanged}

// TokenError is an error of Guarded.Access naming the credential that
// stopped working ("community", "user"): Access then returns the rights of
// the tokens that still work, joined with one TokenError per broken one.
// Err wraps ErrCredentials.
type TokenError struct {
	Token string
	Err   error
}

func (e *TokenError) Error() string { return e.Token + " token: " + e.Err.Error() }
func (e *TokenError) Unwrap() error { return e.Err }

// TokenErrors lists the TokenErrors in err's tree (errors.Join of them,
// possibly wrapped).
func TokenErrors(err error) []*TokenError {
	var out []*TokenError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if te, ok := e.(*TokenError); ok {
			out = append(out, te)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// IsTokenBroken reports whether err says a credential is broken.
func IsTokenBroken(err error) bool {
	return len(TokenErrors(err)) > 0 || errors.Is(err, ErrCredentials)
}

// GuardNotifier is a Guarded connector that hears from the network when
// its page's managers or settings change (VK's group_officers_edit): each
// receive on the channel asks the guard to check the account at once. The
// channel is never closed; sends do not block (capacity one).
type GuardNotifier interface {
	GuardChanged() <-chan struct{}
}

// Announcer is an optional extension of Reviewer: the guard announces each
// SecurityEvent through it (the review chat). Like Notify it only queues
// durably and returns.
type Announcer interface {
	Announce(ctx context.Context, ev SecurityEvent) error
}

// GuardState is what the guard last saw of one account; the next check is
// diffed against it. Tokens broken at that check keep the rights seen
// before they broke (a broken token is one event, not one per right).
type GuardState struct {
	Account  string            `json:"account"`
	Network  string            `json:"network"`
	Checked  time.Time         `json:"checked"`            // the last check (even a failed one)
	OK       time.Time         `json:"ok,omitzero"`        // the last check that found nothing wrong
	Error    string            `json:"error,omitempty"`    // why the last check failed, when it did
	Managers []Manager         `json:"managers,omitempty"` // by ID
	Access   Access            `json:"access"`
	Settings map[string]string `json:"settings,omitempty"`
	Broken   []string          `json:"broken,omitempty"` // tokens broken at the last check
	Expiring bool              `json:"expiring,omitempty"`
	// Has* say which parts were ever read (a network that cannot list its
	// managers is not "every manager removed").
	HasManagers bool `json:"has_managers,omitempty"`
	HasAccess   bool `json:"has_access,omitempty"`
	HasSettings bool `json:"has_settings,omitempty"`
}

// GuardStore keeps the guard's last state per account and its event log.
// moderation/store implements it.
type GuardStore interface {
	// GuardState returns the account's last state (an error wrapping
	// ErrNotFound before its first check).
	GuardState(account string) (GuardState, error)
	// PutGuardState stores the state and appends the events, in one
	// transaction.
	PutGuardState(s GuardState, events []SecurityEvent) error
	// SecurityEvents lists the events at or after since and before until
	// (zero until: no end), oldest first.
	SecurityEvents(since, until time.Time) ([]SecurityEvent, error)
}

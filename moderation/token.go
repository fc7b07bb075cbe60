package moderation

import (
	"log/slog"
	"time"
)

// Token is a credential a connector renewed itself (a refreshed VK ID
// access and refresh token pair), kept so that a restart uses the newest
// one: a refresh token works once, the one in the configuration is spent
// after the first refresh. Access and Refresh are secrets: Token's String
// and LogValue never show them.
type Token struct {
	Access  string    `json:"access"`
	Refresh string    `json:"refresh,omitempty"`
	Issued  time.Time `json:"issued,omitzero"`
	Expires time.Time `json:"expires,omitzero"` // zero: does not expire by time
	// Source fingerprints the configured credential the token descends
	// from: when the configuration gets a new one (a human authorised
	// again), it wins over the stored token.
	Source string `json:"source,omitempty"`
}

// String describes the token without its secrets.
func (t Token) String() string {
	if t.Expires.IsZero() {
		return "token(no expiry)"
	}
	return "token(expires " + t.Expires.UTC().Format(time.RFC3339) + ")"
}

// LogValue keeps the secrets out of structured logs.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// TokenStore keeps tokens connectors renewed, per account and name
// ("vk_user"). moderation/store implements it on bbolt; implementations
// never log the values.
type TokenStore interface {
	// Token returns the stored token (an error wrapping ErrNotFound when
	// there is none).
	Token(account, name string) (Token, error)
	// PutToken stores a token, replacing the one before, durably before it
	// returns.
	PutToken(account, name string, t Token) error
}

// TokenExpirer is implemented by connectors whose tokens expire by time;
// the daemon exports it as a metric. Zero: no token of the connector
// expires by time.
type TokenExpirer interface {
	TokenExpires() time.Time
}

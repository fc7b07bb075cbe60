// Package cardstore holds the records the Telegram reviewer keeps durably
// (cards, the outbox, the getUpdates offset, the digest buffer) and an
// in-memory Store for tests. It imports only the standard library and the
// moderation core, so moderation/store can implement the bbolt side without
// depending on Telegram code.
package cardstore

import (
	"time"
)

// Kind is what a card shows.
type Kind string

const (
	KindReview Kind = "review" // a comment waiting for a human decision
	KindNotice Kind = "notice" // one automatic action, with «Восстановить»
	KindDigest Kind = "digest" // several automatic actions grouped
)

// Card is one Telegram message strazh manages. Its callback buttons carry
// Key plus the index of a decision in Decisions and an action code; the
// decision itself is never parsed out of the message.
type Card struct {
	Key       string   `json:"key"` // short random key, unique; callback data prefix
	Kind      Kind     `json:"kind"`
	Decisions []uint64 `json:"decisions"`
	ChatID    int64    `json:"chat_id"`
	MessageID int64    `json:"message_id,omitempty"` // Telegram's numeric ID; 0 until sent
	// MID is a message ID that is not a number (MAX's "mid.…"); empty for
	// Telegram, whose cards keep the old message_id field.
	MID     string    `json:"mid,omitempty"`
	Created time.Time `json:"created"`
	Sent    time.Time `json:"sent,omitzero"`
	// Open is true while a review card still waits for a decision (it is
	// checked for reminders, time-outs and decisions made elsewhere).
	Open     bool `json:"open,omitempty"`
	Reminded bool `json:"reminded,omitempty"`
	// Names maps the audit identity of moderators who tapped ("telegram:77")
	// to their display names, for the edited card.
	Names map[string]string `json:"names,omitempty"`
}

// Op is what an outbox entry does.
type Op string

const (
	OpSend     Op = "send"     // send Card, rendered at send time
	OpEdit     Op = "edit"     // re-render Card's message (after a decision)
	OpKeyboard Op = "keyboard" // switch Card's buttons to Step
	OpText     Op = "text"     // send Text (a command reply, a reminder)
	OpDocument Op = "document" // send Doc as the file DocName, Text its caption
)

// Priorities: lower goes first. Edits and replies answer a human who is
// waiting; review cards go before notices.
const (
	PrioInteractive = 0
	PrioReview      = 1
	PrioNotice      = 2
)

// Outgoing is one entry of the outbox: something to send to Telegram once
// it is reachable and the pace allows.
type Outgoing struct {
	Seq     uint64 `json:"seq"` // assigned by the store, increasing
	Prio    int    `json:"prio"`
	Op      Op     `json:"op"`
	Card    string `json:"card,omitempty"` // Card.Key for send, edit, keyboard
	Step    string `json:"step,omitempty"` // for OpKeyboard: "" main, "ban" durations
	ChatID  int64  `json:"chat_id"`
	Text    string `json:"text,omitempty"` // for OpText, HTML
	ReplyTo int64  `json:"reply_to,omitempty"`
	// ReplyMID is ReplyTo for a message ID that is not a number (MAX).
	ReplyMID string    `json:"reply_mid,omitempty"`
	Created  time.Time `json:"created"`
	// DocName and Doc are the file of an OpDocument (the scheduled
	// report); kept in the outbox so a failed upload is retried.
	DocName string `json:"doc_name,omitempty"`
	Doc     []byte `json:"doc,omitempty"`
}

// Change is one atomic write: everything in it is applied in one
// transaction or not at all.
type Change struct {
	Put       []*Card     // insert or replace by Key; indexes each decision to the card
	Delete    []string    // card keys to delete
	Enqueue   []*Outgoing // appended to the outbox; Seq is assigned in place
	Done      []uint64    // outbox entries to remove
	Offset    int64       // when > 0, the getUpdates offset to save
	DigestAdd []uint64    // decisions to add to the digest buffer
	DigestDel []uint64    // decisions to remove from it
}

// Empty reports whether the change writes nothing.
func (c *Change) Empty() bool {
	return len(c.Put) == 0 && len(c.Delete) == 0 && len(c.Enqueue) == 0 &&
		len(c.Done) == 0 && c.Offset <= 0 && len(c.DigestAdd) == 0 && len(c.DigestDel) == 0
}

// Store keeps the Telegram reviewer's durable state: cards and their callback
// keys, the outbox, the getUpdates offset and the digest buffer.
// Mem is the in-memory one; *store.DB (moderation/store) the bbolt one.
type Store interface {
	// Apply writes a change in one transaction.
	Apply(ch Change) error
	// Card returns the card with the key (moderation.ErrNotFound).
	Card(key string) (*Card, error)
	// CardFor returns the latest card showing the decision
	// (moderation.ErrNotFound).
	CardFor(decision uint64) (*Card, error)
	// OpenCards lists cards still waiting for a decision, oldest first.
	OpenCards() ([]*Card, error)
	// Outbox lists queued messages by priority, then sequence.
	Outbox() ([]*Outgoing, error)
	// Offset is the getUpdates offset saved last (0: none).
	Offset() (int64, error)
	// Digest lists decisions waiting for the next digest.
	Digest() ([]uint64, error)
}

package store

import (
	"fmt"
	"regexp"

	"github.com/strazh/strazh/moderation/review/cardstore"
)

// A review channel other than Telegram keeps the same records in its own
// buckets, review_<channel>_cards and so on, so two reviewers never share
// an outbox, an updates offset or a card index, and Telegram's buckets
// keep their names and format.

// cardView is one review channel's state in the database.
type cardView struct {
	db *DB
	n  cardNames
}

var channelName = regexp.MustCompile(`^[a-z][a-z0-9]{0,15}$`)

// ReviewCards is the card store of a review channel ("max"); "telegram"
// is the store the *DB itself implements, on the old bucket names.
func (db *DB) ReviewCards(channel string) (cardstore.Store, error) {
	if channel == "telegram" {
		return db, nil
	}
	if !channelName.MatchString(channel) {
		return nil, fmt.Errorf("store: review channel %q: want a short lower-case name", channel)
	}
	p := "review_" + channel + "_"
	return cardView{db: db, n: cardNames{p + "cards", p + "by_decision", p + "open", p + "outbox", p + "digest", p + "state"}}, nil
}

// The *DB is Telegram's card store (cardstore.Store), as before.

func (db *DB) tgCards() cardView { return cardView{db: db, n: telegramCardNames} }

// Apply writes a change of the Telegram reviewer's state in one transaction.
func (db *DB) Apply(ch cardstore.Change) error { return db.tgCards().Apply(ch) }

// Card returns the Telegram reviewer's card with the key (moderation.ErrNotFound).
func (db *DB) Card(key string) (*cardstore.Card, error) { return db.tgCards().Card(key) }

// CardFor returns the latest Telegram card showing the decision.
func (db *DB) CardFor(decision uint64) (*cardstore.Card, error) {
	return db.tgCards().CardFor(decision)
}

// OpenCards lists Telegram cards still waiting for a decision, oldest first.
func (db *DB) OpenCards() ([]*cardstore.Card, error) { return db.tgCards().OpenCards() }

// Outbox lists the Telegram reviewer's queued messages.
func (db *DB) Outbox() ([]*cardstore.Outgoing, error) { return db.tgCards().Outbox() }

// Offset is the getUpdates offset the Telegram reviewer saved last.
func (db *DB) Offset() (int64, error) { return db.tgCards().Offset() }

// Digest lists the decisions waiting for the Telegram reviewer's digest.
func (db *DB) Digest() ([]uint64, error) { return db.tgCards().Digest() }

var _ cardstore.Store = cardView{}

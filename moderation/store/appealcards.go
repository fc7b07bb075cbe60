package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// The appeal desk's cards (*DB implements cardstore.AppealCards), created
// on the first write:
//
//	appeal_cards       big-endian decision ID → JSON cardstore.AppealCard
//	appeal_cards_todo  big-endian decision ID → nil, while it has work
//	appeal_cards_msg   big-endian chat ‖ message ID → big-endian decision ID
const (
	bucketAppealCards    = "appeal_cards"
	bucketAppealCardTodo = "appeal_cards_todo"
	bucketAppealCardMsg  = "appeal_cards_msg"
)

var _ cardstore.AppealCards = (*DB)(nil)

func msgKey(chat int64, msg string) []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(msg)), uint64(chat))
	return append(b, msg...)
}

func getAppealCard(b *bbolt.Bucket, id uint64) (*cardstore.AppealCard, error) {
	if b == nil {
		return nil, moderation.ErrNotFound
	}
	v := b.Get(idKey(id))
	if v == nil {
		return nil, moderation.ErrNotFound
	}
	c := new(cardstore.AppealCard)
	if err := json.Unmarshal(v, c); err != nil {
		return nil, fmt.Errorf("%w: %w", errCorrupt, err)
	}
	return c, nil
}

// AppealCard returns an appeal's card.
func (db *DB) AppealCard(id uint64) (*cardstore.AppealCard, error) {
	var c *cardstore.AppealCard
	err := db.view(func(tx *bbolt.Tx) (err error) {
		c, err = getAppealCard(tx.Bucket([]byte(bucketAppealCards)), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: appeal card %d: %w", id, err)
	}
	return c, nil
}

// PutAppealCard writes a card in one transaction.
func (db *DB) PutAppealCard(c *cardstore.AppealCard) error {
	if c.DecisionID == 0 {
		return fmt.Errorf("store: put appeal card: no decision ID")
	}
	err := db.update(func(tx *bbolt.Tx) error {
		var bs [3]*bbolt.Bucket
		for i, name := range []string{bucketAppealCards, bucketAppealCardTodo, bucketAppealCardMsg} {
			b, err := tx.CreateBucketIfNotExists([]byte(name))
			if err != nil {
				return err
			}
			bs[i] = b
		}
		// A revision is never taken back: the desk writes back a card it
		// read before the store's expiry bumped it (expireOne), and that
		// edit must still be shown.
		if old, err := getAppealCard(bs[0], c.DecisionID); err == nil && old.Rev > c.Rev {
			c.Rev = old.Rev
		}
		v, err := json.Marshal(c)
		if err != nil {
			return err
		}
		key := idKey(c.DecisionID)
		if err := bs[0].Put(key, v); err != nil {
			return err
		}
		if c.Todo() {
			err = bs[1].Put(key, nil)
		} else {
			err = bs[1].Delete(key)
		}
		if err != nil {
			return err
		}
		for _, m := range append([]string{c.Msg}, c.Prompts...) {
			if m == "" || m == "-" {
				continue
			}
			if err := bs[2].Put(msgKey(c.ChatID, m), key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: put appeal card %d: %w", c.DecisionID, err)
	}
	return nil
}

// AppealCardsTodo lists the cards with work left.
func (db *DB) AppealCardsTodo() ([]*cardstore.AppealCard, error) {
	var out []*cardstore.AppealCard
	err := db.view(func(tx *bbolt.Tx) error {
		todo, all := tx.Bucket([]byte(bucketAppealCardTodo)), tx.Bucket([]byte(bucketAppealCards))
		if todo == nil {
			return nil
		}
		return todo.ForEach(func(k, _ []byte) error {
			c, err := getAppealCard(all, keyID(k))
			if err != nil {
				return fmt.Errorf("todo %x: %w", k, err)
			}
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: appeal cards to do: %w", err)
	}
	return out, nil
}

// AppealCardByMessage finds a card by its message or a prompt.
func (db *DB) AppealCardByMessage(chatID int64, msgID string) (*cardstore.AppealCard, error) {
	var c *cardstore.AppealCard
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketAppealCardMsg))
		if b == nil {
			return moderation.ErrNotFound
		}
		k := b.Get(msgKey(chatID, msgID))
		if k == nil {
			return moderation.ErrNotFound
		}
		var err error
		c, err = getAppealCard(tx.Bucket([]byte(bucketAppealCards)), keyID(k))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: appeal card of message %d/%s: %w", chatID, msgID, err)
	}
	return c, nil
}

package store

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// The Telegram reviewer's state (*DB implements cardstore.Store). Its
// buckets are created on the first write, in that write's transaction, and
// read as empty until then:
//
//	review_cards        card key → JSON cardstore.Card
//	review_by_decision  big-endian decision ID → card key (the latest card)
//	review_open         card key → nil, for cards still waiting for a decision
//	review_outbox       big-endian sequence → JSON cardstore.Outgoing
//	review_digest       big-endian decision ID → nil
//	review_state        "offset" → big-endian getUpdates offset
const (
	bucketReviewCards      = "review_cards"
	bucketReviewByDecision = "review_by_decision"
	bucketReviewOpen       = "review_open"
	bucketReviewOutbox     = "review_outbox"
	bucketReviewDigest     = "review_digest"
	bucketReviewState      = "review_state"
)

var keyReviewOffset = []byte("offset")

// cardNames are the bucket names of one review channel's state: Telegram
// keeps the names above (so its data from before MAX loads as it was),
// another channel has its own set (cards_channel.go).
type cardNames struct{ cards, byDecision, open, outbox, digest, state string }

var telegramCardNames = cardNames{bucketReviewCards, bucketReviewByDecision, bucketReviewOpen,
	bucketReviewOutbox, bucketReviewDigest, bucketReviewState}

// cardBuckets are the reviewer's buckets in one write transaction.
type cardBuckets struct {
	cards, byDecision, open, outbox, digest, state *bbolt.Bucket
}

func openCardBuckets(tx *bbolt.Tx, n cardNames) (*cardBuckets, error) {
	var bs cardBuckets
	for _, p := range []struct {
		name string
		dst  **bbolt.Bucket
	}{
		{n.cards, &bs.cards},
		{n.byDecision, &bs.byDecision},
		{n.open, &bs.open},
		{n.outbox, &bs.outbox},
		{n.digest, &bs.digest},
		{n.state, &bs.state},
	} {
		b, err := tx.CreateBucketIfNotExists([]byte(p.name))
		if err != nil {
			return nil, fmt.Errorf("create bucket %s: %w", p.name, err)
		}
		*p.dst = b
	}
	return &bs, nil
}

// Apply writes a change of the reviewer's state in one transaction.
func (v cardView) Apply(ch cardstore.Change) error {
	db, n := v.db, v.n
	if ch.Empty() {
		return nil
	}
	err := db.update(func(tx *bbolt.Tx) error {
		bs, err := openCardBuckets(tx, n)
		if err != nil {
			return err
		}
		for _, key := range ch.Delete {
			if err := deleteCard(bs, key); err != nil {
				return err
			}
		}
		for _, c := range ch.Put {
			if err := putCard(bs, c); err != nil {
				return err
			}
		}
		for _, o := range ch.Enqueue {
			seq, err := bs.outbox.NextSequence()
			if err != nil {
				return err
			}
			o.Seq = seq
			v, err := json.Marshal(o)
			if err != nil {
				return err
			}
			if err := bs.outbox.Put(idKey(seq), v); err != nil {
				return err
			}
		}
		for _, seq := range ch.Done {
			if err := bs.outbox.Delete(idKey(seq)); err != nil {
				return err
			}
		}
		if ch.Offset > 0 {
			if err := bs.state.Put(keyReviewOffset, binary.BigEndian.AppendUint64(nil, uint64(ch.Offset))); err != nil {
				return err
			}
		}
		for _, id := range ch.DigestAdd {
			if err := bs.digest.Put(idKey(id), nil); err != nil {
				return err
			}
		}
		for _, id := range ch.DigestDel {
			if err := bs.digest.Delete(idKey(id)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// Seq values assigned in a rolled-back transaction mean nothing.
		for _, o := range ch.Enqueue {
			o.Seq = 0
		}
		return fmt.Errorf("store: review state: %w", err)
	}
	return nil
}

func putCard(bs *cardBuckets, c *cardstore.Card) error {
	if c.Key == "" {
		return errors.New("card without a key")
	}
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	key := []byte(c.Key)
	if err := bs.cards.Put(key, v); err != nil {
		return err
	}
	for _, id := range c.Decisions {
		if err := bs.byDecision.Put(idKey(id), key); err != nil {
			return err
		}
	}
	if c.Open {
		return bs.open.Put(key, nil)
	}
	return bs.open.Delete(key)
}

func deleteCard(bs *cardBuckets, key string) error {
	v := bs.cards.Get([]byte(key))
	if v == nil {
		return nil
	}
	var c cardstore.Card
	if err := json.Unmarshal(v, &c); err != nil {
		return fmt.Errorf("card %s: %w", key, err)
	}
	for _, id := range c.Decisions {
		if string(bs.byDecision.Get(idKey(id))) == key {
			if err := bs.byDecision.Delete(idKey(id)); err != nil {
				return err
			}
		}
	}
	if err := bs.open.Delete([]byte(key)); err != nil {
		return err
	}
	return bs.cards.Delete([]byte(key))
}

// getCard decodes the card under key; nil when there is none.
func getCard(tx *bbolt.Tx, n cardNames, key []byte) (*cardstore.Card, error) {
	b := tx.Bucket([]byte(n.cards))
	if b == nil {
		return nil, nil
	}
	v := b.Get(key)
	if v == nil {
		return nil, nil
	}
	var c cardstore.Card
	if err := json.Unmarshal(v, &c); err != nil {
		return nil, fmt.Errorf("card %s: %w", key, err)
	}
	return &c, nil
}

// Card returns the reviewer's card with the key (moderation.ErrNotFound).
func (v cardView) Card(key string) (*cardstore.Card, error) {
	db, n := v.db, v.n
	var c *cardstore.Card
	err := db.view(func(tx *bbolt.Tx) error {
		var err error
		c, err = getCard(tx, n, []byte(key))
		return err
	})
	if err == nil && c == nil {
		err = moderation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: card %s: %w", key, err)
	}
	return c, nil
}

// CardFor returns the latest card showing the decision
// (moderation.ErrNotFound).
func (v cardView) CardFor(decision uint64) (*cardstore.Card, error) {
	db, n := v.db, v.n
	var c *cardstore.Card
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(n.byDecision))
		if b == nil {
			return nil
		}
		key := b.Get(idKey(decision))
		if key == nil {
			return nil
		}
		var err error
		c, err = getCard(tx, n, key)
		return err
	})
	if err == nil && c == nil {
		err = moderation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: card for decision %d: %w", decision, err)
	}
	return c, nil
}

// OpenCards lists the cards still waiting for a decision, oldest first.
func (v cardView) OpenCards() ([]*cardstore.Card, error) {
	db, n := v.db, v.n
	var out []*cardstore.Card
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(n.open))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			c, err := getCard(tx, n, k)
			if err != nil || c == nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: open cards: %w", err)
	}
	sortCards(out)
	return out, nil
}

func sortCards(cs []*cardstore.Card) {
	slices.SortFunc(cs, func(a, b *cardstore.Card) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.Key, b.Key))
	})
}

// Outbox lists the reviewer's queued messages by priority, then sequence.
func (v cardView) Outbox() ([]*cardstore.Outgoing, error) {
	db, n := v.db, v.n
	var out []*cardstore.Outgoing
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(n.outbox))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var o cardstore.Outgoing
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("outbox %d: %w", keyID(k), err)
			}
			o.Seq = keyID(k)
			out = append(out, &o)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	cardstore.SortOutbox(out)
	return out, nil
}

// Offset is the getUpdates offset the reviewer saved last (0: none).
func (v cardView) Offset() (int64, error) {
	db, n := v.db, v.n
	var off int64
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(n.state))
		if b == nil {
			return nil
		}
		if v := b.Get(keyReviewOffset); len(v) == 8 {
			off = int64(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: telegram offset: %w", err)
	}
	return off, nil
}

// Digest lists the decisions waiting for the reviewer's next digest, by ID.
func (v cardView) Digest() ([]uint64, error) {
	db, n := v.db, v.n
	var out []uint64
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(n.digest))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			out = append(out, keyID(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: digest: %w", err)
	}
	return out, nil
}

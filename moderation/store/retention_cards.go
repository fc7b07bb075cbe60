package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation/review/cardstore"
)

// cardScanChunk bounds the cards read per write transaction while pruning
// (their keys are random, so every card is read once per round).
const cardScanChunk = 5 * pruneChunk

// PruneReviewCards deletes, in every review channel's buckets, the closed
// cards made before before whose decisions are all gone (pruned): a tap on
// such a card is answered as stale by the reviewer. Open cards, cards with
// a queued message and cards showing a kept decision stay. It returns how
// many it deleted.
func (db *DB) PruneReviewCards(before time.Time) (int, error) {
	var channels []cardNames
	err := db.view(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
			switch n := string(name); {
			case n == bucketReviewCards:
				channels = append(channels, telegramCardNames)
			case strings.HasPrefix(n, "review_") && strings.HasSuffix(n, "_cards"):
				ch := strings.TrimSuffix(strings.TrimPrefix(n, "review_"), "_cards")
				if channelName.MatchString(ch) {
					p := "review_" + ch + "_"
					channels = append(channels, cardNames{p + "cards", p + "by_decision", p + "open", p + "outbox", p + "digest", p + "state"})
				}
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune review cards: %w", err)
	}
	total := 0
	var errs []error
	for _, n := range channels {
		k, err := db.pruneCards(n, before)
		total += k
		if err != nil {
			errs = append(errs, fmt.Errorf("store: prune review cards %s: %w", n.cards, err))
		}
	}
	return total, errors.Join(errs...)
}

func (db *DB) pruneCards(n cardNames, before time.Time) (int, error) {
	total := 0
	var from []byte
	for {
		var next []byte
		k := 0
		err := db.update(func(tx *bbolt.Tx) error {
			next, k = nil, 0
			bs, err := openCardBuckets(tx, n)
			if err != nil {
				return err
			}
			decisions, err := bucket(tx, bucketDecisions)
			if err != nil {
				return err
			}
			queued := map[string]bool{}
			err = bs.outbox.ForEach(func(_, v []byte) error {
				var o cardstore.Outgoing
				if json.Unmarshal(v, &o) == nil && o.Card != "" {
					queued[o.Card] = true
				}
				return nil
			})
			if err != nil {
				return err
			}
			var victims []string
			c := bs.cards.Cursor()
			key, v := c.First()
			if from != nil {
				key, v = c.Seek(from)
			}
			for scanned := 0; key != nil; key, v = c.Next() {
				if scanned == cardScanChunk || len(victims) == pruneChunk {
					next = bytes.Clone(key)
					break
				}
				scanned++
				var card cardstore.Card
				if json.Unmarshal(v, &card) != nil { // unreadable: left for the reviewer to report
					continue
				}
				if card.Open || !card.Created.Before(before) || queued[card.Key] || card.Key != string(key) {
					continue
				}
				gone := true
				for _, id := range card.Decisions {
					if decisions.Get(idKey(id)) != nil {
						gone = false
						break
					}
				}
				if gone {
					victims = append(victims, string(key))
				}
			}
			for _, key := range victims {
				if err := deleteCard(bs, key); err != nil {
					return err
				}
			}
			k = len(victims)
			return nil
		})
		total += k
		if err != nil || next == nil {
			return total, err
		}
		from = next
	}
}

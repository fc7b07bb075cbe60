package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// expireAppeals closes, as of at, the open appeals opened before before,
// pruneChunk per transaction, and queues their cards for an edit (the
// desk shows them closed). An appeal whose card is posting an answer is
// left to it. An unreadable appeal or card is kept and named in the error,
// after the others are expired.
func (db *DB) expireAppeals(before, at time.Time) (int, error) {
	total := 0
	var bad []error
	skip := map[uint64]bool{} // left open this round: not looked at again
	for {
		n, more := 0, false
		err := db.update(func(tx *bbolt.Tx) error {
			n, more = 0, false
			open := tx.Bucket([]byte(bucketAppealsOpen))
			if open == nil {
				return nil
			}
			bs, err := appealBucketsRW(tx)
			if err != nil {
				return err
			}
			cards := tx.Bucket([]byte(bucketAppealCards))
			var due []*moderation.Appeal
			c := open.Cursor()
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				if len(due) == pruneChunk {
					more = true
					break
				}
				id := keyID(k)
				if skip[id] {
					continue
				}
				a, err := getAppeal(bs.all, id)
				if err != nil {
					skip[id] = true
					if errors.Is(err, errCorrupt) {
						bad = append(bad, fmt.Errorf("appeal %d: %w", id, err))
					}
					continue
				}
				if !a.OpenedAt.Before(before) {
					skip[id] = true
					continue
				}
				card, err := getAppealCard(cards, id)
				switch {
				case errors.Is(err, errCorrupt):
					skip[id] = true
					bad = append(bad, fmt.Errorf("appeal card %d: %w", id, err))
					continue
				case err == nil && card.Reply != nil:
					skip[id] = true // an answer is being posted: it closes the appeal
					continue
				}
				due = append(due, a)
			}
			for _, a := range due {
				if err := expireOne(tx, bs, cards, a, at); err != nil {
					return err
				}
			}
			n = len(due)
			return nil
		})
		total += n
		if err != nil {
			return total, err
		}
		if !more {
			if len(bad) > 0 {
				return total, fmt.Errorf("kept unreadable records open: %w", errors.Join(bad...))
			}
			return total, nil
		}
	}
}

// expireOne closes a, drops it from the open index and bumps its card's
// revision, in tx.
func expireOne(tx *bbolt.Tx, bs *appealBuckets, cards *bbolt.Bucket, a *moderation.Appeal, at time.Time) error {
	if err := moderation.ExpireAppeal(at)(a); err != nil {
		return err
	}
	if err := putJSON(bs.all, idKey(a.DecisionID), a); err != nil {
		return err
	}
	if err := bs.open.Delete(openKey(a.Account, a.DecisionID)); err != nil {
		return err
	}
	if err := indexExpired(bs.expired, nil, a); err != nil {
		return err
	}
	return editAppealCard(tx, cards, a.DecisionID, func(c *cardstore.AppealCard) { c.Step = "" })
}

// editAppealCard bumps the revision of appeal id's card, changed by fn, and
// puts it on the work list, in tx; an appeal without a readable card
// (no appeals chat, or one named by an error elsewhere) has none to edit.
func editAppealCard(tx *bbolt.Tx, cards *bbolt.Bucket, id uint64, fn func(c *cardstore.AppealCard)) error {
	card, err := getAppealCard(cards, id)
	if err != nil {
		return nil
	}
	card.Rev++
	fn(card)
	if err := putJSON(cards, idKey(id), card); err != nil {
		return err
	}
	todo, err := tx.CreateBucketIfNotExists([]byte(bucketAppealCardTodo))
	if err != nil {
		return err
	}
	return todo.Put(idKey(id), nil)
}

func putJSON(b *bbolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// bucketAppealsExpired indexes the appeals closed as expired by their
// account and post (a private message's dialog), so the page's message in
// a dialog finds the dialog's expired appeal without reading every expired
// one:
//
//	appeals_expired  len account ‖ account ‖ len post ‖ post ‖ decision ID → nil
//
// An entry lives while its appeal is expired (answered late or pruned, it
// goes). A database from before the index gets it built once at Open.
const bucketAppealsExpired = "appeals_expired"

// dialogPrefix is the index prefix of account's post; lengths first, so no
// account or post text can run into the other.
func dialogPrefix(account, post string) []byte {
	b := make([]byte, 0, len(account)+len(post)+2*binary.MaxVarintLen64+8)
	b = binary.AppendUvarint(b, uint64(len(account)))
	b = append(b, account...)
	b = binary.AppendUvarint(b, uint64(len(post)))
	return append(b, post...)
}

func expiredKey(a *moderation.Appeal) []byte {
	return appendID(dialogPrefix(a.Account, a.PostID), a.DecisionID)
}

// indexExpired keeps a's entry in the index as its state says, after it
// changed from before (nil: a new appeal).
func indexExpired(b *bbolt.Bucket, before, a *moderation.Appeal) error {
	if b == nil {
		return nil
	}
	if before != nil && before.Expired() && (!a.Expired() || before.PostID != a.PostID) {
		if err := b.Delete(expiredKey(before)); err != nil {
			return err
		}
	}
	if a.Expired() {
		return b.Put(expiredKey(a), nil)
	}
	return nil
}

// buildExpiredIndex fills the index from the appeals when the database has
// appeals but no index yet (written by a strazh before it), in tx.
func buildExpiredIndex(tx *bbolt.Tx) error {
	all := tx.Bucket([]byte(bucketAppeals))
	if all == nil || tx.Bucket([]byte(bucketAppealsExpired)) != nil {
		return nil
	}
	idx, err := tx.CreateBucket([]byte(bucketAppealsExpired))
	if err != nil {
		return fmt.Errorf("store: create bucket %s: %w", bucketAppealsExpired, err)
	}
	return all.ForEach(func(k, _ []byte) error {
		a, err := getAppeal(all, keyID(k))
		if err != nil {
			return nil // unreadable: the integrity check names it; not indexed
		}
		return indexExpired(idx, nil, a)
	})
}

// ExpiredAppeals lists the appeals of account under post (for a private
// message: its dialog) that strazh closed as expired, oldest first. It
// reads the dialog's entries of an index only, however many appeals
// expired elsewhere.
func (db *DB) ExpiredAppeals(account, post string) ([]*moderation.Appeal, error) {
	var out []*moderation.Appeal
	err := db.view(func(tx *bbolt.Tx) error {
		idx, all := tx.Bucket([]byte(bucketAppealsExpired)), tx.Bucket([]byte(bucketAppeals))
		if idx == nil {
			return nil
		}
		prefix := dialogPrefix(account, post)
		c := idx.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			a, err := getAppeal(all, keyID(k))
			if errors.Is(err, errCorrupt) {
				db.unreadable("appeal", keyID(k), "from a dialog's expired appeals", err)
				continue
			}
			if errors.Is(err, moderation.ErrNotFound) {
				// Left by a strazh from before the index that pruned its
				// appeal: nothing to find there.
				continue
			}
			if err != nil {
				return fmt.Errorf("expired index %x: %w", k, err)
			}
			if a.Expired() && a.Account == account && a.PostID == post {
				out = append(out, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: expired appeals of %s %s: %w", account, post, err)
	}
	return out, nil
}

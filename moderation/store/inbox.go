package store

import (
	"encoding/binary"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Webhook deliveries kept until decided (*DB implements connectors.Inbox).
// The bucket is created on the first write and read as empty until then:
//
//	inbox  account → items  seq (big-endian) → body
//	               → keys   delivery key → seq, stored at (unix ns)
//
// Keys outlive their items by inboxKeyTTL, so a delivery the network sends
// again after it was decided is still recognised as a duplicate.
const (
	bucketInbox = "inbox"
	inboxItems  = "items"
	inboxKeys   = "keys"
	// inboxKeyTTL covers Meta's retries (they stop after about a day and a half).
	inboxKeyTTL = 72 * time.Hour
)

// PutInbox stores body under key in one transaction; a key stored before
// is a duplicate (added false, nothing stored).
func (db *DB) PutInbox(account, key string, body []byte) (seq uint64, added bool, err error) {
	if account == "" || key == "" {
		return 0, false, fmt.Errorf("store: put inbox: account and key are required")
	}
	err = db.update(func(tx *bbolt.Tx) error {
		root, err := tx.CreateBucketIfNotExists([]byte(bucketInbox))
		if err != nil {
			return err
		}
		acc, err := root.CreateBucketIfNotExists([]byte(account))
		if err != nil {
			return err
		}
		items, err := acc.CreateBucketIfNotExists([]byte(inboxItems))
		if err != nil {
			return err
		}
		keys, err := acc.CreateBucketIfNotExists([]byte(inboxKeys))
		if err != nil {
			return err
		}
		if keys.Get([]byte(key)) != nil {
			return nil
		}
		if seq, err = items.NextSequence(); err != nil {
			return err
		}
		if err := items.Put(idKey(seq), body); err != nil {
			return err
		}
		v := binary.BigEndian.AppendUint64(idKey(seq), uint64(time.Now().UnixNano()))
		added = true
		return keys.Put([]byte(key), v)
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: put inbox %s: %w", account, err)
	}
	return seq, added, nil
}

// InboxAfter calls fn for the account's deliveries after seq, oldest
// first, at most limit; body is valid only during fn.
func (db *DB) InboxAfter(account string, seq uint64, limit int, fn func(seq uint64, body []byte) error) error {
	err := db.view(func(tx *bbolt.Tx) error {
		items := inboxBucket(tx, account, inboxItems)
		if items == nil {
			return nil
		}
		cur := items.Cursor()
		n := 0
		for k, v := cur.Seek(idKey(seq + 1)); k != nil && n < limit; k, v = cur.Next() {
			if err := fn(keyID(k), v); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: inbox %s: %w", account, err)
	}
	return nil
}

// DropInbox removes the account's deliveries up to seq and forgets keys
// older than inboxKeyTTL, in one transaction.
func (db *DB) DropInbox(account string, upTo uint64) error {
	err := db.update(func(tx *bbolt.Tx) error {
		items := inboxBucket(tx, account, inboxItems)
		if items == nil {
			return nil
		}
		var drop [][]byte
		cur := items.Cursor()
		for k, _ := cur.First(); k != nil && keyID(k) <= upTo; k, _ = cur.Next() {
			drop = append(drop, append([]byte(nil), k...))
		}
		for _, k := range drop {
			if err := items.Delete(k); err != nil {
				return err
			}
		}
		keys := inboxBucket(tx, account, inboxKeys)
		if keys == nil {
			return nil
		}
		old := uint64(time.Now().Add(-inboxKeyTTL).UnixNano())
		drop = drop[:0]
		kc := keys.Cursor()
		for k, v := kc.First(); k != nil; k, v = kc.Next() {
			if len(v) == 16 && binary.BigEndian.Uint64(v[8:]) < old {
				drop = append(drop, append([]byte(nil), k...))
			}
		}
		for _, k := range drop {
			if err := keys.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: drop inbox %s: %w", account, err)
	}
	return nil
}

func inboxBucket(tx *bbolt.Tx, account, name string) *bbolt.Bucket {
	root := tx.Bucket([]byte(bucketInbox))
	if root == nil {
		return nil
	}
	acc := root.Bucket([]byte(account))
	if acc == nil {
		return nil
	}
	return acc.Bucket([]byte(name))
}

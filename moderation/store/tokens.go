package store

import (
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// Tokens connectors renewed (*DB implements moderation.TokenStore). The
// bucket is created on the first write and read as empty until then:
//
//	tokens  account \x00 name → JSON moderation.Token
//
// The values are secrets: the errors here name the account and the token's
// name, never its value.
const bucketTokens = "tokens"

// Token returns a stored token (moderation.ErrNotFound when none).
func (db *DB) Token(account, name string) (moderation.Token, error) {
	var t moderation.Token
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketTokens))
		var v []byte
		if b != nil {
			v = b.Get(appendPairKey(nil, account, name))
		}
		if v == nil {
			return moderation.ErrNotFound
		}
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("unreadable record (%d bytes)", len(v)) // not the value: it is a secret
		}
		return nil
	})
	if err != nil {
		return moderation.Token{}, fmt.Errorf("store: token %s/%s: %w", account, name, err)
	}
	return t, nil
}

// PutToken stores a token in one transaction.
func (db *DB) PutToken(account, name string, t moderation.Token) error {
	if account == "" || name == "" {
		return fmt.Errorf("store: put token: account and name are required")
	}
	v, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("store: put token %s/%s: %w", account, name, err)
	}
	err = db.update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketTokens))
		if err != nil {
			return err
		}
		return b.Put(appendPairKey(nil, account, name), v)
	})
	if err != nil {
		return fmt.Errorf("store: put token %s/%s: %w", account, name, err)
	}
	return nil
}

var _ moderation.TokenStore = (*DB)(nil)

package store

import (
	"encoding/json"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// The blacklist is kept in step with decisions: a ban action recorded as
// done adds or refreshes the author's entry, a done unban removes it (see
// writer.index). PutBan and RemoveBan record bans made by hand in the
// network or from the CLI.

// PutBan adds or replaces the author's entry on the account. At defaults
// to now.
func (db *DB) PutBan(e moderation.BlacklistEntry) error {
	if e.Account == "" || e.Author.ID == "" {
		return errors.New("store: put ban: account and author ID are required")
	}
	if e.At.IsZero() {
		e.At = db.now()
	}
	err := db.update(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketBlacklist)
		if err != nil {
			return err
		}
		return putBan(b, e)
	})
	if err != nil {
		return fmt.Errorf("store: put ban %s/%s: %w", e.Account, e.Author.ID, err)
	}
	return nil
}

func putBan(b *bbolt.Bucket, e moderation.BlacklistEntry) error {
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return b.Put(appendPairKey(nil, e.Account, e.Author.ID), v)
}

// RemoveBan removes the author's entry; removing an absent one is not an
// error (the network may report an unban strazh never saw the ban of).
func (db *DB) RemoveBan(account, author string) error {
	err := db.update(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketBlacklist)
		if err != nil {
			return err
		}
		return b.Delete(appendPairKey(nil, account, author))
	})
	if err != nil {
		return fmt.Errorf("store: remove ban %s/%s: %w", account, author, err)
	}
	return nil
}

// Blacklist lists the account's entries (every account's when ""), by
// account and author ID.
func (db *DB) Blacklist(account string) ([]moderation.BlacklistEntry, error) {
	var out []moderation.BlacklistEntry
	err := db.view(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, bucketBlacklist)
		if err != nil {
			return err
		}
		var prefix []byte
		if account != "" {
			prefix = appendPairKey(nil, account, "")
		}
		c := b.Cursor()
		k, v := c.First()
		if prefix != nil {
			k, v = c.Seek(prefix)
		}
		for ; k != nil && hasPrefix(k, prefix); k, v = c.Next() {
			var e moderation.BlacklistEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("entry %q: %w", k, err)
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: blacklist: %w", err)
	}
	return out, nil
}

func hasPrefix(k, prefix []byte) bool {
	return len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix)
}

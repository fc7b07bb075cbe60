package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// The web review console's accounts and sessions (moderation/review/web).
// The buckets are created on the first write and read as empty until then:
//
//	web_users     user name → JSON WebUser
//	web_sessions  SHA-256 of the session token → JSON WebSession
//
// A user's Hash is a password hash and a session key the hash of a secret:
// errors here name the user, never those values.
const (
	bucketWebUsers    = "web_users"
	bucketWebSessions = "web_sessions"
)

// WebUser is one account of the web console.
type WebUser struct {
	Name    string    `json:"name"`
	Role    string    `json:"role"`           // moderator, viewer or admin (the console checks)
	Hash    string    `json:"hash"`           // argon2id, PHC string format
	Lang    string    `json:"lang,omitempty"` // "en" for English pages; "" Russian
	Created time.Time `json:"created"`
	Changed time.Time `json:"changed"` // last password or role change
}

// WebSession is one signed-in browser.
type WebSession struct {
	User    string    `json:"user"`
	CSRF    string    `json:"csrf"` // the token every form of this session carries
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// PutWebUser adds or replaces a user in one transaction.
func (db *DB) PutWebUser(u WebUser) error {
	if u.Name == "" || u.Hash == "" {
		return errors.New("store: put web user: name and password hash are required")
	}
	v, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("store: put web user %s: %w", u.Name, err)
	}
	err = db.update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketWebUsers))
		if err != nil {
			return err
		}
		return b.Put([]byte(u.Name), v)
	})
	if err != nil {
		return fmt.Errorf("store: put web user %s: %w", u.Name, err)
	}
	return nil
}

// WebUser returns one user (moderation.ErrNotFound when none).
func (db *DB) WebUser(name string) (WebUser, error) {
	var u WebUser
	err := db.view(func(tx *bbolt.Tx) error {
		var v []byte
		if b := tx.Bucket([]byte(bucketWebUsers)); b != nil {
			v = b.Get([]byte(name))
		}
		if v == nil {
			return moderation.ErrNotFound
		}
		if err := json.Unmarshal(v, &u); err != nil {
			return fmt.Errorf("unreadable record (%d bytes)", len(v))
		}
		return nil
	})
	if err != nil {
		return WebUser{}, fmt.Errorf("store: web user %s: %w", name, err)
	}
	return u, nil
}

// WebUsers lists every user by name.
func (db *DB) WebUsers() ([]WebUser, error) {
	var out []WebUser
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketWebUsers))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var u WebUser
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("user %s: unreadable record (%d bytes)", k, len(v))
			}
			out = append(out, u)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: web users: %w", err)
	}
	return out, nil
}

// RemoveWebUser deletes a user and signs out every session of theirs, in
// one transaction (moderation.ErrNotFound when there is no such user).
func (db *DB) RemoveWebUser(name string) error {
	err := db.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketWebUsers))
		if b == nil || b.Get([]byte(name)) == nil {
			return moderation.ErrNotFound
		}
		if err := b.Delete([]byte(name)); err != nil {
			return err
		}
		return deleteSessionsOf(tx, name)
	})
	if err != nil {
		return fmt.Errorf("store: remove web user %s: %w", name, err)
	}
	return nil
}

// deleteSessionsOf removes every session of user.
func deleteSessionsOf(tx *bbolt.Tx, user string) error {
	_, err := deleteSessions(tx, func(s WebSession) bool { return s.User == user })
	return err
}

// deleteSessions removes the sessions drop picks, and unreadable ones.
func deleteSessions(tx *bbolt.Tx, drop func(WebSession) bool) (int, error) {
	b := tx.Bucket([]byte(bucketWebSessions))
	if b == nil {
		return 0, nil
	}
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var s WebSession
		if json.Unmarshal(v, &s) != nil || drop(s) {
			keys = append(keys, bytes.Clone(k)) // unreadable ones go too
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// PutWebSession stores a session under the hash of its token.
func (db *DB) PutWebSession(key []byte, s WebSession) error {
	if len(key) == 0 || s.User == "" {
		return errors.New("store: put web session: key and user are required")
	}
	v, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("store: put web session of %s: %w", s.User, err)
	}
	err = db.update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketWebSessions))
		if err != nil {
			return err
		}
		return b.Put(key, v)
	})
	if err != nil {
		return fmt.Errorf("store: put web session of %s: %w", s.User, err)
	}
	return nil
}

// WebSession returns the session stored under key (moderation.ErrNotFound).
func (db *DB) WebSession(key []byte) (WebSession, error) {
	var s WebSession
	err := db.view(func(tx *bbolt.Tx) error {
		var v []byte
		if b := tx.Bucket([]byte(bucketWebSessions)); b != nil {
			v = b.Get(key)
		}
		if v == nil {
			return moderation.ErrNotFound
		}
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("unreadable record (%d bytes)", len(v))
		}
		return nil
	})
	if err != nil {
		return WebSession{}, fmt.Errorf("store: web session: %w", err)
	}
	return s, nil
}

// DeleteWebSession signs one session out; an absent one is no error.
func (db *DB) DeleteWebSession(key []byte) error {
	err := db.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketWebSessions))
		if b == nil {
			return nil
		}
		return b.Delete(key)
	})
	if err != nil {
		return fmt.Errorf("store: delete web session: %w", err)
	}
	return nil
}

// PruneWebSessions deletes the sessions that expired before now and
// returns how many.
func (db *DB) PruneWebSessions(now time.Time) (int, error) {
	var n int
	err := db.update(func(tx *bbolt.Tx) error {
		var err error
		n, err = deleteSessions(tx, func(s WebSession) bool { return !s.Expires.After(now) })
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune web sessions: %w", err)
	}
	return n, nil
}

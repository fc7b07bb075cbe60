package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// The pages' own posts, for the publication cadence (§2.1) and the report.
// The bucket is created on the first write and read as empty until then:
//
//	posts  account \x00 time(8) post ID → JSON moderation.Post
//
// A post seen again (every poll reads the whole week) is the same key, so
// writing it again changes nothing.
const bucketPosts = "posts"

func postKey(b []byte, account string, at time.Time, id string) []byte {
	b = append(b, account...)
	b = append(b, 0)
	b = appendTime8(b, at)
	return append(b, id...)
}

// PutPosts stores posts in one transaction.
func (db *DB) PutPosts(posts []moderation.Post) error {
	if len(posts) == 0 {
		return nil
	}
	type kv struct{ k, v []byte }
	rows := make([]kv, 0, len(posts))
	for i := range posts {
		p := &posts[i]
		if p.Account == "" || p.ID == "" || p.At.IsZero() {
			return fmt.Errorf("store: put posts: post %d (%q of %q): account, id and time are required", i, p.ID, p.Account)
		}
		v, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("store: put posts: %w", err)
		}
		rows = append(rows, kv{postKey(nil, p.Account, p.At, p.ID), v})
	}
	err := db.update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketPosts))
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := b.Put(r.k, r.v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: put posts: %w", err)
	}
	return nil
}

// Posts lists the account's posts published in [since, until), oldest
// first. A zero until means no end.
func (db *DB) Posts(account string, since, until time.Time) ([]moderation.Post, error) {
	prefix := append([]byte(account), 0)
	from := appendTime8(bytes.Clone(prefix), since)
	var to []byte
	if !until.IsZero() {
		to = appendTime8(bytes.Clone(prefix), until)
	}
	var out []moderation.Post
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketPosts))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(from); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if to != nil && bytes.Compare(k, to) >= 0 {
				break
			}
			var p moderation.Post
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("post %q: unreadable record: %w", k[len(prefix)+8:], err)
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: posts %s: %w", account, err)
	}
	return out, nil
}

package store

import (
	"encoding/binary"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Bucket names.
const (
	bucketMeta           = "meta"
	bucketDecisions      = "decisions"
	bucketComments       = "comments"
	bucketByTime         = "by_time"
	bucketPendingActions = "pending_actions"
	bucketPendingReviews = "pending_reviews"
	bucketBlacklist      = "blacklist"
	bucketCursors        = "cursors"
)

// allBuckets is every bucket of the current schema.
var allBuckets = [...]string{
	bucketMeta, bucketDecisions, bucketComments, bucketByTime,
	bucketPendingActions, bucketPendingReviews, bucketBlacklist, bucketCursors,
}

// buckets are the handles of one transaction.
type buckets struct {
	decisions, comments, byTime  *bbolt.Bucket
	pendingActions, pendingRevws *bbolt.Bucket
	blacklist, cursors           *bbolt.Bucket
}

func bucket(tx *bbolt.Tx, name string) (*bbolt.Bucket, error) {
	b := tx.Bucket([]byte(name))
	if b == nil {
		return nil, fmt.Errorf("store: bucket %q missing", name)
	}
	return b, nil
}

func openBuckets(tx *bbolt.Tx) (*buckets, error) {
	var bs buckets
	for _, p := range []struct {
		name string
		dst  **bbolt.Bucket
	}{
		{bucketDecisions, &bs.decisions},
		{bucketComments, &bs.comments},
		{bucketByTime, &bs.byTime},
		{bucketPendingActions, &bs.pendingActions},
		{bucketPendingReviews, &bs.pendingRevws},
		{bucketBlacklist, &bs.blacklist},
		{bucketCursors, &bs.cursors},
	} {
		b, err := bucket(tx, p.name)
		if err != nil {
			return nil, err
		}
		*p.dst = b
	}
	return &bs, nil
}

// Keys.

func appendID(b []byte, id uint64) []byte { return binary.BigEndian.AppendUint64(b, id) }

func idKey(id uint64) []byte { return appendID(make([]byte, 0, 8), id) }

func keyID(k []byte) uint64 {
	if len(k) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k[len(k)-8:])
}

// appendCommentKey appends "comment ID \x00 version".
func appendCommentKey(b []byte, commentID string, version uint64) []byte {
	b = append(b, commentID...)
	b = append(b, 0)
	return binary.BigEndian.AppendUint64(b, version)
}

// appendTimeKey appends a sortable time (nanoseconds since 1970, sign bit
// flipped) and the ID.
func appendTimeKey(b []byte, t time.Time, id uint64) []byte {
	b = appendTime8(b, t)
	return appendID(b, id)
}

func appendTime8(b []byte, t time.Time) []byte {
	return binary.BigEndian.AppendUint64(b, uint64(t.UnixNano())^(1<<63))
}

// appendPairKey appends "a \x00 b" (blacklist keys).
func appendPairKey(b []byte, a, c string) []byte {
	b = append(b, a...)
	b = append(b, 0)
	return append(b, c...)
}

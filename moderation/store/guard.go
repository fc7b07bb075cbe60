package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// The account guard's state (*DB implements moderation.GuardStore). The
// buckets are created on the first write and read as empty until then:
//
//	guard_state      account → JSON moderation.GuardState
//	security_events  at (sortable) ‖ sequence → JSON moderation.SecurityEvent
const (
	bucketGuardState     = "guard_state"
	bucketSecurityEvents = "security_events"
)

// GuardState returns the account's last guard state (ErrNotFound before
// its first check).
func (db *DB) GuardState(account string) (moderation.GuardState, error) {
	var s moderation.GuardState
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketGuardState))
		var v []byte
		if b != nil {
			v = b.Get([]byte(account))
		}
		if v == nil {
			return moderation.ErrNotFound
		}
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("unreadable record: %w", err)
		}
		return nil
	})
	if err != nil {
		return moderation.GuardState{}, fmt.Errorf("store: guard state %s: %w", account, err)
	}
	return s, nil
}

// PutGuardState stores the account's state and appends the events in one
// transaction, so a crash never records events without the state that
// explains them (nor the reverse, which would lose them).
func (db *DB) PutGuardState(s moderation.GuardState, events []moderation.SecurityEvent) error {
	if s.Account == "" {
		return errors.New("store: put guard state: account is required")
	}
	v, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("store: put guard state %s: %w", s.Account, err)
	}
	err = db.update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketGuardState))
		if err != nil {
			return err
		}
		if err := b.Put([]byte(s.Account), v); err != nil {
			return err
		}
		if len(events) == 0 {
			return nil
		}
		eb, err := tx.CreateBucketIfNotExists([]byte(bucketSecurityEvents))
		if err != nil {
			return err
		}
		for _, ev := range events {
			ev.Account = s.Account
			if ev.Network == "" {
				ev.Network = s.Network
			}
			ej, err := json.Marshal(ev)
			if err != nil {
				return err
			}
			seq, err := eb.NextSequence()
			if err != nil {
				return err
			}
			if err := eb.Put(binary.BigEndian.AppendUint64(appendTime8(nil, ev.At), seq), ej); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: put guard state %s: %w", s.Account, err)
	}
	return nil
}

// SecurityEvents lists the guard's events with since <= At < until (zero
// until: up to now and beyond), oldest first.
func (db *DB) SecurityEvents(since, until time.Time) ([]moderation.SecurityEvent, error) {
	var out []moderation.SecurityEvent
	err := db.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketSecurityEvents))
		if b == nil {
			return nil
		}
		var end []byte
		if !until.IsZero() {
			end = appendTime8(nil, until)
		}
		c := b.Cursor()
		for k, v := c.Seek(appendTime8(nil, since)); k != nil; k, v = c.Next() {
			if end != nil && string(k[:8]) >= string(end) {
				break
			}
			var ev moderation.SecurityEvent
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("unreadable event %x: %w", k, err)
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: security events: %w", err)
	}
	return out, nil
}

var _ moderation.GuardStore = (*DB)(nil)

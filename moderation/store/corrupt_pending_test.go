package store

import (
	"bytes"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// syncBuffer is a log sink safe for the store's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// One decision record that no longer decodes (garbage, a format this
// strazh does not know, empty) made PendingActions and PendingReviews
// fail as a whole: none of the account's waiting deletions and bans was
// retried, review time-outs, /pending and the console's queue stopped for
// every card. The others are listed; the bad one is kept as it is and
// named in the log once.
func TestDB_Pending_CorruptRecordLeftOut(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
	}{
		{"garbage json", []byte("{not json")},
		{"unknown format", []byte{0x7f, 1, 2, 3}},
		{"empty", []byte{}},
		{"truncated", nil}, // the record cut in half
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			var logs syncBuffer
			db := mustOpenPath(t, t.TempDir()+"/strazh.db", &Options{Now: c.Now, NoSync: true,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			mustCommit(t, db, "a", nil,
				dec("a", "1", "u1", "мат", moderation.Delete), dec("a", "2", "u2", "мат", moderation.Delete),
				dec("a", "3", "u3", "хм", moderation.Review), dec("a", "4", "u4", "хм", moderation.Review))
			if err := db.bolt.Update(func(tx *bbolt.Tx) error {
				b := tx.Bucket([]byte(bucketDecisions))
				for _, id := range []uint64{1, 3} {
					raw := tt.raw
					if raw == nil {
						v := b.Get(idKey(id))
						raw = bytes.Clone(v[:len(v)/2])
					}
					if err := b.Put(idKey(id), raw); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				acts, err := db.PendingActions("a")
				if err != nil || len(acts) != 1 || acts[0].ID != 2 {
					t.Fatalf("PendingActions = %v, %v; want decision 2", ids(acts), err)
				}
				revs, err := db.PendingReviews("")
				if err != nil || len(revs) != 1 || revs[0].ID != 4 {
					t.Fatalf("PendingReviews = %v, %v; want decision 4", ids(revs), err)
				}
			}
			out := logs.String()
			for _, id := range []string{"decision=1", "decision=3"} {
				if n := strings.Count(out, id); n != 1 {
					t.Errorf("%s named %d times in the log, want once:\n%s", id, n, out)
				}
			}
			if _, err := db.Get(1); err == nil {
				t.Error("Get(1) of the bad record: no error")
			}
		})
	}
}

// One example record that no longer decodes made EachExample fail: every
// refit failed from then on («learn: read examples: …»), so the page's
// model never learned again, and Load could not count the examples. The
// others are read; the bad one is kept and named in the log once.
func TestDB_EachExample_CorruptRecordLeftOut(t *testing.T) {
	c := newClock()
	var logs syncBuffer
	db := mustOpenPath(t, t.TempDir()+"/strazh.db", &Options{Now: c.Now, NoSync: true,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for id := uint64(1); id <= 3; id++ {
		if err := db.PutExample(moderation.Example{DecisionID: id, Text: "т", Scope: []string{"toxic"}, By: "telegram:1", At: c.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.bolt.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketExamples)).Put(idKey(2), []byte(`{"decision_id":`))
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		var got []uint64
		err := db.EachExample(func(e moderation.Example) error { got = append(got, e.DecisionID); return nil })
		if err != nil || len(got) != 2 || got[0] != 1 || got[1] != 3 {
			t.Fatalf("EachExample = %v, %v; want 1 and 3", got, err)
		}
	}
	if n := strings.Count(logs.String(), "example=2"); n != 1 {
		t.Errorf("example 2 named %d times in the log, want once:\n%s", n, logs.String())
	}
}

// One model version record that no longer decodes made ModelVersions
// fail: `strazh model list` showed nothing but the error, and the
// learner's Load could not fill the review budgets. The others are
// listed; the bad one is named in the log once.
func TestDB_ModelVersions_CorruptRecordLeftOut(t *testing.T) {
	c := newClock()
	var logs syncBuffer
	db := mustOpenPath(t, t.TempDir()+"/strazh.db", &Options{Now: c.Now, NoSync: true,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for range 3 {
		if _, err := db.SaveModel(moderation.ModelVersion{Created: c.Now(), Examples: 5}, []byte("model"), false); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.bolt.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketModels)).Put(idKey(2), []byte("\x00garbage"))
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		vs, err := db.ModelVersions()
		if err != nil || len(vs) != 2 || vs[0].Version != 1 || vs[1].Version != 3 {
			t.Fatalf("ModelVersions = %+v, %v; want versions 1 and 3", vs, err)
		}
	}
	if n := strings.Count(logs.String(), "model_version=2"); n != 1 {
		t.Errorf("version 2 named %d times in the log, want once:\n%s", n, logs.String())
	}
	if _, _, err := db.LoadModel(2); err == nil {
		t.Error("LoadModel(2) of the bad record: no error")
	}
}

// One decision record that no longer decodes made every Query over it
// fail: /stats, the weekly report for the head of the district (every
// attempt, so it never went out), the console's audit and `strazh audit`.
// The others are read; the bad one is named in the log once.
func TestDB_Query_CorruptRecordLeftOut(t *testing.T) {
	c := newClock()
	var logs syncBuffer
	db := mustOpenPath(t, t.TempDir()+"/strazh.db", &Options{Now: c.Now, NoSync: true,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	mustCommit(t, db, "a", nil, dec("a", "1", "u1", "раз", moderation.Allow), dec("a", "2", "u2", "два", moderation.Allow),
		dec("a", "3", "u3", "три", moderation.Allow))
	if err := db.bolt.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketDecisions)).Put(idKey(2), []byte{0x7f})
	}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []moderation.Query{{}, {Account: "a"}, {Limit: 10}} {
		var got []uint64
		err := db.Query(q, func(d *moderation.Decision) error { got = append(got, d.ID); return nil })
		if err != nil || len(got) != 2 || got[0] != 1 || got[1] != 3 {
			t.Errorf("Query(%+v) = %v, %v; want 1 and 3", q, got, err)
		}
	}
	if st, err := db.Stats("", time.Time{}); err != nil || st.Comments != 2 {
		t.Errorf("Stats = %+v, %v; want the two readable", st, err)
	}
	if n := strings.Count(logs.String(), "decision=2"); n != 1 {
		t.Errorf("decision 2 named %d times in the log, want once:\n%s", n, logs.String())
	}
}

// One appeal record that no longer decodes made OpenAppeals and Appeals
// fail as a whole: the gauges, the reminders of every open appeal, the
// console's appeals page and the report's appeal counts. The others are
// listed; the bad one is named in the log once.
func TestDB_Appeals_CorruptRecordLeftOut(t *testing.T) {
	c := newClock()
	var logs syncBuffer
	db := mustOpenPath(t, t.TempDir()+"/strazh.db", &Options{Now: c.Now, NoSync: true,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for id := uint64(1); id <= 3; id++ {
		a := &moderation.Appeal{DecisionID: id, Network: "vk", Account: "a", CommentID: "c" + strconv.FormatUint(id, 10),
			Topic: "roads", Text: "яма", OpenedAt: c.Now(), Deadline: c.Now().Add(24 * time.Hour)}
		if _, err := db.OpenAppeal(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.bolt.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketAppeals)).Put(idKey(2), []byte("{"))
	}); err != nil {
		t.Fatal(err)
	}
	appealIDs := func(as []*moderation.Appeal) []uint64 {
		var out []uint64
		for _, a := range as {
			out = append(out, a.DecisionID)
		}
		return out
	}
	open, err := db.OpenAppeals("")
	if got := appealIDs(open); err != nil || len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("OpenAppeals = %v, %v; want 1 and 3", got, err)
	}
	all, err := db.Appeals(time.Time{}, time.Time{})
	if got := appealIDs(all); err != nil || len(got) != 2 {
		t.Errorf("Appeals = %v, %v; want 1 and 3", got, err)
	}
	if n := strings.Count(logs.String(), "appeal=2"); n != 1 {
		t.Errorf("appeal 2 named %d times in the log, want once:\n%s", n, logs.String())
	}
}

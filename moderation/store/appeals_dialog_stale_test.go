package store

import (
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/strazh/strazh/moderation"
)

// An index entry whose appeal record is gone (pruned by a strazh from
// before the index, which left the entry) failed the dialog's whole
// lookup: the page's late answer there to another expired appeal was
// never recorded. The entry is passed over; the others are found.
func TestDB_ExpiredAppeals_EntryWithoutItsAppeal(t *testing.T) {
	db, c := mustOpen(t)
	for _, id := range []uint64{1, 2} {
		a := &moderation.Appeal{DecisionID: id, Network: "vk", Account: "a", CommentID: "vk:m" + string(rune('0'+id)),
			PostID: "d1", Kind: moderation.KindMessage, Topic: "roads", Text: "яма", OpenedAt: c.Now(),
			Deadline: c.Now().Add(24 * time.Hour), Closed: moderation.ClosedExpired, ClosedAt: c.Now()}
		if ok, err := db.OpenAppeal(a); err != nil || !ok {
			t.Fatalf("OpenAppeal(%d) = %v, %v", id, ok, err)
		}
	}
	if err := db.bolt.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketAppeals)).Delete(idKey(1))
	}); err != nil {
		t.Fatal(err)
	}
	as, err := db.ExpiredAppeals("a", "d1")
	var got []uint64
	for _, a := range as {
		got = append(got, a.DecisionID)
	}
	if err != nil || !slices.Equal(got, []uint64{2}) {
		t.Errorf("ExpiredAppeals = %v, %v; want [2]", got, err)
	}
}

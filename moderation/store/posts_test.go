package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestDB_Posts(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "s.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	if got, err := db.Posts("vk-a", t0, time.Time{}); err != nil || len(got) != 0 {
		t.Fatalf("before any write: %v, %v; want none", got, err)
	}
	post := func(acc, id string, h int) moderation.Post {
		return moderation.Post{Network: "vk", Account: acc, ID: id, At: t0.Add(time.Duration(h) * time.Hour)}
	}
	// "vk-a" and "vk-ab": one account's name is a prefix of another's.
	batch := []moderation.Post{post("vk-a", "3", 48), post("vk-a", "1", 0), post("vk-a", "2", 24), post("vk-ab", "9", 24)}
	for range 2 { // a poll sees the same posts again
		if err := db.PutPosts(batch); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name         string
		acc          string
		since, until time.Time
		want         []string
	}{
		{"all, oldest first", "vk-a", time.Time{}, time.Time{}, []string{"1", "2", "3"}},
		{"since inclusive, until exclusive", "vk-a", t0, t0.Add(48 * time.Hour), []string{"1", "2"}},
		{"after since", "vk-a", t0.Add(time.Minute), time.Time{}, []string{"2", "3"}},
		{"other account", "vk-ab", time.Time{}, time.Time{}, []string{"9"}},
		{"unknown account", "ok", time.Time{}, time.Time{}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.Posts(tc.acc, tc.since, tc.until)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, p := range got {
				ids = append(ids, p.ID)
			}
			if len(ids) != len(tc.want) {
				t.Fatalf("ids = %v, want %v", ids, tc.want)
			}
			for i := range ids {
				if ids[i] != tc.want[i] {
					t.Fatalf("ids = %v, want %v", ids, tc.want)
				}
			}
		})
	}
}

func TestDB_PutPosts_Invalid(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "s.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.PutPosts([]moderation.Post{{Account: "a", ID: "1"}})
	if err == nil {
		t.Fatal("a post without a time was stored")
	}
}

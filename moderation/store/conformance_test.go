package store_test

import (
	"path/filepath"
	"testing"

	"github.com/strazh/strazh/moderation/store"
	"github.com/strazh/strazh/moderation/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := db.Check(); err != nil {
				t.Errorf("Check: %v", err)
			}
			db.Close()
		})
		return storetest.Stores{Store: db, Cards: db, Examples: db, Models: db}
	})
}

package pipeline_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

// brokenBlacklist is a store whose blacklist of one account cannot be read.
type brokenBlacklist struct {
	*store.DB
	account string
}

func (b brokenBlacklist) Blacklist(account string) ([]moderation.BlacklistEntry, error) {
	if account == b.account {
		return nil, errors.New("store: blacklist: entry: unexpected end of JSON input")
	}
	return b.DB.Blacklist(account)
}

// TestPipeline_Run_ExpiryGoesOnPastAnUnreadableBlacklist: a page whose
// blacklist cannot be read does not keep the other pages' timed bans from
// being lifted when they run out. Before, the expiry round ended at the
// first page it could not read, so a Facebook block (or a Telegram
// channel's ban) configured after it stayed for good.
func TestPipeline_Run_ExpiryGoesOnPastAnUnreadableBlacklist(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		now := time.Now()
		if err := db.PutBan(moderation.BlacklistEntry{Account: "fb", Network: "facebook", Author: moderation.Author{ID: "ran-out"},
			Until: now.Add(-time.Minute), At: now.Add(-24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		c := &noEndConn{}
		p, err := pipeline.New(pipeline.Options{Store: brokenBlacklist{db, "broken"}}, keywordEngine{}, []pipeline.Account{
			{Name: "broken", Network: "facebook", Conn: &noEndConn{}},
			{Name: "fb", Network: "facebook", Conn: c},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		synctest.Wait()
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.unbans, []string{"ran-out"}) {
			t.Errorf("unbans on the readable page %q, want [ran-out]", c.unbans)
		}
		if l, _ := db.Blacklist("fb"); len(l) != 0 {
			t.Errorf("blacklist of the readable page %+v, want empty", l)
		}
	})
}

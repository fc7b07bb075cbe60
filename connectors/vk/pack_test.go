package vk

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
)

// TestConnector_Delete_PackedIntoExecute: a wave of deletions on one user
// token goes to VK in executes of at most 25 while they wait for the
// token's 3 requests/s; one that fails inside (a comment gone) is made on
// its own and still counts as done; one whose caller gives up while waiting
// does not hold the others.
func TestConnector_Delete_PackedIntoExecute(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newLocalFake(t, vktest.Options{EnforceRate: true})
		cfg := testConfig(f)
		cfg.UserRPS = 3
		c := newConnector(cfg, connectors.Deps{Account: "admin-vk", HTTPClient: f.Client(), Logger: testLogger(t), Limiters: new(connectors.Limiters)},
			[nTokens]string{community: f.CommunityToken(), user: f.UserToken()})
		t.Cleanup(func() { _ = c.Close(context.Background()) })
		post := f.AddPost("p")
		const n = 40
		ids := make([]int, n)
		for i := range ids {
			ids[i] = f.AddComment(post, 501, "x")
		}
		ids[7] = 999999 // not there: fails inside the execute, then alone
		ref := func(id int) string { return "wall:-" + strconv.Itoa(f.GroupID()) + ":" + strconv.Itoa(id) }
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, id := range ids {
			wg.Go(func() { errs[i] = c.Delete(context.Background(), ref(id)) })
		}
		// One more that gives up while it waits for the rate.
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		gone := f.AddComment(post, 502, "y")
		wg.Go(func() { _ = c.Delete(ctx, ref(gone)) })
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("delete %d: %v", i, err)
			}
		}
		for i, id := range ids {
			if i != 7 && !f.Deleted(vktest.KindWall, id) {
				t.Errorf("comment %d not deleted", id)
			}
		}
		exec := f.Calls("execute")
		reqs := len(f.Calls("wall.deleteComment")) + len(exec)
		// 40 deletions: the first alone, the rest in executes of ≤ 25, the
		// failed one alone again: 4 or 5 requests, not 41.
		if reqs > 6 {
			t.Errorf("%d requests for %d deletions, want them packed", reqs, n)
		}
		if inner := f.InnerCalls("wall.deleteComment"); len(inner) < n-2 {
			t.Errorf("%d deletions inside execute, want most of %d", len(inner), n)
		}
		for _, e := range exec {
			if e.Code != 0 {
				t.Errorf("execute answered error %d", e.Code)
			}
		}
	})
}

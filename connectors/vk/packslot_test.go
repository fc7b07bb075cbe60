package vk

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

// TestConnector_Delete_PackedSlotNull: a deletion that fails inside an
// execute is made again on its own and reports VK's refusal whether the
// failed slot reads false (vksdk) or null (the slot's value is
// unverified, §1.5). Before, only false was a failure: with null the
// refused deletion counted as done and the comment stayed on the wall.
func TestConnector_Delete_PackedSlotNull(t *testing.T) {
	for _, null := range []bool{false, true} {
		t.Run("null="+strconv.FormatBool(null), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newLocalFake(t, vktest.Options{EnforceRate: true})
				f.ExecuteFailedAsNull(null)
				cfg := testConfig(f)
				cfg.UserRPS = 3
				c := newConnector(cfg, connectors.Deps{Account: "admin-vk", HTTPClient: f.Client(), Logger: testLogger(t), Limiters: new(connectors.Limiters)},
					[nTokens]string{community: f.CommunityToken(), user: f.UserToken()})
				t.Cleanup(func() { _ = c.Close(context.Background()) })
				post := f.AddPost("p")
				const n = 10
				refs := make([]string, n)
				for i := range refs {
					refs[i] = "wall:-" + strconv.Itoa(f.GroupID()) + ":" + strconv.Itoa(f.AddComment(post, 501, "x"))
				}
				refs[3] = "wall:-999:" + strconv.Itoa(f.AddComment(post, 501, "y")) // another wall: VK refuses (15)
				errs := make([]error, n)
				var wg sync.WaitGroup
				for i, ref := range refs {
					wg.Go(func() { errs[i] = c.Delete(context.Background(), ref) })
				}
				wg.Wait()
				if len(f.InnerCalls("wall.deleteComment")) == 0 {
					t.Fatal("no deletion was packed into an execute")
				}
				for i, err := range errs {
					switch {
					case i == 3 && moderation.Classify(err) != moderation.ClassItem:
						t.Errorf("the refused deletion: %v, want VK's access denied", err)
					case i != 3 && err != nil:
						t.Errorf("delete %d: %v", i, err)
					}
				}
			})
		})
	}
}

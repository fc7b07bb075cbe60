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

// TestConnector_Delete_TokenSharedByPages: two pages whose connectors use
// one admin's user token delete at once. With the daemon's shared limiters
// the fake (which counts VK's 3 requests/s per token) never answers error 6;
// with a bucket per connector, as before, the pages together go over.
func TestConnector_Delete_TokenSharedByPages(t *testing.T) {
	tests := []struct {
		name    string
		lims    func() *connectors.Limiters
		wantSix bool
	}{
		{name: "shared per token", lims: func() *connectors.Limiters { return new(connectors.Limiters) }},
		{name: "a bucket per connector", lims: func() *connectors.Limiters { return nil }, wantSix: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newLocalFake(t, vktest.Options{EnforceRate: true})
				lims := tt.lims()
				var conns []*Connector
				for _, name := range []string{"page-a", "page-b"} {
					cfg := testConfig(f)
					cfg.UserRPS = 3
					c := newConnector(cfg, connectors.Deps{Account: name, HTTPClient: f.Client(), Logger: testLogger(t), Limiters: lims},
						[nTokens]string{community: f.CommunityToken(), user: f.UserToken()})
					t.Cleanup(func() { _ = c.Close(context.Background()) })
					conns = append(conns, c)
				}
				post := f.AddPost("p")
				const per = 6
				var wg sync.WaitGroup
				for _, c := range conns {
					var ids []int
					for range per {
						ids = append(ids, f.AddComment(post, 501, "x"))
					}
					wg.Go(func() {
						for _, id := range ids {
							_ = c.Delete(context.Background(), "wall:-"+strconv.Itoa(f.GroupID())+":"+strconv.Itoa(id))
						}
					})
				}
				wg.Wait()
				calls := f.Calls("wall.deleteComment")
				six := 0
				for _, c := range calls {
					if c.Code == 6 {
						six++
					}
				}
				if tt.wantSix != (six > 0) {
					t.Fatalf("%d of %d deletions answered error 6 (too many requests per second), want any: %v", six, len(calls), tt.wantSix)
				}
				if tt.wantSix {
					return
				}
				for i := range calls {
					n := 0
					for j := i; j < len(calls) && calls[j].At.Sub(calls[i].At) < time.Second; j++ {
						n++
					}
					if n > 3 {
						t.Fatalf("%d user-token requests within a second from request %d", n, i)
					}
				}
				if len(calls) != 2*per {
					t.Errorf("%d deletions sent, want %d", len(calls), 2*per)
				}
			})
		})
	}
}

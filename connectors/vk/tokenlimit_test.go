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
				var reqs []vktest.Call // the user token's requests, as VK counts them
				for _, c := range f.Calls("") {
					if c.Token == vktest.TokenUser {
						reqs = append(reqs, c)
					}
				}
				six := 0
				for _, c := range reqs {
					if c.Code == 6 {
						six++
					}
				}
				if tt.wantSix != (six > 0) {
					t.Fatalf("%d of %d user-token requests answered error 6 (too many requests per second), want any: %v", six, len(reqs), tt.wantSix)
				}
				if tt.wantSix {
					return
				}
				for i := range reqs {
					n := 0
					for j := i; j < len(reqs) && reqs[j].At.Sub(reqs[i].At) < time.Second; j++ {
						n++
					}
					if n > 3 {
						t.Fatalf("%d user-token requests within a second from request %d", n, i)
					}
				}
				// Every deletion reached VK once, alone or packed in an
				// execute with the other page's waiting ones.
				deleted := 0
				for _, c := range append(f.Calls("wall.deleteComment"), f.InnerCalls("wall.deleteComment")...) {
					if c.Code == 0 {
						deleted++
					}
				}
				if deleted != 2*per {
					t.Errorf("%d deletions done, want %d", deleted, 2*per)
				}
				if len(f.Calls("execute")) == 0 {
					t.Errorf("no deletions packed into execute: %d requests for %d deletions", len(reqs), 2*per)
				}
			})
		})
	}
}

package vk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

// memTokens is a TokenStore in memory.
type memTokens struct {
	mu   sync.Mutex
	m    map[string]moderation.Token
	puts int
}

func (s *memTokens) Token(account, name string) (moderation.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[account+"/"+name]
	if !ok {
		return moderation.Token{}, moderation.ErrNotFound
	}
	return t, nil
}

func (s *memTokens) PutToken(account, name string, t moderation.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]moderation.Token{}
	}
	s.m[account+"/"+name] = t
	s.puts++
	return nil
}

func (s *memTokens) get(t *testing.T) moderation.Token {
	t.Helper()
	tok, err := s.Token("admin-vk", tokenName)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// vkidConn is a connector whose user token is a VK ID token refreshed with
// refresh (the fake must accept it) and stored in store; logs go to logs.
func vkidConn(t *testing.T, f *vktest.Server, refresh string, store moderation.TokenStore, logs *bytes.Buffer) *Connector {
	t.Helper()
	cfg := testConfig(f)
	cfg.VKIDURL, cfg.ClientID, cfg.DeviceID = f.VKIDURL(), "app1", "dev1"
	var log *slog.Logger
	if logs != nil {
		log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	c := newConnector(cfg, connectors.Deps{Account: "admin-vk", HTTPClient: f.Client(), Logger: log},
		[nTokens]string{community: f.CommunityToken(), user: f.UserToken()})
	c.setupVKID(refresh, store)
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func TestConnector_Connect_RefreshesAndStores(t *testing.T) {
	f := newFake(t, vktest.Options{})
	f.AddRefreshToken("r0")
	store := &memTokens{}
	var logs bytes.Buffer
	c := vkidConn(t, f, "r0", store, &logs)
	connect(t, c)
	if n := f.IssuedTokens(); n != 1 {
		t.Fatalf("%d tokens issued at Connect, want 1 (a configured token's expiry is unknown)", n)
	}
	tok := store.get(t)
	if tok.Access != "vkid-access-1" || tok.Refresh != "vkid-refresh-1" || tok.Source != fingerprint("r0") {
		t.Fatalf("stored %+v", tok)
	}
	if left := time.Until(c.TokenExpires()); left < 59*time.Minute || left > time.Hour {
		t.Errorf("expires in %s, want about an hour", left)
	}
	if c.api.token(user) != "vkid-access-1" {
		t.Error("the refreshed token is not in use")
	}
	for _, secret := range []string{"r0", "vkid-access-1", "vkid-refresh-1", "user-token"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("a secret (%s) is in the log:\n%s", secret, logs.String())
		}
	}
}

// A restart uses the stored pair (the configured refresh token is spent);
// a new refresh token in the configuration wins over it.
func TestConnector_Connect_StoredTokenAndNewConfigured(t *testing.T) {
	f := newFake(t, vktest.Options{})
	f.AddRefreshToken("r0")
	store := &memTokens{}
	connect(t, vkidConn(t, f, "r0", store, nil))
	c2 := vkidConn(t, f, "r0", store, nil)
	connect(t, c2)
	if n := f.IssuedTokens(); n != 1 || c2.api.token(user) != "vkid-access-1" {
		t.Fatalf("restart: %d issued, token %q; want the stored one, no refresh", n, c2.api.token(user))
	}
	f.AddRefreshToken("r-new")
	c3 := vkidConn(t, f, "r-new", store, nil)
	connect(t, c3)
	if n := f.IssuedTokens(); n != 2 || store.get(t).Source != fingerprint("r-new") {
		t.Fatalf("new configured token: %d issued, stored %+v", n, store.get(t))
	}
}

// Refreshed ahead of the expiry, in fake time: a quarter of the hour left.
func TestConnector_Fetch_RefreshesAhead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newLocalFake(t, vktest.Options{})
		f.AddRefreshToken("r0")
		store := &memTokens{}
		c := vkidConn(t, f, "r0", store, nil)
		connect(t, c)
		d := newDriver(t, c, nil)
		d.Fetch()
		time.Sleep(44 * time.Minute)
		d.Fetch()
		if n := f.IssuedTokens(); n != 1 {
			t.Fatalf("refreshed with %s left: %d issued", time.Until(c.TokenExpires()), n)
		}
		time.Sleep(2 * time.Minute) // 14 minutes left
		d.Fetch()
		if n := f.IssuedTokens(); n != 2 || store.get(t).Access != "vkid-access-2" {
			t.Fatalf("not refreshed with 14 minutes left: %d issued", n)
		}
	})
}

// VK's 1117 on an action: refreshed once and done.
func TestConnector_Delete_RefreshOn1117(t *testing.T) {
	f := newFake(t, vktest.Options{})
	f.AddRefreshToken("r0")
	store := &memTokens{}
	c := vkidConn(t, f, "r0", store, nil)
	connect(t, c)
	id := f.AddComment(f.AddPost("p"), 501, "x")
	f.ExpireToken(vktest.TokenUser, time.Now().Add(-time.Second)) // VK ends it early
	if err := c.Delete(context.Background(), fmt.Sprintf("wall:-1:%d", id)); err != nil {
		t.Fatalf("Delete after 1117: %v", err)
	}
	if !f.Deleted(vktest.KindWall, id) || f.IssuedTokens() != 2 {
		t.Fatalf("deleted %v, %d issued", f.Deleted(vktest.KindWall, id), f.IssuedTokens())
	}
	calls := f.Calls("wall.deleteComment")
	if len(calls) != 2 || calls[0].Code != codeTokenExpired || calls[1].Code != 0 {
		t.Fatalf("calls %+v", calls)
	}
}

// A refresh token VK ID refuses is broken credentials: Connect reads on,
// Fetch reports it once, and the token is not in the error.
func TestConnector_Connect_DeadRefreshToken(t *testing.T) {
	f := newFake(t, vktest.Options{})
	store := &memTokens{}
	c := vkidConn(t, f, "dead-refresh", store, nil)
	connect(t, c)
	_, _, err := c.Fetch(context.Background(), nil)
	if !errors.Is(err, moderation.ErrCredentials) {
		t.Fatalf("Fetch: %v", err)
	}
	if strings.Contains(err.Error(), "dead-refresh") {
		t.Errorf("the refresh token is in the error: %v", err)
	}
	if store.puts != 0 {
		t.Error("a failed refresh stored something")
	}
}

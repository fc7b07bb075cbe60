package vk

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

func managerList(t *testing.T, c *Connector) []string {
	t.Helper()
	ms, err := c.Managers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.ID+" "+m.Name+" "+m.Role)
	}
	slices.Sort(out)
	return out
}

func TestConnector_Managers_Scripted(t *testing.T) {
	tests := []struct {
		name   string
		script func(f *vktest.Server)
		want   []string
	}{
		{"default", func(*vktest.Server) {},
			[]string{"100 Админ Администраторов administrator", "101 Пользователь 101 moderator"}},
		{"added", func(f *vktest.Server) { f.SetManager(501, "editor") },
			[]string{"100 Админ Администраторов administrator", "101 Пользователь 101 moderator", "501 Иван Петров editor"}},
		{"role changed", func(f *vktest.Server) { f.SetManager(101, "administrator") },
			[]string{"100 Админ Администраторов administrator", "101 Пользователь 101 administrator"}},
		{"removed", func(f *vktest.Server) { f.RemoveManager(101) },
			[]string{"100 Админ Администраторов administrator"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, vktest.Options{})
			c := newConn(t, f, nil)
			tt.script(f)
			if got := managerList(t, c); !slices.Equal(got, tt.want) {
				t.Errorf("managers %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConnector_Access_RightsAndBrokenTokens(t *testing.T) {
	tests := []struct {
		name       string
		script     func(f *vktest.Server)
		broken     []string
		missing    []string
		wantRights []string // a few that must be held
	}{
		{"healthy", func(*vktest.Server) {}, nil, nil, []string{"community:manage", "community:messages", "user:wall", "user:groups", "user:offline"}},
		{"user token revoked", func(f *vktest.Server) { f.RevokeToken(vktest.TokenUser, true) },
			[]string{"user"}, []string{"user:wall", "user:photos", "user:video", "user:market", "user:groups", "user:offline"}, []string{"community:manage"}},
		{"community token revoked", func(f *vktest.Server) { f.RevokeToken(vktest.TokenCommunity, true) },
			[]string{"community"}, []string{"community:manage", "community:messages"}, []string{"user:wall"}},
		{"community right lost", func(f *vktest.Server) { f.SetTokenRights(vktest.TokenCommunity, "messages", "photos") },
			nil, []string{"community:manage"}, []string{"community:messages"}},
		{"user right lost", func(f *vktest.Server) {
			f.SetTokenRights(vktest.TokenUser, "wall", "photos", "video", "market", "offline")
		}, nil, []string{"user:groups"}, []string{"user:wall"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, vktest.Options{})
			c := newConn(t, f, nil)
			tt.script(f)
			a, err := c.Access(t.Context())
			var broken []string
			for _, te := range moderation.TokenErrors(err) {
				broken = append(broken, te.Token)
				if !errors.Is(te, moderation.ErrCredentials) {
					t.Errorf("token error not classed as credentials: %v", te)
				}
			}
			if !slices.Equal(broken, tt.broken) {
				t.Fatalf("broken %v, want %v (err %v)", broken, tt.broken, err)
			}
			if len(tt.broken) == 0 && err != nil {
				t.Fatalf("Access: %v", err)
			}
			var missing []string
			for _, n := range a.Needed {
				if !slices.Contains(a.Rights, n) {
					missing = append(missing, n)
				}
			}
			if !slices.Equal(missing, tt.missing) {
				t.Errorf("missing %v, want %v (rights %v)", missing, tt.missing, a.Rights)
			}
			for _, r := range tt.wantRights {
				if !slices.Contains(a.Rights, r) {
					t.Errorf("right %s not held: %v", r, a.Rights)
				}
			}
		})
	}
}

func TestConnector_Access_NeededFollowsConfig(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConnector(testConfig(f), connectorsDeps(f), [nTokens]string{community: f.CommunityToken()})
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	c.cfg.Sources = []string{SourceBoard}
	if got := c.needed(); !slices.Equal(got, []string{"community:manage"}) {
		t.Errorf("community token alone, board only: needed %v", got)
	}
}

func TestConnector_Settings_Scripted(t *testing.T) {
	tests := []struct {
		name   string
		script func(f *vktest.Server)
		want   map[string]string
	}{
		{"default", func(*vktest.Server) {}, map[string]string{"wall": "open", "comments": "on", "obscenity_filter": "on", "obscenity_stopwords": "on", "messages": "on"}},
		{"obscenity filter off", func(f *vktest.Server) { f.SetSetting("obscene_filter", 0) },
			map[string]string{"wall": "open", "comments": "on", "obscenity_filter": "off", "obscenity_stopwords": "on", "messages": "on"}},
		{"wall off", func(f *vktest.Server) { f.SetSetting("wall", 0) },
			map[string]string{"wall": "off", "comments": "off", "obscenity_filter": "on", "obscenity_stopwords": "on", "messages": "on"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, vktest.Options{})
			c := newConn(t, f, nil)
			tt.script(f)
			got, err := c.Settings(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (all %v)", k, got[k], v, got)
				}
			}
		})
	}
}

func TestConnector_Settings_CommunityTokenAloneUnsupported(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConnector(testConfig(f), connectorsDeps(f), [nTokens]string{community: f.CommunityToken()})
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	if _, err := c.Settings(t.Context()); !errors.Is(err, moderation.ErrUnsupported) {
		t.Errorf("Settings with the community token alone: %v, want ErrUnsupported", err)
	}
}

func TestConnector_Fetch_GuardEventsNotify(t *testing.T) {
	tests := []struct {
		name   string
		script func(f *vktest.Server)
	}{
		{"group_officers_edit", func(f *vktest.Server) { f.SetManager(501, "administrator") }},
		{"group_change_settings", func(f *vktest.Server) { f.SetSetting("obscene_filter", 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, vktest.Options{})
			c := newConn(t, f, nil)
			connect(t, c)
			d := newDriver(t, c, nil)
			select {
			case <-c.GuardChanged():
				t.Fatal("the guard was asked to check before anything changed")
			default:
			}
			tt.script(f)
			f.AddComment(f.AddPost("пост"), 502, "маркер после события")
			d.Until("the comment after the event", d.Has("маркер после события"))
			select {
			case <-c.GuardChanged():
			default:
				t.Fatal("the event did not ask the guard to check")
			}
			if len(d.Find("маркер после события")) != 1 {
				t.Error("the comment after the event was not delivered once")
			}
		})
	}
}

func TestConnector_humanExpiry(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		tok  *moderation.Token // nil: not a VK ID token
		want time.Time
	}{
		{"not refreshed by strazh", nil, time.Time{}},
		{"fresh", &moderation.Token{Access: "a", Issued: now.Add(-10 * time.Minute), Expires: now.Add(50 * time.Minute)}, time.Time{}},
		{"refresh due but recent", &moderation.Token{Access: "a", Issued: now.Add(-46 * time.Minute), Expires: now.Add(14 * time.Minute)}, time.Time{}},
		{"refresh failing", &moderation.Token{Access: "a", Issued: now.Add(-55 * time.Minute), Expires: now.Add(5 * time.Minute)}, now.Add(5 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Connector{}
			if tt.tok != nil {
				c.vkid = &refresher{tok: *tt.tok}
			}
			if got := c.humanExpiry(now); !got.Equal(tt.want) {
				t.Errorf("humanExpiry = %v, want %v", got, tt.want)
			}
		})
	}
}

func connectorsDeps(f *vktest.Server) connectors.Deps {
	return connectors.Deps{Account: "admin-vk", HTTPClient: f.Client()}
}

// strazh doctor builds a connector without Connect, while the daemon
// refreshed the VK ID token before: the configured refresh token is spent,
// the stored pair is the live one. The guard's calls must take the stored
// token, not refresh with the spent one (a false "token broken").
func TestConnector_Access_VKIDTakesTheStoredToken(t *testing.T) {
	f := newFake(t, vktest.Options{})
	f.AddRefreshToken("r0")
	store := &memTokens{}
	daemon := vkidConn(t, f, "r0", store, nil)
	connect(t, daemon) // refreshes r0: r0 is spent, the new pair stored
	// Configured as VK ID allows: the refresh token alone, no access token.
	cfg := testConfig(f)
	cfg.VKIDURL, cfg.ClientID, cfg.DeviceID = f.VKIDURL(), "app1", "dev1"
	doctor := newConnector(cfg, connectorsDeps(f), [nTokens]string{community: f.CommunityToken()})
	doctor.setupVKID("r0", store)
	t.Cleanup(func() { _ = doctor.Close(context.Background()) })
	a, err := doctor.Access(t.Context())
	if err != nil {
		t.Fatalf("Access: %v", err)
	}
	if !slices.Contains(a.Rights, "user:wall") {
		t.Errorf("user rights not read: %v", a.Rights)
	}
	if n := f.IssuedTokens(); n != 1 {
		t.Errorf("%d tokens issued, want 1 (the guard refreshed again)", n)
	}
}

// strazh doctor without a writable database must never refresh: the
// refresh token it would spend is the daemon's. A token that needs a
// refresh is reported broken instead.
func TestConnector_Access_NoRenewNeverRefreshes(t *testing.T) {
	f := newFake(t, vktest.Options{})
	f.AddRefreshToken("r0")
	cfg := testConfig(f)
	cfg.VKIDURL, cfg.ClientID, cfg.DeviceID = f.VKIDURL(), "app1", "dev1"
	c := newConnector(cfg, connectorsDeps(f), [nTokens]string{community: f.CommunityToken()})
	c.setupVKID("r0", nil)
	c.vkid.noRenew = true // as New does with connectors.Deps.NoRenew
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	_, err := c.Access(t.Context())
	tes := moderation.TokenErrors(err)
	if len(tes) != 1 || tes[0].Token != "user" {
		t.Fatalf("Access: %v, want the user token reported broken", err)
	}
	if n := f.IssuedTokens(); n != 0 {
		t.Errorf("%d tokens issued: the refresh token was spent", n)
	}
}

// group_change_settings is not in platform-apis' list: if VK refuses it,
// the long poll is enabled without it and moderation goes on.
func TestConnector_Connect_LongPollWithoutRefusedGuardEvent(t *testing.T) {
	f := newFake(t, vktest.Options{})
	f.RefuseLongPollParam("group_change_settings")
	c := newConn(t, f, nil)
	connect(t, c)
	on, evs := f.LongPollEnabled()
	if !on || slices.Contains(evs, "group_change_settings") || !slices.Contains(evs, "group_officers_edit") {
		t.Fatalf("long poll: enabled %v, events %v", on, evs)
	}
	d := newDriver(t, c, nil)
	post := f.AddPost("Ремонт дорог")
	f.AddComment(post, 501, "Когда отремонтируют дорогу?")
	d.Until("the comment after the refused event", d.Has("Когда отремонтируют дорогу?"))
}

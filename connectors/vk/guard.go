package vk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/SevereCloud/vksdk/v2/api"

	"github.com/strazh/strazh/moderation"
)

// The account guard's view of a community (moderation.Guarded, §1.2.2):
// its managers, what the tokens may do, and the settings that matter.
// Rights are named "<token>:<right>" ("community:manage", "user:wall").
// These calls run beside Fetch (the guard's own goroutine) and touch only
// the API client, which is safe for concurrent use.
//
// docs/platform-apis.md §1 documents only the token types of
// groups.getTokenPermissions (community) and the group_officers_edit event;
// the shapes of groups.getMembers(filter=managers), getTokenPermissions,
// account.getAppPermissions and groups.getSettings, and the
// group_change_settings event, are unverified: each is read in one place
// below (readManagers, readCommunityRights, userScope, readSettings).

// guardEvents are the long-poll events that make the guard check at once
// (switched on in refreshServer). group_change_settings is not in §1.3's
// list: unverified that VK sends it to a Bots Long Poll (it is a Callback
// API event); if setLongPollSettings refuses the key (error 100) the
// long poll is enabled without it (refreshServer).
var guardEvents = []string{"group_officers_edit", unverifiedGuardEvent}

// unverifiedGuardEvent is the guard's event that platform-apis does not list.
const unverifiedGuardEvent = "group_change_settings"

// GuardChanged fires when VK reported that the managers or the settings
// changed (moderation.GuardNotifier).
func (c *Connector) GuardChanged() <-chan struct{} { return c.guardCh }

// guardEvent handles a guard event from the long poll: the managers are
// reloaded at the next Fetch, and the guard is asked to check.
func (c *Connector) guardEvent(typ string) {
	if typ == "group_officers_edit" {
		c.authors.loaded = time.Time{}
	}
	select {
	case c.guardCh <- struct{}{}:
	default: // a check is asked for already
	}
}

// guardStart, before the first guard call, takes the stored VK ID token
// (or refreshes it) as Connect does: `strazh doctor` with the daemon
// stopped builds the connector without connecting, and the configured
// refresh token may be spent already (a refresh token works once). A
// failure shows up as the user token's error in Access.
func (c *Connector) guardStart(ctx context.Context) {
	c.guardInit.Do(func() {
		if c.vkid != nil {
			if err := c.startToken(ctx); err != nil {
				c.log.Warn("user token not ready for the account guard", "err", err)
			}
		}
	})
}

// vkRoles are the role words of groups.getMembers and the levels of
// group_officers_edit (§1.4: 1 moderator, 2 editor, 3 administrator).
var vkRoles = map[string]bool{"moderator": true, "editor": true, "administrator": true, "creator": true, "advertiser": true}

// Managers lists the community's managers and their roles
// (groups.getMembers with filter=managers; community token, then the user
// token, as refreshManagers).
func (c *Connector) Managers(ctx context.Context) ([]moderation.Manager, error) {
	c.guardStart(ctx)
	p := api.Params{"group_id": c.cfg.GroupID, "filter": "managers", "count": 1000, "fields": "first_name,last_name"}
	var raw json.RawMessage
	err := c.api.call(ctx, community, "groups.getMembers", p, &raw)
	if err != nil && ctx.Err() == nil && c.api.has(user) {
		err = c.api.call(ctx, user, "groups.getMembers", p, &raw)
	}
	if err != nil {
		return nil, fmt.Errorf("vk: managers: %w", err)
	}
	ms, err := readManagers(raw)
	if err != nil {
		return nil, fmt.Errorf("vk: managers: %w", err)
	}
	return ms, nil
}

// readManagers reads groups.getMembers(filter=managers, fields=…):
// {"count","items":[{"id","first_name","last_name","role"}]} (unverified:
// the role words; items without a role or as bare ids are "manager").
func readManagers(raw json.RawMessage) ([]moderation.Manager, error) {
	var r struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("unreadable answer: %w", err)
	}
	out := make([]moderation.Manager, 0, len(r.Items))
	for _, it := range r.Items {
		var o struct {
			ID        int    `json:"id"`
			FirstName string `json:"first_name"`
			LastName  string `json:"last_name"`
			Role      string `json:"role"`
		}
		if json.Unmarshal(it, &o.ID) != nil {
			if err := json.Unmarshal(it, &o); err != nil {
				return nil, fmt.Errorf("unreadable manager: %w", err)
			}
		}
		if o.ID <= 0 {
			continue
		}
		role := o.Role
		if !vkRoles[role] {
			role = moderation.RoleManager
		}
		out = append(out, moderation.Manager{ID: strconv.Itoa(o.ID),
			Name: strings.TrimSpace(o.FirstName + " " + o.LastName), Role: role})
	}
	return out, nil
}

// needed lists the rights this account's configuration uses: the
// community token's manage (long poll settings, §1.3) and messages (when
// messages are moderated); the user token's wall, photos, video, market
// per source, groups (bans, settings) and offline unless it is a VK ID
// token that strazh refreshes.
func (c *Connector) needed() []string {
	out := []string{"community:manage"}
	if c.cfg.has(SourceMessages) {
		out = append(out, "community:messages")
	}
	if !c.api.has(user) && c.vkid == nil {
		return out
	}
	for _, s := range []struct{ src, right string }{
		{SourceWall, "wall"}, {SourcePhoto, "photos"}, {SourceVideo, "video"}, {SourceMarket, "market"},
	} {
		if c.cfg.has(s.src) {
			out = append(out, "user:"+s.right)
		}
	}
	out = append(out, "user:groups")
	if c.vkid == nil {
		out = append(out, "user:offline")
	}
	return out
}

// Access reports the rights the tokens hold and the configuration needs.
// A broken token is a moderation.TokenError; the rights of the others are
// still returned.
func (c *Connector) Access(ctx context.Context) (moderation.Access, error) {
	c.guardStart(ctx)
	a := moderation.Access{Needed: c.needed(), Expires: c.humanExpiry(time.Now())}
	var errs []error
	fail := func(token string, err error) {
		if moderation.Classify(err) == moderation.ClassCredentials {
			errs = append(errs, &moderation.TokenError{Token: token, Err: err})
			return
		}
		errs = append(errs, fmt.Errorf("%s token: %w", token, err))
	}
	var raw json.RawMessage
	if err := c.api.call(ctx, community, "groups.getTokenPermissions", nil, &raw); err != nil {
		fail("community", err)
	} else if rights, err := readCommunityRights(raw); err != nil {
		fail("community", err)
	} else {
		a.Rights = append(a.Rights, rights...)
	}
	switch {
	case c.api.has(user):
		rights, err := c.userScope(ctx)
		if err != nil {
			fail("user", err)
		} else {
			a.Rights = append(a.Rights, rights...)
		}
	case c.vkid != nil:
		fail("user", fmt.Errorf("no VK ID user token in use (its refresh failed): %w", moderation.ErrCredentials))
	}
	sort.Strings(a.Rights)
	if len(errs) > 0 {
		return a, fmt.Errorf("vk: access: %w", errors.Join(errs...))
	}
	return a, nil
}

// readCommunityRights reads groups.getTokenPermissions:
// {"mask":N,"permissions":[{"setting":N,"name":"manage"},…]} (unverified
// shape; the names are those of the community token's scopes).
func readCommunityRights(raw json.RawMessage) ([]string, error) {
	var r struct {
		Permissions []struct {
			Name string `json:"name"`
		} `json:"permissions"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("groups.getTokenPermissions: unreadable answer: %w", err)
	}
	out := make([]string, 0, len(r.Permissions))
	for _, p := range r.Permissions {
		if p.Name != "" {
			out = append(out, "community:"+p.Name)
		}
	}
	return out, nil
}

// userScopeBits are the user token's scope bits (VK's access-rights
// table, unverified here: §1 does not list it).
var userScopeBits = []struct {
	bit  int
	name string
}{
	{1 << 1, "friends"}, {1 << 2, "photos"}, {1 << 4, "video"}, {1 << 6, "stories"},
	{1 << 12, "messages"}, {1 << 13, "wall"}, {1 << 16, "offline"}, {1 << 17, "docs"},
	{1 << 18, "groups"}, {1 << 20, "stats"}, {1 << 27, "market"},
}

// userScope is the seam for the user token's rights: the scope mask of
// account.getAppPermissions (user token; unverified that a VK ID token
// may call it).
func (c *Connector) userScope(ctx context.Context) ([]string, error) {
	var mask int
	if err := c.api.call(ctx, user, "account.getAppPermissions", nil, &mask); err != nil {
		return nil, err
	}
	var out []string
	for _, b := range userScopeBits {
		if mask&b.bit != 0 {
			out = append(out, "user:"+b.name)
		}
	}
	return out, nil
}

// humanExpiry is when the user token stops working unless a human acts:
// a VK ID token that strazh refreshes renews itself, so only one whose
// refresh keeps failing (an eighth of its life left, long past the
// quarter at which refreshing starts) has an expiry to report. Other
// tokens do not expire by time (or VK does not say when).
func (c *Connector) humanExpiry(now time.Time) time.Time {
	if c.vkid == nil {
		return time.Time{}
	}
	t := c.vkid.current()
	if t.Expires.IsZero() {
		return time.Time{}
	}
	life := t.Expires.Sub(t.Issued)
	if t.Issued.IsZero() || life <= 0 {
		life = time.Hour
	}
	if t.Expires.Sub(now) > life/8 {
		return time.Time{}
	}
	return t.Expires
}

// Settings reads the community settings the guard watches
// (groups.getSettings; the user token, unverified which token types may
// call it, so the community token is tried when there is no user token).
func (c *Connector) Settings(ctx context.Context) (map[string]string, error) {
	c.guardStart(ctx)
	k := user
	if !c.api.has(user) {
		k = community
	}
	var raw json.RawMessage
	if err := c.api.call(ctx, k, "groups.getSettings", api.Params{"group_id": c.cfg.GroupID}, &raw); err != nil {
		if k == community && apiCode(err) == 27 {
			return nil, fmt.Errorf("vk: settings: need a user token: %w", moderation.ErrUnsupported)
		}
		return nil, fmt.Errorf("vk: settings: %w", err)
	}
	s, err := readSettings(raw)
	if err != nil {
		return nil, fmt.Errorf("vk: settings: %w", err)
	}
	return s, nil
}

// readSettings is the seam for groups.getSettings' answer (unverified):
// wall 0 off, 1 open, 2 limited, 3 closed (comments are read as off only
// with the wall off); obscene_filter and obscene_stopwords 0/1; messages
// 0/1 (community messages). A field VK leaves out is not watched.
func readSettings(raw json.RawMessage) (map[string]string, error) {
	var r struct {
		Wall             *int `json:"wall"`
		ObsceneFilter    *int `json:"obscene_filter"`
		ObsceneStopwords *int `json:"obscene_stopwords"`
		Messages         *int `json:"messages"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("unreadable answer: %w", err)
	}
	onOff := func(v int) string {
		if v != 0 {
			return "on"
		}
		return "off"
	}
	out := map[string]string{}
	if r.Wall != nil {
		out["wall"] = map[int]string{0: "off", 1: "open", 2: "limited", 3: "closed"}[*r.Wall]
		if out["wall"] == "" {
			out["wall"] = strconv.Itoa(*r.Wall)
		}
		out["comments"] = onOff(*r.Wall)
	}
	if r.ObsceneFilter != nil {
		out["obscenity_filter"] = onOff(*r.ObsceneFilter)
	}
	if r.ObsceneStopwords != nil {
		out["obscenity_stopwords"] = onOff(*r.ObsceneStopwords)
	}
	if r.Messages != nil {
		out["messages"] = onOff(*r.Messages)
	}
	return out, nil
}

var (
	_ moderation.Guarded       = (*Connector)(nil)
	_ moderation.GuardNotifier = (*Connector)(nil)
)

package vktest

import (
	"net/url"
	"slices"
	"strconv"
)

// The account guard's side of the fake: managers and their roles, the
// tokens' rights and the community settings, each scriptable, with the
// group_officers_edit and group_change_settings events. Shapes VK does not
// document in §1 (getTokenPermissions, getAppPermissions, getSettings,
// group_change_settings) follow connectors/vk/guard.go's reading of VK's
// reference (unverified).

// guardState is the fake's guard state (s.mu).
type guardState struct {
	roles    map[int]string // managers' roles set by script; default administrator for the first, else moderator
	added    []int          // managers added by script
	gone     map[int]bool   // managers removed by script
	perms    []string       // community token rights; nil: defaultCommunityRights
	scope    []string       // user token rights; nil: defaultUserScope
	settings map[string]int // nil: defaultSettings
}

var (
	defaultCommunityRights = []string{"app_widget", "docs", "manage", "messages", "photos", "stories"}
	defaultUserScope       = []string{"docs", "groups", "market", "messages", "offline", "photos", "stats", "video", "wall"}
	defaultSettings        = map[string]int{"wall": 1, "obscene_filter": 1, "obscene_stopwords": 1, "messages": 1}
	// scopeBits are VK's user-token scope bits (unverified, as in the connector).
	scopeBits = map[string]int{"friends": 1 << 1, "photos": 1 << 2, "video": 1 << 4, "stories": 1 << 6,
		"messages": 1 << 12, "wall": 1 << 13, "offline": 1 << 16, "docs": 1 << 17, "groups": 1 << 18,
		"stats": 1 << 20, "market": 1 << 27}
	// roleLevels are group_officers_edit's levels (§1.4).
	roleLevels = map[string]int{"": 0, "moderator": 1, "editor": 2, "administrator": 3, "creator": 3}
)

// guardMethods are the guard's methods, looked up after methods.
var guardMethods = map[string]method{
	"groups.getTokenPermissions": {[]TokenType{TokenCommunity}, (*Server).getTokenPermissions},
	"account.getAppPermissions":  {userOnly, (*Server).getAppPermissions},
	// unverified: the token types of groups.getSettings; taken as user only.
	"groups.getSettings": {userOnly, (*Server).getSettings},
}

func init() {
	longPollEvents = append(longPollEvents, "group_change_settings")
}

// role is a manager's role: as scripted, else administrator for the
// admin, moderator for the rest.
func (s *Server) role(id int) string {
	if r := s.guard.roles[id]; r != "" {
		return r
	}
	if id == s.opts.AdminID {
		return "administrator"
	}
	return "moderator"
}

// SetManager makes id a manager with a role (moderator, editor,
// administrator, creator), or changes its role, as an administrator does
// in VK's settings; the long poll gets group_officers_edit.
func (s *Server) SetManager(id int, role string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.managers()
	old := ""
	if slices.Contains(ms, id) {
		old = s.role(id)
	} else {
		delete(s.guard.gone, id)
		if !slices.Contains(s.guard.added, id) {
			s.guard.added = append(s.guard.added, id)
		}
	}
	if s.guard.roles == nil {
		s.guard.roles = map[int]string{}
	}
	s.guard.roles[id] = role
	s.queue("group_officers_edit", map[string]any{"admin_id": s.opts.AdminID, "user_id": id,
		"level_old": roleLevels[old], "level_new": roleLevels[role]})
}

// RemoveManager takes id's management away (group_officers_edit with
// level_new 0).
func (s *Server) RemoveManager(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.managers(), id) {
		return
	}
	old := s.role(id)
	if s.guard.gone == nil {
		s.guard.gone = map[int]bool{}
	}
	s.guard.gone[id] = true
	s.queue("group_officers_edit", map[string]any{"admin_id": s.opts.AdminID, "user_id": id,
		"level_old": roleLevels[old], "level_new": 0})
}

// SetTokenRights sets the rights of the community token
// (groups.getTokenPermissions) or of the user token
// (account.getAppPermissions), as a re-issued token with fewer rights has.
func (s *Server) SetTokenRights(t TokenType, rights ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t == TokenCommunity {
		s.guard.perms = slices.Clone(rights)
	} else {
		s.guard.scope = slices.Clone(rights)
	}
}

// SetSetting changes a community setting of groups.getSettings (wall 0–3,
// obscene_filter, obscene_stopwords, messages 0/1) and queues
// group_change_settings.
func (s *Server) SetSetting(name string, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.guard.settings == nil {
		s.guard.settings = map[string]int{}
		for k, x := range defaultSettings {
			s.guard.settings[k] = x
		}
	}
	old := s.guard.settings[name]
	s.guard.settings[name] = v
	s.queue("group_change_settings", map[string]any{"user_id": s.opts.AdminID,
		"changes": map[string]any{name: map[string]any{"old_value": old, "new_value": v}}})
}

func (s *Server) getTokenPermissions(_ TokenType, _ url.Values) (any, *apiErr) {
	names := s.guard.perms
	if names == nil {
		names = defaultCommunityRights
	}
	perms := []any{}
	mask := 0
	for i, n := range names {
		bit := 1 << (i + 1) // unverified: the real bit of each right; the connector reads names
		mask |= bit
		perms = append(perms, map[string]any{"setting": bit, "name": n})
	}
	return map[string]any{"mask": mask, "permissions": perms}, nil
}

func (s *Server) getAppPermissions(_ TokenType, _ url.Values) (any, *apiErr) {
	names := s.guard.scope
	if names == nil {
		names = defaultUserScope
	}
	mask := 0
	for _, n := range names {
		mask |= scopeBits[n]
	}
	return mask, nil
}

func (s *Server) getSettings(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
	}
	set := s.guard.settings
	if set == nil {
		set = defaultSettings
	}
	out := map[string]any{"title": s.opts.GroupName, "address": "club" + strconv.Itoa(s.opts.GroupID),
		"obscene_words": []string{}}
	for k, v := range set {
		out[k] = v
	}
	return out, nil
}

// managerItems is groups.getMembers(filter=managers)'s items: objects with
// the role, and the names when fields are asked for.
func (s *Server) managerItems(p url.Values) []any {
	items := []any{}
	for _, id := range s.managers() {
		it := map[string]any{"id": id, "role": s.role(id)}
		if p.Get("fields") != "" {
			for k, v := range s.userObject(id) {
				it[k] = v
			}
		}
		items = append(items, it)
	}
	return items
}

// RefuseLongPollParam makes setLongPollSettings answer error 100 when it
// is given the parameter (an event key VK might not know).
func (s *Server) RefuseLongPollParam(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lpRefuse == nil {
		s.lpRefuse = map[string]bool{}
	}
	s.lpRefuse[name] = true
}

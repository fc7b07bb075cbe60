package vktest

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// method is one API method: the token types it takes (§1.2) and its handler,
// which runs with s.mu held.
type method struct {
	tokens []TokenType
	fn     func(s *Server, tt TokenType, p url.Values) (any, *apiErr)
}

func (m method) allowed(tt TokenType) bool {
	for _, t := range m.tokens {
		if t == tt {
			return true
		}
	}
	return false
}

var (
	userOnly       = []TokenType{TokenUser}
	userCommunity  = []TokenType{TokenUser, TokenCommunity}
	userService    = []TokenType{TokenUser, TokenService}
	anyToken       = []TokenType{TokenUser, TokenCommunity, TokenService}
	longPollEvents = []string{
		"message_new", "message_reply", "message_edit",
		"wall_reply_new", "wall_reply_edit", "wall_reply_restore", "wall_reply_delete",
		"photo_comment_new", "photo_comment_edit", "photo_comment_restore", "photo_comment_delete",
		"video_comment_new", "video_comment_edit", "video_comment_restore", "video_comment_delete",
		"market_comment_new", "market_comment_edit", "market_comment_restore", "market_comment_delete",
		"board_post_new", "board_post_edit", "board_post_restore", "board_post_delete",
		"user_block", "user_unblock", "wall_post_new", "group_officers_edit",
	}
)

// methods is every method the fake implements (§1.2–§1.7).
var methods map[string]method

func init() {
	methods = map[string]method{
		"groups.getLongPollServer":   {userCommunity, (*Server).getLongPollServer},
		"groups.setLongPollSettings": {userCommunity, (*Server).setLongPollSettings},
		"groups.getLongPollSettings": {userCommunity, (*Server).getLongPollSettings},
		"groups.getById":             {anyToken, (*Server).getByID},
		"groups.getMembers":          {userCommunity, (*Server).getMembers},
		"groups.ban":                 {userOnly, (*Server).ban},
		"groups.unban":               {userOnly, (*Server).unban},
		"groups.getBanned":           {userCommunity, (*Server).getBanned},
		"users.get":                  {anyToken, (*Server).usersGet},
		"utils.resolveScreenName":    {anyToken, (*Server).resolveScreenName},
		"wall.get":                   {userService, (*Server).wallGet},
		"wall.getComments":           {userService, (*Server).wallGetComments},
		"wall.getComment":            {userOnly, (*Server).wallGetComment},
		"wall.getById":               {userService, (*Server).wallGetByID},
		"wall.deleteComment":         {userOnly, deleter(KindWall)},
		"wall.restoreComment":        {userOnly, restorer(KindWall)},
		"photos.deleteComment":       {userOnly, deleter(KindPhoto)},
		"photos.restoreComment":      {userOnly, restorer(KindPhoto)},
		"video.deleteComment":        {userOnly, deleter(KindVideo)},
		"video.restoreComment":       {userOnly, restorer(KindVideo)},
		"market.deleteComment":       {userOnly, deleter(KindMarket)},
		"market.restoreComment":      {userOnly, restorer(KindMarket)},
		// unverified: board.getTopics' token types; taken as board.getComments'.
		"board.getTopics":      {userService, (*Server).boardGetTopics},
		"board.getComments":    {userService, (*Server).boardGetComments},
		"board.deleteComment":  {userCommunity, deleter(KindBoard)},
		"board.restoreComment": {userCommunity, restorer(KindBoard)},
		"messages.delete":      {userCommunity, (*Server).messagesDelete},
		// Catch-up of media comments and dialogs (media.go).
		"photos.getAllComments":     {userOnly, (*Server).photosGetAllComments},
		"video.get":                 {userOnly, mediaGet(KindVideo)},
		"video.getComments":         {userOnly, mediaGetComments(KindVideo, "video_id")},
		"market.get":                {userOnly, mediaGet(KindMarket)},
		"market.getComments":        {userOnly, mediaGetComments(KindMarket, "item_id")},
		"messages.getConversations": {userCommunity, (*Server).messagesGetConversations},
		"messages.getHistory":       {userCommunity, (*Server).messagesGetHistory},
		"execute":                   {userCommunity, (*Server).execute},
	}
}

func (s *Server) checkGroup(p url.Values, name string) *apiErr {
	if e := need(p, name); e != nil {
		return e
	}
	g := intParam(p, name)
	if g < 0 {
		g = -g
	}
	if g != s.opts.GroupID {
		return errf(125, "")
	}
	return nil
}

func (s *Server) checkOwner(p url.Values) *apiErr {
	if e := need(p, "owner_id"); e != nil {
		return e
	}
	if intParam(p, "owner_id") != -s.opts.GroupID {
		return errf(15, "not this community's wall")
	}
	return nil
}

// --- long poll ---

func (s *Server) getLongPollServer(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
	}
	return map[string]any{
		"key":    s.lp.key,
		"server": s.base + "/lp/" + strconv.Itoa(s.opts.GroupID),
		"ts":     strconv.Itoa(s.lp.next()),
	}, nil
}

func (s *Server) setLongPollSettings(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
	}
	for name := range s.lpRefuse {
		if p.Has(name) {
			return nil, errf(100, "%s is not a valid parameter", name)
		}
	}
	if v := p.Get("enabled"); v != "" {
		s.lp.enabled = v == "1"
	}
	for _, ev := range longPollEvents {
		if v := p.Get(ev); v != "" {
			s.lp.events[ev] = v == "1"
		}
	}
	return 1, nil
}

func (s *Server) getLongPollSettings(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
	}
	evs := map[string]int{}
	for _, ev := range longPollEvents {
		if s.lp.events[ev] {
			evs[ev] = 1
		} else {
			evs[ev] = 0
		}
	}
	return map[string]any{"is_enabled": s.lp.enabled, "api_version": APIVersion, "events": evs}, nil
}

// --- groups ---

func (s *Server) getByID(_ TokenType, p url.Values) (any, *apiErr) {
	g := map[string]any{"id": s.opts.GroupID, "name": s.opts.GroupName,
		"screen_name": "club" + strconv.Itoa(s.opts.GroupID), "is_closed": 0, "type": "page"}
	s.pageFields(g, p.Get("fields"))
	// unverified: the version where groups.getById switched to
	// {"groups":[...],"profiles":[...]}; believed 5.194 (§1.2).
	if at199(p) {
		return map[string]any{"groups": []any{g}, "profiles": []any{}}, nil
	}
	return []any{g}, nil
}

func (s *Server) getMembers(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
	}
	if p.Get("filter") != "managers" {
		return map[string]any{"count": 0, "items": []any{}}, nil
	}
	items := s.managerItems(p) // guard.go
	return map[string]any{"count": len(items), "items": items}, nil
}

func (s *Server) ban(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
	}
	if e := need(p, "owner_id"); e != nil {
		return nil, e
	}
	b := Ban{UserID: intParam(p, "owner_id"), Reason: intParam(p, "reason"),
		Comment: p.Get("comment"), Visible: p.Get("comment_visible") == "1",
		AdminID: s.opts.AdminID, At: time.Now()}
	if end := intParam(p, "end_date"); end != 0 {
		t := time.Unix(int64(end), 0)
		if !t.After(b.At) || t.After(b.At.AddDate(1, 0, 0)) {
			return nil, errf(100, "end_date must be in the future and at most a year ahead")
		}
		b.Until = t
	}
	for _, m := range s.managers() {
		if m == b.UserID {
			return nil, errf(15, "cannot ban a manager")
		}
	}
	s.banLocked(b)
	return 1, nil
}

func (s *Server) unban(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
	}
	if e := need(p, "owner_id"); e != nil {
		return nil, e
	}
	// unverified: VK's answer when the user is not banned; the fake says 1.
	if _, ok := s.bans[intParam(p, "owner_id")]; ok {
		s.unbanLocked(intParam(p, "owner_id"), s.opts.AdminID)
	}
	return 1, nil
}

func (s *Server) getBanned(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
	}
	ids := make([]int, 0, len(s.bans))
	for id := range s.bans {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	items := []any{}
	for _, id := range ids {
		b := s.bans[id]
		var end int64
		if !b.Until.IsZero() {
			end = b.Until.Unix()
		}
		items = append(items, map[string]any{
			"type": "profile", "profile": s.userObject(id),
			"ban_info": map[string]any{"admin_id": b.AdminID, "date": b.At.Unix(), "end_date": end,
				"reason": b.Reason, "comment": b.Comment, "comment_visible": b.Visible},
		})
	}
	return map[string]any{"count": len(items), "items": items}, nil
}

// --- users, utils ---

func (s *Server) usersGet(tt TokenType, p url.Values) (any, *apiErr) {
	out := []any{}
	ids := p.Get("user_ids")
	if ids == "" && tt == TokenUser {
		return []any{s.userObject(s.opts.AdminID)}, nil
	}
	for _, f := range strings.Split(ids, ",") {
		f = strings.TrimPrefix(strings.TrimSpace(f), "id")
		if n, err := strconv.Atoi(f); err == nil && n > 0 {
			out = append(out, s.userObject(n))
		}
	}
	return out, nil
}

func (s *Server) resolveScreenName(_ TokenType, p url.Values) (any, *apiErr) {
	name := p.Get("screen_name")
	switch {
	case strings.HasPrefix(name, "id"):
		if n, err := strconv.Atoi(name[2:]); err == nil {
			return map[string]any{"type": "user", "object_id": n}, nil
		}
	case name == "club"+strconv.Itoa(s.opts.GroupID):
		return map[string]any{"type": "group", "object_id": s.opts.GroupID}, nil
	}
	return []any{}, nil // VK answers an empty array for an unknown name
}

package vktest

import (
	"encoding/json"
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
		"execute":              {userCommunity, (*Server).execute},
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
		"server": s.srv.URL + "/lp/" + strconv.Itoa(s.opts.GroupID),
		"ts":     strconv.Itoa(s.lp.next()),
	}, nil
}

func (s *Server) setLongPollSettings(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
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
	// unverified: the version where groups.getById switched to
	// {"groups":[...],"profiles":[...]}; believed 5.194 (§1.2).
	if v, _ := strconv.ParseFloat(p.Get("v"), 64); v >= 5.194 {
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
	var items []any
	for i, id := range s.managers() {
		role := "moderator"
		if i == 0 {
			role = "administrator"
		}
		items = append(items, map[string]any{"id": id, "role": role})
	}
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

// --- wall ---

func (s *Server) wallGet(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkOwner(p); e != nil {
		return nil, e
	}
	count := min(max(intParam(p, "count"), 0), 100)
	if p.Get("count") == "" {
		count = 20
	}
	ids := make([]int, 0, len(s.posts))
	for id := range s.posts {
		ids = append(ids, id)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ids))) // newest first
	total := len(ids)
	off := min(intParam(p, "offset"), len(ids))
	ids = ids[off:]
	if len(ids) > count {
		ids = ids[:count]
	}
	items := []any{}
	for _, id := range ids {
		po := s.posts[id]
		n := 0
		for _, it := range s.items {
			if it.kind == KindWall && it.object == id && !it.deleted {
				n++
			}
		}
		items = append(items, map[string]any{
			"id": po.id, "owner_id": -s.opts.GroupID, "from_id": -s.opts.GroupID,
			"date": po.date, "text": po.text, "post_type": "post",
			"comments": map[string]any{"count": n, "can_post": 1},
		})
	}
	return map[string]any{"count": total, "items": items}, nil
}

// wallComments lists the live wall comments of a post matching keep, by id.
func (s *Server) wallComments(postID int, keep func(*item) bool) []*item {
	var out []*item
	for _, it := range s.items {
		if it.kind == KindWall && it.object == postID && !it.deleted && keep(it) {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// page applies start_comment_id, sort, offset and count to items sorted by
// id. unverified: how VK treats a start_comment_id that names no live
// comment; the fake compares ids (asc: id >= start, desc: id <= start).
func page(items []*item, p url.Values, defCount int) []*item {
	desc := p.Get("sort") == "desc"
	if desc {
		r := make([]*item, len(items))
		for i, it := range items {
			r[len(items)-1-i] = it
		}
		items = r
	}
	if start := intParam(p, "start_comment_id"); start > 0 {
		var kept []*item
		for _, it := range items {
			if (!desc && it.id >= start) || (desc && it.id <= start) {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	off := min(max(intParam(p, "offset"), 0), len(items))
	items = items[off:]
	count := defCount
	if p.Get("count") != "" {
		count = min(max(intParam(p, "count"), 0), 100)
	}
	if len(items) > count {
		items = items[:count]
	}
	return items
}

func (s *Server) wallGetComments(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkOwner(p); e != nil {
		return nil, e
	}
	if e := need(p, "post_id"); e != nil {
		return nil, e
	}
	postID := intParam(p, "post_id")
	if s.posts[postID] == nil {
		return nil, errf(210, "")
	}
	all := s.wallComments(postID, func(*item) bool { return true })
	parent := intParam(p, "comment_id")
	level := s.wallComments(postID, func(it *item) bool {
		if parent != 0 {
			return it.root == parent
		}
		return it.root == 0
	})
	threadN := min(max(intParam(p, "thread_items_count"), 0), 10)
	items := []any{}
	for _, it := range page(level, p, 10) {
		o := s.commentObject(it)
		if parent == 0 {
			replies := s.wallComments(postID, func(r *item) bool { return r.root == it.id })
			th := []any{}
			for i, r := range replies {
				if i >= threadN {
					break
				}
				th = append(th, s.commentObject(r))
			}
			o["thread"] = map[string]any{"count": len(replies), "items": th,
				"can_post": true, "show_reply_button": true, "groups_can_post": true}
		}
		items = append(items, o)
	}
	return map[string]any{"count": len(all), "current_level_count": len(level),
		"can_post": 1, "show_reply_button": 1, "groups_can_post": true, "items": items}, nil
}

func (s *Server) wallGetComment(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkOwner(p); e != nil {
		return nil, e
	}
	it := s.items[key{KindWall, intParam(p, "comment_id")}]
	if it == nil || it.deleted {
		return nil, errf(104, "")
	}
	return map[string]any{"items": []any{s.commentObject(it)}, "profiles": []any{}, "groups": []any{}}, nil
}

// --- deleting and restoring comments ---

func (s *Server) findComment(kind Kind, p url.Values) (*item, *apiErr) {
	if kind == KindBoard {
		if e := s.checkGroup(p, "group_id"); e != nil {
			return nil, e
		}
		if intParam(p, "group_id") < 0 {
			return nil, errf(100, "group_id must be positive")
		}
		if e := need(p, "topic_id", "comment_id"); e != nil {
			return nil, e
		}
	} else {
		if e := s.checkOwner(p); e != nil {
			return nil, e
		}
		if e := need(p, "comment_id"); e != nil {
			return nil, e
		}
	}
	it := s.items[key{kind, intParam(p, "comment_id")}]
	if it == nil || (kind == KindBoard && it.object != intParam(p, "topic_id")) {
		return nil, errf(104, "")
	}
	return it, nil
}

func deleter(kind Kind) func(*Server, TokenType, url.Values) (any, *apiErr) {
	return func(s *Server, _ TokenType, p url.Values) (any, *apiErr) {
		it, e := s.findComment(kind, p)
		if e != nil {
			return nil, e
		}
		// unverified: VK's answer to deleting a deleted comment; the fake
		// says 1, the connector also takes 104 as "already gone".
		s.deleteLocked(it, s.opts.AdminID)
		return 1, nil
	}
}

func restorer(kind Kind) func(*Server, TokenType, url.Values) (any, *apiErr) {
	return func(s *Server, _ TokenType, p url.Values) (any, *apiErr) {
		it, e := s.findComment(kind, p)
		if e != nil {
			return nil, e
		}
		if !it.deleted {
			return nil, errf(243, "")
		}
		s.restoreLocked(it)
		return 1, nil
	}
}

// --- board ---

func (s *Server) boardGetTopics(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
	}
	ts := make([]*topic, 0, len(s.topics))
	for _, t := range s.topics {
		ts = append(ts, t)
	}
	// order=1: by last update, newest first (the connector's choice);
	// otherwise by id, newest first.
	sort.Slice(ts, func(i, j int) bool {
		if p.Get("order") == "1" && ts[i].updated != ts[j].updated {
			return ts[i].updated > ts[j].updated
		}
		return ts[i].id > ts[j].id
	})
	count := 40
	if p.Get("count") != "" {
		count = min(max(intParam(p, "count"), 0), 100)
	}
	total := len(ts)
	ts = ts[min(max(intParam(p, "offset"), 0), len(ts)):]
	if len(ts) > count {
		ts = ts[:count]
	}
	items := []any{}
	for _, t := range ts {
		n := 0
		for _, it := range s.items {
			if it.kind == KindBoard && it.object == t.id && !it.deleted {
				n++
			}
		}
		items = append(items, map[string]any{"id": t.id, "title": t.title, "created": t.created,
			"created_by": -s.opts.GroupID, "updated": t.updated, "updated_by": -s.opts.GroupID,
			"is_closed": 0, "is_fixed": 0, "comments": n})
	}
	return map[string]any{"count": total, "items": items}, nil
}

func (s *Server) boardGetComments(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkGroup(p, "group_id"); e != nil {
		return nil, e
	}
	if e := need(p, "topic_id"); e != nil {
		return nil, e
	}
	tid := intParam(p, "topic_id")
	if s.topics[tid] == nil {
		return nil, errf(104, "")
	}
	var all []*item
	for _, it := range s.items {
		if it.kind == KindBoard && it.object == tid && !it.deleted {
			all = append(all, it)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].id < all[j].id })
	items := []any{}
	for _, it := range page(all, p, 20) {
		items = append(items, map[string]any{"id": it.id, "from_id": it.from, "date": it.date,
			"text": it.text, "attachments": []any{}, "likes": map[string]any{"count": 0}})
	}
	return map[string]any{"count": len(all), "items": items}, nil
}

// --- messages ---

func (s *Server) messagesDelete(tt TokenType, p url.Values) (any, *apiErr) {
	if tt == TokenCommunity || p.Get("group_id") != "" {
		if e := s.checkGroup(p, "group_id"); e != nil {
			return nil, e
		}
	}
	var found []*item
	if ids := p.Get("message_ids"); ids != "" {
		for _, id := range intList(ids) {
			if m := s.msgs[id]; m != nil {
				found = append(found, m)
			}
		}
	} else if p.Get("peer_id") != "" && p.Get("cmids") != "" {
		// unverified: the answer's shape for cmids; the fake keys it by cmid.
		peer := intParam(p, "peer_id")
		for _, c := range intList(p.Get("cmids")) {
			for _, m := range s.msgs {
				if m.peer == peer && m.cmid == c {
					found = append(found, m)
				}
			}
		}
	} else {
		return nil, errf(100, "message_ids or peer_id+cmids is undefined")
	}
	if len(found) == 0 {
		return nil, errf(104, "")
	}
	forAll := p.Get("delete_for_all") == "1"
	out := map[string]int{}
	for _, m := range found {
		// VK lets messages be deleted for everybody only within 24 hours.
		if forAll && time.Since(time.Unix(m.date, 0)) > 24*time.Hour {
			return nil, errf(924, "")
		}
		m.deleted = true
		k := m.id
		if p.Get("message_ids") == "" {
			k = m.cmid
		}
		out[strconv.Itoa(k)] = 1
	}
	return out, nil
}

// --- execute ---

type executeError struct {
	Method string `json:"method"`
	Code   int    `json:"error_code"`
	Msg    string `json:"error_msg"`
}

type executeResult struct {
	Response []any
	Errors   []executeError
}

// execute runs a restricted VKScript: a list of API.<method>({...}) calls
// whose arguments are JSON objects, e.g.
// `return [API.wall.getComments({"owner_id":-1,"post_id":5})];`.
// Each call runs with the executing token; a failed call gives false and an
// execute_errors entry, as VK does. Anything else in the script is ignored.
func (s *Server) execute(tt TokenType, p url.Values) (any, *apiErr) {
	code := p.Get("code")
	if code == "" {
		return nil, errf(100, "code is undefined")
	}
	var res executeResult
	rest := code
	for {
		i := strings.Index(rest, "API.")
		if i < 0 {
			break
		}
		rest = rest[i+4:]
		j := strings.IndexByte(rest, '(')
		if j < 0 {
			return nil, &apiErr{12, "Unable to compile code"}
		}
		name := rest[:j]
		rest = rest[j+1:]
		args := map[string]any{}
		dec := json.NewDecoder(strings.NewReader(rest))
		dec.UseNumber()
		if strings.HasPrefix(strings.TrimSpace(rest), "{") {
			if err := dec.Decode(&args); err != nil {
				return nil, &apiErr{12, "Unable to compile code"}
			}
			rest = rest[dec.InputOffset():]
		}
		if len(res.Response) >= 25 {
			return nil, &apiErr{13, "Runtime error occurred during code invocation: Too many API calls"}
		}
		q := url.Values{"v": {p.Get("v")}}
		for k, v := range args {
			switch v := v.(type) {
			case bool:
				q.Set(k, map[bool]string{true: "1", false: "0"}[v])
			default:
				q.Set(k, strings.Trim(jsonString(v), `"`))
			}
		}
		r, e := s.callLocked(name, tt, q)
		if e != nil {
			res.Response = append(res.Response, false)
			res.Errors = append(res.Errors, executeError{name, e.code, e.msg})
			continue
		}
		res.Response = append(res.Response, r)
	}
	return res, nil
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

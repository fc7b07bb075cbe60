package vktest

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// --- wall ---

func (s *Server) wallGet(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkOwner(p); e != nil {
		return nil, e
	}
	count := min(max(intParam(p, "count"), 0), 100)
	if p.Get("count") == "" {
		count = 20
	}
	ids := s.wallIDs(p.Get("filter")) // pinned, then newest first (page.go)
	total := len(ids)
	off := min(intParam(p, "offset"), len(ids))
	ids = ids[off:]
	if len(ids) > count {
		ids = ids[:count]
	}
	items := []any{}
	for _, id := range ids {
		items = append(items, s.postObject(s.posts[id]))
	}
	return map[string]any{"count": total, "items": items}, nil
}

// wallGetByID answers posts "-GID_ID,...": a list (5.131) or {"items"}
// (5.199).
func (s *Server) wallGetByID(_ TokenType, p url.Values) (any, *apiErr) {
	if e := need(p, "posts"); e != nil {
		return nil, e
	}
	items := []any{}
	for _, f := range strings.Split(p.Get("posts"), ",") {
		owner, id, ok := strings.Cut(strings.TrimSpace(f), "_")
		if !ok || owner != strconv.Itoa(-s.opts.GroupID) {
			continue
		}
		n, _ := strconv.Atoi(id)
		if po := s.posts[n]; po != nil {
			items = append(items, s.postObject(po))
		}
	}
	if at199(p) {
		return map[string]any{"items": items}, nil
	}
	return items, nil
}

func (s *Server) postObject(po *post) map[string]any {
	n := 0
	for _, it := range s.items {
		if it.kind == KindWall && it.object == po.id && !it.deleted {
			n++
		}
	}
	from, kind := -s.opts.GroupID, "post"
	if po.from != 0 {
		from = po.from
	}
	if po.kind != "" {
		kind = po.kind
	}
	o := map[string]any{
		"id": po.id, "owner_id": -s.opts.GroupID, "from_id": from,
		"date": po.date, "text": po.text, "post_type": kind,
		"comments": map[string]any{"count": n, "can_post": 1},
	}
	if po.pinned {
		o["is_pinned"] = 1
	}
	return o
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
	if code := s.thFail[parent]; parent != 0 && code != 0 {
		return nil, errf(code, "")
	}
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

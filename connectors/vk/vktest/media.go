package vktest

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"time"
)

// Photos, videos and market items, their comments for catch-up
// (photos.getAllComments, video.get/getComments, market.get/getComments,
// §1.5), and the community's dialogs (messages.getConversations,
// getHistory).

// mediaItem is a photo, video or market item of the community.
type mediaItem struct {
	kind Kind
	id   int
	date int64
}

// AddMedia adds a photo, video or market item (KindPhoto, KindVideo,
// KindMarket) dated now and returns its id.
func (s *Server) AddMedia(kind Kind) int { return s.AddMediaAt(kind, time.Now()) }

// AddMediaAt adds a photo, video or market item dated at t.
func (s *Server) AddMediaAt(kind Kind, t time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addMediaLocked(kind, t)
}

func (s *Server) addMediaLocked(kind Kind, t time.Time) int {
	if s.media == nil {
		s.media = map[key]*mediaItem{}
	}
	s.seq[kind+"_object"]++
	id := 457239000 + s.seq[kind+"_object"]
	s.media[key{kind, id}] = &mediaItem{kind: kind, id: id, date: t.Unix()}
	return id
}

// AddMediaCommentOn writes a comment under one photo, video or market item
// (created by AddMedia) and returns its id; *_comment_new is queued.
func (s *Server) AddMediaCommentOn(kind Kind, object, fromID int, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.newItem(kind, object, fromID, text)
	s.queue(string(kind)+"_comment_new", s.commentObject(it))
	return it.id
}

// mediaList lists the items of a kind, newest first.
func (s *Server) mediaList(kind Kind) []*mediaItem {
	var out []*mediaItem
	for k, m := range s.media {
		if k.kind == kind {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id > out[j].id })
	return out
}

// mediaComments lists the live comments of one object, by id.
func (s *Server) mediaComments(kind Kind, object int) []*item {
	var out []*item
	for _, it := range s.items {
		if it.kind == kind && (object == 0 || it.object == object) && !it.deleted {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func window[T any](xs []T, p url.Values, def, maxCount int) []T {
	off := min(max(intParam(p, "offset"), 0), len(xs))
	xs = xs[off:]
	count := def
	if p.Get("count") != "" {
		count = min(max(intParam(p, "count"), 0), maxCount)
	}
	if len(xs) > count {
		xs = xs[:count]
	}
	return xs
}

// photosGetAllComments: the community's photo comments, newest first,
// paged by offset only (no start_comment_id, §1.5). Each carries pid, the
// photo (unverified: the 5.199 schema's photos_comment_xtr_pid).
func (s *Server) photosGetAllComments(_ TokenType, p url.Values) (any, *apiErr) {
	if e := s.checkOwner(p); e != nil {
		return nil, e
	}
	all := s.mediaComments(KindPhoto, 0)
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	items := []any{}
	for _, it := range window(all, p, 20, 100) {
		o := s.commentObject(it)
		o["pid"] = it.object
		delete(o, "photo_id")
		delete(o, "photo_owner_id")
		items = append(items, o)
	}
	return map[string]any{"count": len(all), "items": items}, nil
}

// mediaGet answers video.get and market.get: the items newest first.
func mediaGet(kind Kind) func(*Server, TokenType, url.Values) (any, *apiErr) {
	return func(s *Server, _ TokenType, p url.Values) (any, *apiErr) {
		if e := s.checkOwner(p); e != nil {
			return nil, e
		}
		all := s.mediaList(kind)
		items := []any{}
		for _, m := range window(all, p, 100, 200) {
			o := map[string]any{"id": m.id, "owner_id": -s.opts.GroupID, "date": m.date, "title": "№" + strconv.Itoa(m.id)}
			if kind == KindVideo {
				// market items carry no comment count (unverified either way).
				o["comments"] = len(s.mediaComments(kind, m.id))
			}
			items = append(items, o)
		}
		return map[string]any{"count": len(all), "items": items}, nil
	}
}

// mediaGetComments answers video.getComments (video_id) and
// market.getComments (item_id): start_comment_id, sort, offset, count.
func mediaGetComments(kind Kind, idParam string) func(*Server, TokenType, url.Values) (any, *apiErr) {
	return func(s *Server, _ TokenType, p url.Values) (any, *apiErr) {
		if e := s.checkOwner(p); e != nil {
			return nil, e
		}
		if e := need(p, idParam); e != nil {
			return nil, e
		}
		obj := intParam(p, idParam)
		if s.media[key{kind, obj}] == nil && s.objects[kind] != obj {
			return nil, errf(104, "")
		}
		all := s.mediaComments(kind, obj)
		items := []any{}
		for _, it := range page(all, p, 20) {
			o := s.commentObject(it)
			// Comments from the getComments methods do not name their object.
			delete(o, "video_id")
			delete(o, "video_owner_id")
			delete(o, "item_id")
			delete(o, "market_owner_id")
			items = append(items, o)
		}
		out := map[string]any{"count": len(all), "items": items}
		if kind == KindMarket && at199(p) && p.Get("extended") == "1" {
			out["profiles"], out["groups"] = []any{}, []any{}
		}
		return out, nil
	}
}

// --- dialogs ---

// peers lists the dialogs by their last message, newest first.
func (s *Server) peers() (ids []int, last map[int]*item) {
	last = map[int]*item{}
	for _, m := range s.msgs {
		if l := last[m.peer]; l == nil || m.id > l.id {
			last[m.peer] = m
		}
	}
	for id := range last {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return last[ids[i]].id > last[ids[j]].id })
	return ids, last
}

func (s *Server) messagesGetConversations(tt TokenType, p url.Values) (any, *apiErr) {
	if tt == TokenCommunity || p.Get("group_id") != "" {
		if e := s.checkGroup(p, "group_id"); e != nil {
			return nil, e
		}
	}
	ids, last := s.peers()
	items := []any{}
	for _, peer := range window(ids, p, 20, 200) {
		l := last[peer]
		items = append(items, map[string]any{
			"conversation": map[string]any{
				"peer":            map[string]any{"id": peer, "type": "user", "local_id": peer},
				"last_message_id": l.id, "in_read": l.id, "out_read": l.id,
			},
			"last_message": s.messageObject(l),
		})
	}
	return map[string]any{"count": len(ids), "items": items}, nil
}

// messagesGetHistory: one dialog, newest first (rev=1: oldest first), from
// start_message_id (inclusive) when given, then offset and count.
func (s *Server) messagesGetHistory(tt TokenType, p url.Values) (any, *apiErr) {
	if tt == TokenCommunity || p.Get("group_id") != "" {
		if e := s.checkGroup(p, "group_id"); e != nil {
			return nil, e
		}
	}
	if e := need(p, "peer_id"); e != nil {
		return nil, e
	}
	peer := intParam(p, "peer_id")
	var all []*item
	for _, m := range s.msgs {
		if m.peer == peer && !m.deleted {
			all = append(all, m)
		}
	}
	rev := p.Get("rev") == "1"
	sort.Slice(all, func(i, j int) bool {
		if rev {
			return all[i].id < all[j].id
		}
		return all[i].id > all[j].id
	})
	if start := intParam(p, "start_message_id"); start > 0 {
		var kept []*item
		for _, m := range all {
			if (rev && m.id >= start) || (!rev && m.id <= start) {
				kept = append(kept, m)
			}
		}
		all = kept
	}
	items := []any{}
	for _, m := range window(all, p, 20, 200) {
		items = append(items, s.messageObject(m))
	}
	return map[string]any{"count": len(all), "items": items}, nil
}

// EditMessage changes a private message's text as its author would;
// message_edit is queued with the message itself, unwrapped (§1.4).
func (s *Server) EditMessage(id int, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.msgs[id]
	if m == nil {
		return fmt.Errorf("vktest: no message %d", id)
	}
	m.text = text
	m.version++
	m.updated = time.Now().Unix()
	s.queue("message_edit", s.messageObject(m))
	return nil
}

// messageObject renders a message as getHistory and message_edit give it.
func (s *Server) messageObject(m *item) map[string]any {
	o := map[string]any{
		"id": m.id, "date": m.date, "peer_id": m.peer, "from_id": m.from,
		"text": m.text, "conversation_message_id": m.cmid, "out": 0,
		"attachments": []any{}, "fwd_messages": []any{}, "important": false,
		"is_hidden": false, "random_id": 0, "version": m.version,
	}
	if m.updated != 0 {
		o["update_time"] = m.updated
	}
	return o
}

package oktest

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
)

const dateLayout = "2006-01-02 15:04:05"

func (s *Server) getTopics(p url.Values, gid int64, answer func(any), fail func(int, string)) {
	if p.Get("gid") != strconv.FormatInt(gid, 10) {
		fail(160, "PARAM_GROUP_ID : Invalid group id")
		return
	}
	count, err := strconv.Atoi(p.Get("count"))
	if err != nil || count < 1 || count > 100 {
		fail(100, "PARAM : count must be 1..100")
		return
	}
	var out []map[string]any
	if s.noTopic > 0 {
		s.noTopic--
		count = 0
	}
	for i := len(s.order) - 1; i >= 0 && len(out) < count; i-- { // newest first
		t := s.order[i]
		if t.group == gid {
			author := "group:" + strconv.FormatInt(gid, 10)
			if t.author != "" {
				author = t.author
			}
			out = append(out, map[string]any{"id": s.id(t.id), "created_ms": t.created.UnixMilli(),
				"author_ref": author, "owner_ref": "group:" + strconv.FormatInt(gid, 10),
				"media": []map[string]string{{"type": "text", "text": "Новость"}}})
		}
	}
	answer(map[string]any{"media_topics": out, "has_more": false})
}

// anchors are opaque to clients; here the id of the comment a page ended at.
func anchorOf(id string) string { return base64.RawURLEncoding.EncodeToString([]byte("c:" + id)) }

func anchorID(a string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(a)
	if err != nil || !strings.HasPrefix(string(b), "c:") {
		return "", false
	}
	return string(b[2:]), true
}

func (s *Server) getComments(p url.Values, gid int64, answer func(any), fail func(int, string)) {
	t := s.topics[p.Get("discussionId")]
	if p.Get("discussionType") != "GROUP_TOPIC" {
		fail(100, "PARAM : discussionType")
		return
	}
	if t == nil || t.group != gid {
		fail(300, "NOT_FOUND : Discussion not found")
		return
	}
	if s.garbled[t.id] {
		answer(map[string]any{"has_more": false, "comments": []any{map[string]any{"id": "x", "text": []string{"не строка"}}}})
		return
	}
	count, err := strconv.Atoi(p.Get("count"))
	if err != nil || count < 1 || count > 100 {
		fail(100, "PARAM : count must be 1..100")
		return
	}
	var live []*comment
	for _, c := range t.comments {
		if !c.deleted || p.Get("includeRemoved") == "true" {
			live = append(live, c)
		}
	}
	// [lo, hi) is the page; live is oldest first.
	var lo, hi int
	anchor, dir := p.Get("anchor"), p.Get("direction")
	pos := -1 // index of the anchor comment
	switch anchor {
	case "LAST", "":
		pos = len(live)
	case "FIRST":
		pos = -1
	default:
		id, ok := anchorID(anchor)
		if !ok {
			fail(100, "PARAM : bad anchor")
			return
		}
		pos = len(live)
		for i, c := range live {
			if c.id == id {
				pos = i
				break
			}
		}
		if pos == len(live) {
			// The anchor's comment is gone: continue from its place by date.
			ac := s.byID[id]
			pos = 0
			for pos < len(live) && ac != nil && !live[pos].date.After(ac.date) {
				pos++
			}
			if dir == "FORWARD" {
				pos--
			}
		}
	}
	hasMore := false
	switch dir {
	case "BACKWARD":
		hi = pos
		lo = max(0, hi-count)
		hasMore = lo > 0
	case "FORWARD":
		lo = pos + 1
		hi = min(len(live), lo+count)
		hasMore = hi < len(live)
	default:
		fail(100, "PARAM : direction")
		return
	}
	lo, hi = max(0, min(lo, len(live))), max(0, min(hi, len(live)))
	page := live[lo:hi]
	out := make([]map[string]any, 0, len(page))
	users := map[string]bool{}
	var ents []map[string]any
	for _, c := range page {
		var replyTo any // null for a top-level comment (unverified, as connectors/ok/seams.go replyToComment)
		if c.replyTo != "" {
			replyTo = c.replyTo
		}
		var date any = c.date.In(Zone).Format(dateLayout)
		if s.unix {
			date = c.date.Unix()
		}
		out = append(out, map[string]any{"id": c.id, "text": c.text, "date": date,
			"author_id": s.id(c.author), "author_type": authorType(c.author, gid), "reply_to_comment_id": replyTo})
		if name, ok := s.users[c.author]; ok && !users[c.author] {
			users[c.author] = true
			first, last, _ := strings.Cut(name, " ")
			ents = append(ents, map[string]any{"uid": s.id(c.author), "name": name, "first_name": first, "last_name": last})
		}
	}
	resp := map[string]any{"discussionId": t.id, "discussionType": "GROUP_TOPIC", "has_more": hasMore,
		"comments": out, "entities": map[string]any{"users": ents}}
	if len(page) > 0 {
		edge := page[0]
		if dir == "FORWARD" {
			edge = page[len(page)-1]
		}
		resp["anchor"] = anchorOf(edge.id)
	}
	answer(resp)
}

func authorType(author string, gid int64) string {
	if author == strconv.FormatInt(gid, 10) {
		return "GROUP"
	}
	return "USER"
}

// deleteComment: only the group's admin token deletes; a deleted comment
// deleted again answers success (and block_author still blocks —
// unverified on the real API, as the connector's Ban assumes).
func (s *Server) deleteComment(p url.Values, gid int64, answer func(any), fail func(int, string)) {
	t := s.topics[p.Get("discussionId")]
	if t == nil || p.Get("discussionType") != "GROUP_TOPIC" {
		fail(300, "NOT_FOUND : Discussion not found")
		return
	}
	if t.group != gid {
		fail(24, "NOT_OWNER : Not the owner of the discussion")
		return
	}
	c := s.byID[p.Get("comment_id")]
	if c == nil || s.topicOf[c.id] != t {
		fail(141, "PARAM_COMMENT_ID : Invalid comment id")
		return
	}
	if !c.deleted {
		c.deletedAt = s.now()
	}
	c.deleted = true
	if p.Get("block_author") == "true" {
		s.bans = append(s.bans, Ban{Group: gid, Author: c.author, Comment: c.id})
	}
	answer(map[string]bool{"success": true})
}

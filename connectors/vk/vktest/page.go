package vktest

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// PageOptions are what groups.getById answers about the community when the
// call asks for the fields (the public registry, §1.3).
type PageOptions struct {
	ScreenName string // default "club<GroupID>"
	Members    int    // members_count
	Verified   bool   // verified: VK's general check mark
	// StateMark is is_government_organization, the state organisation's
	// mark. unverified: the field is not in VK's public schema; VK's own
	// apps ask for it, and the fake answers it only when asked.
	StateMark bool
}

// pageFields adds the requested fields to a groups.getById object.
func (s *Server) pageFields(g map[string]any, fields string) {
	if s.opts.Page.ScreenName != "" {
		g["screen_name"] = s.opts.Page.ScreenName
	}
	for f := range strings.SplitSeq(fields, ",") {
		switch strings.TrimSpace(f) {
		case "members_count":
			g["members_count"] = s.opts.Page.Members
		case "verified":
			g["verified"] = b01(s.opts.Page.Verified)
		case "is_government_organization":
			g["is_government_organization"] = s.opts.Page.StateMark
		}
	}
}

func b01(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AddPostBy publishes a wall post by fromID (a citizen's post on an open
// wall when fromID > 0) dated at t, and returns its id.
func (s *Server) AddPostBy(fromID int, text string, t time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.addPostLocked(text, t)
	s.posts[id].from = fromID
	return id
}

// AddRepostAt publishes a repost (post_type "copy") by the community.
func (s *Server) AddRepostAt(text string, t time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.addPostLocked(text, t)
	s.posts[id].kind = "copy"
	return id
}

// Pin pins a post: wall.get lists it first, whatever its date.
func (s *Server) Pin(postID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, po := range s.posts {
		po.pinned = po.id == postID
	}
}

// wallIDs are the post ids wall.get lists under filter (owner: the
// community's own, others: everyone else's, else all): the pinned post
// first, then newest first by date.
func (s *Server) wallIDs(filter string) []int {
	var ps []*post
	for _, po := range s.posts {
		own := po.from == 0 || po.from == -s.opts.GroupID
		if (filter == "owner" && !own) || (filter == "others" && own) {
			continue
		}
		ps = append(ps, po)
	}
	slices.SortFunc(ps, func(a, b *post) int {
		if a.pinned != b.pinned {
			if a.pinned {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.date, a.date), cmp.Compare(b.id, a.id))
	})
	ids := make([]int, len(ps))
	for i, po := range ps {
		ids[i] = po.id
	}
	return ids
}

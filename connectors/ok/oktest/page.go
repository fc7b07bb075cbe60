package oktest

import (
	"net/url"
	"strings"
	"time"
)

// Group describes a group for group.getInfo's fields (the public registry).
type Group struct {
	Name      string // default "Администрация"
	Shortname string // the group's short address, "" when none
	Members   int
}

// SetGroup sets what group.getInfo answers about the groups.
func (s *Server) SetGroup(g Group) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.group = g
}

// groupInfo is one group.getInfo object with the requested fields (the
// handler holds s.mu). unverified: the field names shortname and
// members_count.
func (s *Server) groupInfo(p url.Values) map[string]any {
	g := s.group
	out := map[string]any{"uid": s.id(p.Get("uids")), "name": "Администрация"}
	if g.Name != "" {
		out["name"] = g.Name
	}
	for f := range strings.SplitSeq(p.Get("fields"), ",") {
		switch strings.TrimSpace(f) {
		case "shortname":
			if g.Shortname != "" {
				out["shortname"] = g.Shortname
			}
		case "members_count":
			out["members_count"] = g.Members
		}
	}
	return out
}

// AddTopicAt publishes a topic in the group dated at, by author
// (author_ref "user:5810"; "": the group), and returns its id.
func (s *Server) AddTopicAt(gid int64, author string, at time.Time) string {
	id := s.AddTopic(gid)
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.topics[id]
	t.author, t.created = author, at
	// Keep order by date, as the group's feed is.
	for i := len(s.order) - 1; i > 0 && s.order[i].created.Before(s.order[i-1].created); i-- {
		s.order[i], s.order[i-1] = s.order[i-1], s.order[i]
	}
	return id
}

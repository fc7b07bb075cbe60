package vktest

import (
	"net/url"
	"strconv"
	"strings"
)

// wallGetByID answers wall.getById(posts="-1_5,-1_6"): the posts found, in
// the 5.131 shape (an array) or the 5.199 one ({"items": [...]}, §1.2).
func (s *Server) wallGetByID(_ TokenType, p url.Values) (any, *apiErr) {
	if e := need(p, "posts"); e != nil {
		return nil, e
	}
	items := []any{}
	for _, ref := range strings.Split(p.Get("posts"), ",") {
		owner, id, ok := strings.Cut(strings.TrimSpace(ref), "_")
		o, err1 := strconv.Atoi(owner)
		n, err2 := strconv.Atoi(id)
		if !ok || err1 != nil || err2 != nil {
			return nil, errf(100, "posts: bad id %q", ref)
		}
		po := s.posts[n]
		if o != -s.opts.GroupID || po == nil {
			continue // VK leaves out what it cannot show
		}
		items = append(items, map[string]any{"id": po.id, "owner_id": o, "from_id": o,
			"date": po.date, "text": po.text, "post_type": "post"})
	}
	if v, _ := strconv.ParseFloat(p.Get("v"), 64); v >= 5.194 {
		return map[string]any{"items": items}, nil
	}
	return items, nil
}

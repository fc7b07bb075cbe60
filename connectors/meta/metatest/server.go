package metatest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

var versionPath = regexp.MustCompile(`^/v[0-9]{1,3}\.[0-9]{1,2}/(.+)$`)

const graphTime = "2006-01-02T15:04:05-0700"

// ServeHTTP serves the Graph API under /vNN.N/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := s.opts.Now()
	rec := &statusWriter{ResponseWriter: w, status: 200}
	s.serve(rec, r)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: rec.status, At: at})
	s.mu.Unlock()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// writeErr writes the Graph error envelope with HTTP 400.
func writeErr(w http.ResponseWriter, code, subcode int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	e := map[string]any{"message": msg, "type": "OAuthException", "code": code, "fbtrace_id": "AfakeTrace"}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"error": e})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	m := versionPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		writeErr(w, 2500, 0, "Unknown path components: "+r.URL.Path)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeErr(w, 100, 0, "bad form")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("X-App-Usage", fmt.Sprintf(`{"call_count":%d,"total_time":%d,"total_cputime":%d}`, s.usage, s.usage/2, s.usage/2))
	w.Header().Set("X-Business-Use-Case-Usage", fmt.Sprintf(`{"%s":[{"type":"pages","call_count":%d,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}]}`, PageID, s.usage))
	if r.URL.Query().Has("access_token") || r.PostForm.Has("access_token") {
		writeErr(w, 100, 0, "metatest: the token must come in the Authorization header")
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.token {
		writeErr(w, 190, 463, "Error validating access token: Session has expired")
		return
	}
	for i := range s.fails {
		f := &s.fails[i]
		if f.n > 0 && strings.HasSuffix(r.URL.Path, f.suffix) {
			f.n--
			if f.body != "" {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, f.body)
				return
			}
			writeErr(w, f.code, f.subcode, "metatest: failure "+strconv.Itoa(f.code))
			return
		}
	}
	parts := strings.Split(m[1], "/")
	switch {
	case len(parts) == 1 && r.Method == http.MethodGet:
		s.getNode(w, parts[0])
	case len(parts) == 1 && r.Method == http.MethodPost:
		s.setHidden(w, r, parts[0])
	case len(parts) == 1 && r.Method == http.MethodDelete:
		s.deleteComment(w, parts[0])
	case len(parts) == 2 && parts[0] == PageID && parts[1] == "feed" && r.Method == http.MethodGet:
		s.listPosts(w, r, "facebook")
	case len(parts) == 2 && parts[0] == IGUserID && parts[1] == "media" && r.Method == http.MethodGet:
		s.listPosts(w, r, "instagram")
	case len(parts) == 2 && parts[1] == "comments" && r.Method == http.MethodGet:
		s.listComments(w, r, parts[0])
	case len(parts) == 2 && parts[0] == PageID && parts[1] == "blocked":
		s.blockedList(w, r)
	default:
		writeErr(w, 100, 0, "Unsupported request: "+r.Method+" "+r.URL.Path)
	}
}

func (s *Server) getNode(w http.ResponseWriter, id string) {
	switch id {
	case PageID:
		writeJSON(w, map[string]string{"id": PageID, "name": PageName})
	case IGUserID:
		writeJSON(w, map[string]string{"id": IGUserID, "username": IGUsername, "name": PageName})
	default:
		writeErr(w, 100, 33, "Object with ID '"+id+"' does not exist")
	}
}

// paginate cuts list[off:off+limit] with Graph's cursors ("o<offset>").
func paginate[T any](r *http.Request, list []T, defLimit int) ([]T, map[string]any, error) {
	limit := defLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return nil, nil, fmt.Errorf("limit must be 1..100")
		}
		limit = n
	}
	off := 0
	if a := r.URL.Query().Get("after"); a != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(a, "o"))
		if err != nil || n < 0 || !strings.HasPrefix(a, "o") {
			return nil, nil, fmt.Errorf("bad after cursor")
		}
		off = min(n, len(list))
	}
	end := min(off+limit, len(list))
	paging := map[string]any{"cursors": map[string]string{"before": "o" + strconv.Itoa(off), "after": "o" + strconv.Itoa(end)}}
	if end < len(list) {
		paging["next"] = "https://graph.facebook.com/v25.0/next?after=o" + strconv.Itoa(end)
	}
	return list[off:end], paging, nil
}

func (s *Server) listPosts(w http.ResponseWriter, r *http.Request, network string) {
	posts, paging, err := paginate(r, s.postsOf(network), 25)
	if err != nil {
		writeErr(w, 100, 0, err.Error())
		return
	}
	data := make([]map[string]any, 0, len(posts))
	for _, p := range posts {
		if network == "facebook" {
			data = append(data, map[string]any{"id": p.id, "message": p.text, "created_time": p.created.UTC().Format(graphTime),
				"permalink_url": "https://www.facebook.com/" + p.id})
		} else {
			data = append(data, map[string]any{"id": p.id, "caption": p.text, "timestamp": p.created.UTC().Format(graphTime),
				"permalink": "https://www.instagram.com/p/" + p.id + "/"})
		}
	}
	writeJSON(w, map[string]any{"data": data, "paging": paging})
}

// listComments: Facebook with filter=stream lists every level flat (with
// parent), otherwise the top level; order=reverse_chronological is newest
// first. Instagram lists the top level newest first, with replies when
// asked by field expansion. Deleted comments are gone.
func (s *Server) listComments(w http.ResponseWriter, r *http.Request, postID string) {
	p := s.post(postID)
	if p == nil {
		writeErr(w, 100, 33, "Object with ID '"+postID+"' does not exist")
		return
	}
	q := r.URL.Query()
	stream := q.Get("filter") == "stream"
	newest := p.network == "instagram" || q.Get("order") == "reverse_chronological"
	var list []*Comment
	for _, c := range s.comments {
		if c.PostID != postID || c.Deleted || (c.ParentID != "" && !(p.network == "facebook" && stream)) {
			continue
		}
		list = append(list, c)
	}
	if newest {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	page, paging, err := paginate(r, list, 25)
	if err != nil {
		writeErr(w, 100, 0, err.Error())
		return
	}
	replies := strings.Contains(q.Get("fields"), "replies{")
	data := make([]map[string]any, 0, len(page))
	for _, c := range page {
		m := s.render(c)
		if p.network == "instagram" && replies {
			var rs []map[string]any
			for _, x := range s.comments {
				if x.ParentID == c.ID && !x.Deleted {
					rs = append(rs, s.render(x))
				}
			}
			if rs != nil {
				m["replies"] = map[string]any{"data": rs}
			}
		}
		data = append(data, m)
	}
	writeJSON(w, map[string]any{"data": data, "paging": paging})
}

func (s *Server) render(c *Comment) map[string]any {
	t := c.Created.UTC().Format(cmp.Or(s.layout, graphTime))
	if c.Network == "facebook" {
		m := map[string]any{"id": c.ID, "message": c.Text, "created_time": t, "is_hidden": c.Hidden,
			"from":          map[string]string{"id": c.FromID, "name": c.FromName},
			"permalink_url": "https://www.facebook.com/" + c.PostID + "?comment_id=" + c.ID}
		if c.ParentID != "" {
			m["parent"] = map[string]string{"id": c.ParentID}
		}
		return m
	}
	m := map[string]any{"id": c.ID, "text": c.Text, "timestamp": t, "username": c.FromName, "hidden": c.Hidden,
		"from": map[string]string{"id": c.FromID, "username": c.FromName}}
	if c.ParentID != "" {
		m["parent_id"] = c.ParentID
	}
	return m
}

// setHidden: POST /{comment} with is_hidden (Facebook) or hide (Instagram).
func (s *Server) setHidden(w http.ResponseWriter, r *http.Request, id string) {
	c := s.byID[id]
	if c == nil || c.Deleted {
		writeErr(w, 100, 33, "Object with ID '"+id+"' does not exist")
		return
	}
	param := "is_hidden"
	if c.Network == "instagram" {
		param = "hide"
	}
	v := r.PostForm.Get(param)
	if v != "true" && v != "false" {
		writeErr(w, 100, 0, "(#100) "+param+" must be true or false")
		return
	}
	c.Hidden = v == "true"
	writeJSON(w, map[string]bool{"success": true})
}

func (s *Server) deleteComment(w http.ResponseWriter, id string) {
	c := s.byID[id]
	if c == nil || c.Deleted {
		writeErr(w, 100, 33, "Object with ID '"+id+"' does not exist")
		return
	}
	c.Deleted = true
	writeJSON(w, map[string]bool{"success": true})
}

// blockedList: POST blocks user (→ {"<id>":true}), DELETE unblocks, GET lists.
func (s *Server) blockedList(w http.ResponseWriter, r *http.Request) {
	user := r.Form.Get("user")
	switch r.Method {
	case http.MethodGet:
		var data []map[string]string
		for u := range s.blocked {
			data = append(data, map[string]string{"id": u})
		}
		writeJSON(w, map[string]any{"data": data})
	case http.MethodPost:
		if user == "" {
			writeErr(w, 100, 0, "(#100) user is required")
			return
		}
		s.blocked[user] = true
		writeJSON(w, map[string]bool{user: true})
	case http.MethodDelete:
		if user == "" {
			writeErr(w, 100, 0, "(#100) user is required")
			return
		}
		delete(s.blocked, user)
		writeJSON(w, map[string]bool{"success": true})
	default:
		writeErr(w, 100, 0, "unsupported")
	}
}

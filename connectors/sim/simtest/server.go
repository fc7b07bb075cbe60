// Package simtest is a simulated social network for the demo and the tests:
// an HTTP JSON API on httptest that keeps comments, deletions and bans, so
// the sim connector's real HTTP paths run. It is stateful: delete → restore
// → delete behaves as on a real network, and every call is counted so tests
// can assert that an action reached the network exactly once.
//
// API (all JSON, token in "Authorization: Bearer <token>"):
//
//	GET  /api/events?after=<seq>&wait=<seconds>  long poll → {"events":[...],"next":<seq>}
//	GET  /api/managers                           → {"page_id":"page","managers":["m1"]}
//	POST /api/comments/delete   {"id":"c1"}      → {"ok":true}
//	POST /api/comments/restore  {"id":"c1"}      → {"ok":true}
//	POST /api/bans              {"author_id":"u1","until":0,"reason":"spam","comment":"..."} → {"ok":true}
//	POST /api/bans/delete       {"author_id":"u1"} → {"ok":true}
//	POST /api/comments/reply    {"id":"c1","text":"..."} → {"id":"c7"} (a comment by the page answering c1)
//
// Errors: {"error":{"code":"not_found|unauthorized|rate_limited|internal","message":"..."}}
// with HTTP 404, 401, 429 (and a Retry-After header) or 500.
package simtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Token is the one access token the fake accepts unless New is given another.
const Token = "sim-token"

// PageID is the author ID of the page itself; ManagerID of its manager.
const (
	PageID    = "page"
	ManagerID = "manager-1"
)

// Event is one thing that happened on the network.
type Event struct {
	Seq     int64   `json:"seq"`
	Type    string  `json:"type"` // new, edit, restore, block, unblock
	Comment Comment `json:"comment"`
	// For block/unblock:
	AuthorID string `json:"author_id,omitempty"`
	Until    int64  `json:"until,omitempty"` // unix seconds, 0 forever
	Reason   string `json:"reason,omitempty"`
}

// Comment as the fake serves it.
type Comment struct {
	ID         string `json:"id"`
	PostID     string `json:"post_id"`
	AuthorID   string `json:"author_id"`
	AuthorName string `json:"author_name"`
	Text       string `json:"text"`
	Created    int64  `json:"created"` // unix milliseconds
	Edited     int64  `json:"edited,omitempty"`
	ReplyTo    string `json:"reply_to,omitempty"` // the comment this one answers
}

// Ban as the fake keeps it.
type Ban struct {
	AuthorID string
	Until    int64
	Reason   string
	Comment  string
}

// Server is the simulated network.
type Server struct {
	*httptest.Server
	token string

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every new event
	events   []Event
	comments map[string]*state
	bans     map[string]Ban
	calls    map[string]int // "delete:c1" → count
	faults   []fault
	nextID   int
	fired    int
	broken   map[string]int // comment ID → HTTP status its delete/restore answers
	now      func() time.Time
}

type state struct {
	Comment
	deleted bool
}

type fault struct {
	path       string
	status     int
	retryAfter int
}

// New starts a fake network on a loopback port.
func New() *Server {
	s := &Server{
		token:    Token,
		changed:  make(chan struct{}),
		comments: make(map[string]*state),
		bans:     make(map[string]Ban),
		calls:    make(map[string]int),
		broken:   make(map[string]int),
		now:      time.Now,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/events", s.handleEvents)
	mux.HandleFunc("GET /api/managers", s.auth(s.handleManagers))
	mux.HandleFunc("POST /api/comments/delete", s.auth(s.handleDelete))
	mux.HandleFunc("POST /api/comments/restore", s.auth(s.handleRestore))
	mux.HandleFunc("POST /api/bans", s.auth(s.handleBan))
	mux.HandleFunc("POST /api/bans/delete", s.auth(s.handleUnban))
	mux.HandleFunc("POST /api/comments/reply", s.auth(s.handleReply))
	s.Server = httptest.NewServer(mux)
	return s
}

// Post publishes a comment by a citizen and returns its ID.
func (s *Server) Post(postID, authorID, authorName, text string) string {
	return s.PostAt(postID, authorID, authorName, text, s.now())
}

// PostAt publishes a comment with a given creation time.
func (s *Server) PostAt(postID, authorID, authorName, text string, at time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.postLocked(postID, authorID, authorName, text, at)
}

// PostBroken publishes a comment whose deletes and restores answer status
// from the start: a reader never sees it before it is broken.
func (s *Server) PostBroken(postID, authorID, authorName, text string, status int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.broken["c"+strconv.Itoa(s.nextID+1)] = status
	return s.postLocked(postID, authorID, authorName, text, s.now())
}

func (s *Server) postLocked(postID, authorID, authorName, text string, at time.Time) string {
	s.nextID++
	c := Comment{ID: "c" + strconv.Itoa(s.nextID), PostID: postID, AuthorID: authorID, AuthorName: authorName,
		Text: text, Created: at.UnixMilli()}
	s.comments[c.ID] = &state{Comment: c}
	s.emit(Event{Type: "new", Comment: c})
	return c.ID
}

// Edit changes a comment's text.
func (s *Server) Edit(id, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.comments[id]
	if !ok || c.deleted {
		return fmt.Errorf("simtest: no comment %s", id)
	}
	c.Text, c.Edited = text, s.now().UnixMilli()
	s.emit(Event{Type: "edit", Comment: c.Comment})
	return nil
}

// RestoreByHand restores a deleted comment as a page admin would in the
// network's own interface.
func (s *Server) RestoreByHand(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.comments[id]; ok && c.deleted {
		c.deleted = false
		s.emit(Event{Type: "restore", Comment: c.Comment})
	}
}

// BanByHand bans an author as an admin would in the network's interface.
func (s *Server) BanByHand(authorID, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bans[authorID] = Ban{AuthorID: authorID, Reason: reason}
	s.emit(Event{Type: "block", AuthorID: authorID, Reason: reason})
}

// FailNext makes the next n calls to path (e.g. "/api/comments/delete", or
// "" for any) answer status (429 with Retry-After retryAfter seconds).
func (s *Server) FailNext(path string, n, status, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, fault{path: path, status: status, retryAfter: retryAfter})
	}
}

// BreakItem makes every delete and restore of one comment answer status
// (0 heals it), as a network does with one troublesome item.
func (s *Server) BreakItem(id string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		delete(s.broken, id)
		return
	}
	s.broken[id] = status
}

// FaultsFired counts the injected faults answered so far.
func (s *Server) FaultsFired() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fired
}

// ClearFaults drops every injected fault not yet fired.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Calls counts the calls of an action on an ID: Calls("delete", "c1"),
// Calls("ban", "u1"). Calls that found the comment already deleted count too.
func (s *Server) Calls(action, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[action+":"+id]
}

// Deleted reports whether a comment is deleted now.
func (s *Server) Deleted(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.comments[id]
	return ok && c.deleted
}

// Banned returns the ban of an author, if any.
func (s *Server) Banned(authorID string) (Ban, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.bans[authorID]
	return b, ok
}

// Counts reports how many comments exist, are deleted, and authors banned.
func (s *Server) Counts() (comments, deleted, banned int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.comments {
		if c.deleted {
			deleted++
		}
	}
	return len(s.comments), deleted, len(s.bans)
}

func (s *Server) emit(e Event) {
	e.Seq = int64(len(s.events) + 1)
	s.events = append(s.events, e)
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+s.token {
			writeError(w, http.StatusUnauthorized, "unauthorized", "invalid access token", 0)
			return
		}
		if f, ok := s.takeFault(r.URL.Path); ok {
			writeError(w, f.status, faultCode(f.status), "injected fault", f.retryAfter)
			return
		}
		h(w, r)
	}
}

func (s *Server) takeFault(path string) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.path == "" || f.path == path {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			s.fired++
			return f, true
		}
	}
	return fault{}, false
}

func faultCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusForbidden:
		return "forbidden"
	}
	return "internal"
}

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.token {
		writeError(w, http.StatusUnauthorized, "unauthorized", "invalid access token", 0)
		return
	}
	if f, ok := s.takeFault(r.URL.Path); ok {
		writeError(w, f.status, faultCode(f.status), "injected fault", f.retryAfter)
		return
	}
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil && r.URL.Query().Get("after") != "" {
		writeError(w, http.StatusBadRequest, "bad_request", "after: not a number", 0)
		return
	}
	wait, _ := strconv.Atoi(r.URL.Query().Get("wait"))
	limit := 500
	ctx, cancel := context.WithTimeout(r.Context(), time.Duration(wait)*time.Second)
	defer cancel()
	for {
		s.mu.Lock()
		var out []Event
		if after < int64(len(s.events)) {
			end := min(int64(len(s.events)), after+int64(limit))
			out = append(out, s.events[after:end]...)
		}
		changed := s.changed
		s.mu.Unlock()
		if len(out) > 0 || wait <= 0 {
			next := after
			if len(out) > 0 {
				next = out[len(out)-1].Seq
			}
			writeJSON(w, http.StatusOK, map[string]any{"events": out, "next": next})
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			writeJSON(w, http.StatusOK, map[string]any{"events": []Event{}, "next": after})
			return
		}
	}
}

func (s *Server) handleManagers(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"page_id": PageID, "managers": []string{ManagerID}})
}

type idBody struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	AuthorID string `json:"author_id"`
	Until    int64  `json:"until"`
	Reason   string `json:"reason"`
	Comment  string `json:"comment"`
}

func decode(w http.ResponseWriter, r *http.Request) (idBody, bool) {
	var b idBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "body: "+err.Error(), 0)
		return b, false
	}
	return b, true
}

// handleReply publishes the page's answer to a comment in its thread.
func (s *Server) handleReply(w http.ResponseWriter, r *http.Request) {
	b, ok := decode(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent, ok := s.comments[b.ID]
	switch {
	case !ok:
		writeError(w, http.StatusNotFound, "not_found", "no comment "+b.ID, 0)
		return
	case b.Text == "":
		writeError(w, http.StatusBadRequest, "bad_request", "text is empty", 0)
		return
	}
	s.calls["reply:"+b.ID]++
	s.nextID++
	c := Comment{ID: "c" + strconv.Itoa(s.nextID), PostID: parent.PostID, AuthorID: PageID, AuthorName: "Администрация",
		Text: b.Text, Created: s.now().UnixMilli(), ReplyTo: b.ID}
	s.comments[c.ID] = &state{Comment: c}
	s.emit(Event{Type: "new", Comment: c})
	writeJSON(w, http.StatusOK, map[string]string{"id": c.ID})
}

// Replies lists the texts of the page's answers to a comment.
func (s *Server) Replies(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.comments {
		if c.ReplyTo == id && c.AuthorID == PageID {
			out = append(out, c.Text)
		}
	}
	return out
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	s.setDeleted(w, r, "delete", true)
}

func (s *Server) handleRestore(w http.ResponseWriter, r *http.Request) {
	s.setDeleted(w, r, "restore", false)
}

// setDeleted deletes or restores a comment; doing it twice succeeds with
// "already": true, as on the real networks. A restore emits an event.
func (s *Server) setDeleted(w http.ResponseWriter, r *http.Request, action string, deleted bool) {
	b, ok := decode(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[action+":"+b.ID]++
	if st := s.broken[b.ID]; st != 0 {
		writeError(w, st, faultCode(st), "this item is broken", 0)
		return
	}
	c, found := s.comments[b.ID]
	if !found {
		writeError(w, http.StatusNotFound, "not_found", "no comment "+b.ID, 0)
		return
	}
	already := c.deleted == deleted
	c.deleted = deleted
	if !deleted && !already {
		s.emit(Event{Type: "restore", Comment: c.Comment})
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "already": already})
}

func (s *Server) handleBan(w http.ResponseWriter, r *http.Request) {
	b, ok := decode(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["ban:"+b.AuthorID]++
	s.bans[b.AuthorID] = Ban{AuthorID: b.AuthorID, Until: b.Until, Reason: b.Reason, Comment: b.Comment}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (s *Server) handleUnban(w http.ResponseWriter, r *http.Request) {
	b, ok := decode(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["unban:"+b.AuthorID]++
	delete(s.bans, b.AuthorID)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string, retryAfter int) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

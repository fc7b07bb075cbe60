package maxtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/strazh/strazh/connectors/max/maxapi"
)

// ServeHTTP serves the bot API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := s.opts.Now()
	rec := &statusWriter{ResponseWriter: w, status: 200}
	s.serve(rec, r)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: rec.status, At: at})
	close(s.served)
	s.served = make(chan struct{})
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if r.URL.Query().Has("access_token") {
		// §6.1: a token in the query is no longer accepted.
		s.mu.Unlock()
		writeErr(w, 401, "verify.token", "Invalid access_token")
		return
	}
	if r.Header.Get("Authorization") != s.token {
		s.mu.Unlock()
		writeErr(w, 401, "verify.token", "Invalid access_token")
		return
	}
	if s.down != 0 {
		st := s.down
		s.mu.Unlock()
		writeErr(w, st, "service.unavailable", "Service temporarily unavailable")
		return
	}
	for i, f := range s.fail {
		if f.path == "" || f.path == r.URL.Path {
			s.fail = append(s.fail[:i:i], s.fail[i+1:]...)
			s.mu.Unlock()
			if f.page {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(f.status)
				_, _ = io.WriteString(w, f.body)
				return
			}
			if f.body != "" {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				_, _ = io.WriteString(w, f.body)
				return
			}
			if f.retryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
			}
			writeErr(w, f.status, "too.many.requests", "Too many requests")
			return
		}
	}
	s.mu.Unlock()
	s.h.ServeHTTP(w, r)
}

func (s *Server) routes() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, maxapi.User{UserID: BotID, Name: "strazh", IsBot: true, Username: "strazh_bot"})
	})
	m.HandleFunc("GET /updates", s.getUpdates)
	m.HandleFunc("GET /messages", s.getMessages)
	m.HandleFunc("POST /messages", s.sendMessage)
	m.HandleFunc("PUT /messages", s.editMessage)
	m.HandleFunc("DELETE /messages", s.deleteMessage)
	m.HandleFunc("POST /answers", s.answer)
	m.HandleFunc("GET /chats/{chat}", s.getChat)
	m.HandleFunc("GET /chats/{chat}/members/admins", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		writeJSON(w, map[string]any{"members": s.adminMembers()}) // guard.go
	})
	m.HandleFunc("POST /subscriptions", s.subscribe)
	m.HandleFunc("DELETE /subscriptions", s.unsubscribe)
	m.HandleFunc("GET /messages/{post}/comments", s.getComments)
	m.HandleFunc("DELETE /messages/{post}/comments", s.deleteComment)
	return m
}

// getUpdates: updates after marker, waiting up to timeout for one; no
// marker gives only what arrives from now on (§6.2).
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := atoiDefault(q.Get("limit"), 100)
	if limit < 1 || limit > 1000 {
		writeErr(w, 400, "proto.payload", "limit: must be 1..1000")
		return
	}
	timeout := atoiDefault(q.Get("timeout"), 30)
	if timeout < 0 || timeout > 90 {
		writeErr(w, 400, "proto.payload", "timeout: must be 0..90")
		return
	}
	s.mu.Lock()
	from := int64(len(s.updates))
	if m := q.Get("marker"); m != "" {
		v, err := strconv.ParseInt(m, 10, 64)
		if err != nil || v < 0 {
			s.mu.Unlock()
			writeErr(w, 400, "proto.payload", "marker: bad value")
			return
		}
		if v < s.expired {
			s.mu.Unlock()
			writeErr(w, 400, "proto.payload", "marker: expired")
			return
		}
		from = min(v, int64(len(s.updates)))
	}
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for int64(len(s.updates)) <= from && timeout > 0 {
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-deadline.C:
			timeout = 0
		case <-r.Context().Done():
			return
		}
		s.mu.Lock()
	}
	end := min(int64(len(s.updates)), from+int64(limit))
	out := append([]maxapi.Update{}, s.updates[from:end]...)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"updates": out, "marker": end})
}

// getMessages lists the channel's posts (or a chat's bot messages), newest first.
func (s *Server) getMessages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	chat, err := strconv.ParseInt(q.Get("chat_id"), 10, 64)
	count := atoiDefault(q.Get("count"), 50)
	if err != nil || count < 1 || count > 100 {
		writeErr(w, 400, "proto.payload", "chat_id and count 1..100 required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []maxapi.Message{}
	if chat == ChannelID {
		for i := len(s.posts) - 1; i >= 0 && len(out) < count; i-- {
			out = append(out, s.posts[i].Message)
		}
	} else {
		ms := s.chats[chat]
		for i := len(ms) - 1; i >= 0 && len(out) < count; i-- {
			out = append(out, *ms[i])
		}
	}
	writeJSON(w, map[string]any{"messages": out})
}

// getComments lists a post's live comments, newest first, before a time.
func (s *Server) getComments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	count := atoiDefault(q.Get("count"), 50)
	before := int64(atoiDefault(q.Get("before"), 0))
	if count < 1 || count > maxapi.MaxComments {
		writeErr(w, 400, "proto.payload", "count: must be 1..100")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.post(r.PathValue("post"))
	if p == nil {
		writeErr(w, 404, "not.found", "Post not found")
		return
	}
	out := []maxapi.Message{}
	for i := len(p.comments) - 1; i >= 0 && len(out) < count; i-- {
		c := p.comments[i]
		if c.deleted || (before > 0 && c.Timestamp >= before) {
			continue
		}
		out = append(out, c.Message)
	}
	writeJSON(w, map[string]any{"messages": out})
}

// deleteComment deletes one, refusing more than DeletesPerSecond per chat.
func (s *Server) deleteComment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.post(r.PathValue("post"))
	if p == nil {
		writeErr(w, 404, "not.found", "Post not found")
		return
	}
	if !s.allowDelete(ChannelID) {
		w.Header().Set("Retry-After", "1")
		writeErr(w, 429, "too.many.requests", "Too many deletions")
		return
	}
	c := s.byMid[r.URL.Query().Get("comment_id")]
	if c == nil || c.Recipient.PostID != p.Body.Mid || c.deleted {
		writeErr(w, 404, "not.found", "Comment not found")
		return
	}
	c.deleted = true
	writeJSON(w, map[string]any{"success": true})
}

// allowDelete keeps the per-chat delete limit; s.mu held.
func (s *Server) allowDelete(chat int64) bool {
	now := s.opts.Now()
	var keep []time.Time
	for _, t := range s.deletes[chat] {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	if len(keep) >= s.opts.DeletesPerSecond {
		s.deletes[chat] = keep
		return false
	}
	s.deletes[chat] = append(keep, now)
	return true
}

// Client is an HTTP client that serves requests in-process (no socket),
// so tests can run the connector inside a synctest bubble; URL is any
// http URL ("http://max.test/").
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: roundTripper{s}}
}

type roundTripper struct{ s *Server }

func (rt roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	rt.s.ServeHTTP(rec, r)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	return rec.Result(), nil
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": code, "message": msg})
}

func atoiDefault(s string, d int) int {
	if s == "" {
		return d
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return v
}

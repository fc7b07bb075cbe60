// Package vktest is a stateful fake of the VK API for tests and the demo.
//
// It follows docs/platform-apis.md §1.10: methods under /method/<name> take
// a form-encoded POST (or GET), the token as "Authorization: Bearer" or as
// access_token, require v, enforce the token type of each method (error 27
// for a community token on a user-only method), answer with
// Content-Type: application/json and VK's error envelope. The Bots Long Poll
// endpoint holds a request up to wait seconds, numbers events with ts, rejects
// a stale key with failed:2 and can be scripted to answer failed 1/2/3.
// Faults (error codes, slow answers, dropped connections) are scriptable per
// method, and every request is logged for assertions.
//
// Where VK's behaviour is not documented the fake picks one and says so in a
// comment marked "unverified".
package vktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TokenType is the kind of an access token.
type TokenType string

// Token types (§1.2).
const (
	TokenUser      TokenType = "user"
	TokenCommunity TokenType = "community"
	TokenService   TokenType = "service"
)

// Options configure a Server. Zero values mean the defaults.
type Options struct {
	GroupID   int    // the community (default 1)
	GroupName string // default "Администрация"
	// AdminID is the user who owns UserToken; always a manager (default 100).
	AdminID int
	// Managers are further community managers (never moderated).
	Managers []int
	// EnforceRate makes the fake answer error 6 when a token goes over VK's
	// limit: 20 requests/s for a community token, 3 for user and service
	// tokens, counted over any sliding second.
	EnforceRate bool
	// History is how many long-poll events the fake keeps (default 100000);
	// a ts older than that gets failed:1 with the oldest kept ts.
	History int
	// Resend is how many recent events a scripted failed:1 makes the client
	// see again (its ts goes back that far; default 3).
	Resend int
	// Meter, when set, counts the user and service tokens' requests
	// together with the other Servers given the same Meter (communities
	// sharing one admin's token); EnforceRate then applies to the sum.
	Meter *Meter
	// Page is what groups.getById reports besides the name (page.go).
	Page PageOptions
}

// Call is one logged request.
type Call struct {
	Method string     // "execute", "wall.deleteComment", ...; "a_check" for long poll
	Token  TokenType  // "" when missing or unknown
	Params url.Values // the form, without the token
	At     time.Time
	Code   int // error code answered, 0 on success
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	srv    *httptest.Server // nil for NewLocal
	base   string           // the server's base URL
	client *http.Client
	opts   Options

	mu       sync.Mutex
	execNull bool          // a failed call inside execute gives null, not false
	changed  chan struct{} // closed and replaced when events are queued
	closed   chan struct{}
	closeOne sync.Once

	tokens   map[string]TokenType
	revoked  map[TokenType]bool
	users    map[int]string // id -> "First Last"
	seq      map[Kind]int   // last id per kind
	posts    map[int]*post
	topics   map[int]*topic
	objects  map[Kind]int              // the photo/video/market item comments go to
	media    map[key]*mediaItem        // photos, videos, market items (media.go); nil until one is added
	items    map[key]*item             // comments and board posts
	msgs     map[int]*item             // private messages by message id
	cmids    map[int]int               // last conversation_message_id per peer
	bans     map[int]Ban               // by user id
	lp       longPoll                  // long poll state
	faults   map[string][]fault        // method ("*" any) -> queued faults
	lpFail   []int                     // queued failed codes for a_check
	lpRaw    []string                  // queued raw a_check answers (LongPollAnswer)
	lpMute   bool                      // events are lost, not queued (LoseEvents)
	calls    []Call                    // request log
	inner    []Call                    // calls made inside execute (InnerCalls)
	stamps   map[TokenType][]time.Time // recent request times, for EnforceRate
	expires  map[string]time.Time      // by token: it answers 1117 from then (ExpireToken, oauth.go)
	answers  answers                   // what the community posted as itself (reply.go)
	oauth    oauthState                // the VK ID token endpoint (oauth.go)
	guard    guardState                // managers, rights, settings (guard.go)
	lpRefuse map[string]bool           // setLongPollSettings parameters answered with error 100 (RefuseLongPollParam)
	thFail   map[int]int               // wall.getComments of one thread (comment_id) -> error code (FailThread)
}

// New starts a fake VK server on a loopback port.
func New(opts Options) *Server {
	s := newServer(opts)
	s.srv = httptest.NewServer(s.handler())
	s.base, s.client = s.srv.URL, s.srv.Client()
	return s
}

// NewLocal makes a fake served in-process, without a listener: Client's
// transport calls the handlers directly. Made inside a testing/synctest
// bubble, everything it does waits on the bubble's clock, so tests of
// back-off and rate limits run in fake time.
func NewLocal(opts Options) *Server {
	s := newServer(opts)
	s.base = "http://vk.local"
	s.client = &http.Client{Transport: localTransport{s.handler()}}
	return s
}

// NewMounted makes a fake that the caller serves at base (its Handler under
// that path prefix, the prefix stripped): many fakes behind one loopback
// server, as many pages of one daemon all talk to api.vk.com.
func NewMounted(opts Options, base string) *Server {
	s := newServer(opts)
	s.base = strings.TrimSuffix(base, "/")
	s.client = &http.Client{}
	return s
}

// Handler serves the fake's API and long poll (for NewMounted).
func (s *Server) Handler() http.Handler { return s.handler() }

func newServer(opts Options) *Server {
	if opts.GroupID == 0 {
		opts.GroupID = 1
	}
	if opts.GroupName == "" {
		opts.GroupName = "Администрация"
	}
	if opts.AdminID == 0 {
		opts.AdminID = 100
	}
	if opts.History == 0 {
		opts.History = 100000
	}
	if opts.Resend == 0 {
		opts.Resend = 3
	}
	s := &Server{
		opts:    opts,
		changed: make(chan struct{}),
		closed:  make(chan struct{}),
		tokens: map[string]TokenType{
			"community-token": TokenCommunity,
			"user-token":      TokenUser,
			"service-token":   TokenService,
		},
		revoked: map[TokenType]bool{},
		users:   map[int]string{opts.AdminID: "Админ Администраторов"},
		seq:     map[Kind]int{},
		posts:   map[int]*post{},
		topics:  map[int]*topic{},
		objects: map[Kind]int{},
		items:   map[key]*item{},
		msgs:    map[int]*item{},
		cmids:   map[int]int{},
		bans:    map[int]Ban{},
		faults:  map[string][]fault{},
		stamps:  map[TokenType][]time.Time{},
		expires: map[string]time.Time{},
	}
	s.lp.key = "k1"
	s.lp.base = 1
	s.lp.events = make(map[string]bool)
	return s
}

func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/method/{name}", s.serveMethod)
	mux.HandleFunc("/lp/{group}", s.serveLongPoll)
	mux.HandleFunc("/oauth2/auth", s.serveOAuth)
	return mux
}

// URL is the server's base URL.
func (s *Server) URL() string { return s.base }

// MethodURL is what api_url must be set to (with the trailing slash).
func (s *Server) MethodURL() string { return s.base + "/method/" }

// Client is an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.client }

// GroupID is the community's id (positive).
func (s *Server) GroupID() int { return s.opts.GroupID }

// AdminID is the user who owns UserToken.
func (s *Server) AdminID() int { return s.opts.AdminID }

// CommunityToken, UserToken and ServiceToken are the valid tokens.
func (s *Server) CommunityToken() string { return "community-token" }
func (s *Server) UserToken() string      { return "user-token" }
func (s *Server) ServiceToken() string   { return "service-token" }

// Close releases held long polls and stops the server. It is idempotent.
func (s *Server) Close() {
	s.closeOne.Do(func() {
		close(s.closed)
		if s.srv != nil {
			s.srv.CloseClientConnections()
			s.srv.Close()
		}
	})
}

// Calls returns the logged requests of one method ("" for all, "a_check"
// for long poll requests).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// ResetCalls empties the request log.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	s.calls, s.inner = nil, nil
	s.mu.Unlock()
}

// --- faults ---

type fault struct {
	code  int           // VK error code to answer, 0 none
	delay time.Duration // answer this much later
	drop  bool          // close the connection without an answer
}

func (s *Server) pushFault(method string, f fault, n int) {
	if method == "" {
		method = "*"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
}

// Fail makes the next n calls of method ("*" or "" for any method) answer
// VK error code (5, 6, 9, 10, 14, 27, 29, 104, ...).
func (s *Server) Fail(method string, code, n int) { s.pushFault(method, fault{code: code}, n) }

// FailThread makes every wall.getComments of the thread under comment root
// (comment_id=root), alone or inside execute, answer VK error code; 0
// reads it again. The post's own pages still answer.
func (s *Server) FailThread(root, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.thFail == nil {
		s.thFail = map[int]int{}
	}
	s.thFail[root] = code
}

// Slow delays the next n answers of method by d (long poll: "a_check").
func (s *Server) Slow(method string, d time.Duration, n int) {
	s.pushFault(method, fault{delay: d}, n)
}

// Drop closes the connection instead of answering the next n calls of
// method (long poll: "a_check").
func (s *Server) Drop(method string, n int) { s.pushFault(method, fault{drop: true}, n) }

// RevokeToken makes every call with that kind of token answer error 5, as an
// expired or revoked token does; restore with RevokeToken(t, false).
func (s *Server) RevokeToken(t TokenType, revoked bool) {
	s.mu.Lock()
	s.revoked[t] = revoked
	s.mu.Unlock()
}

// FailLongPoll makes the next a_check answer {"failed":code}: 1 history
// lost (the returned ts goes Options.Resend events back), 2 key expired (the
// key is rotated too), 3 information lost (key rotated; the client must take
// a new ts, and events queued meanwhile stay behind it).
func (s *Server) FailLongPoll(code int) {
	s.mu.Lock()
	s.lpFail = append(s.lpFail, code)
	s.mu.Unlock()
}

// LoseEvents runs fn (which adds comments, say) with the long poll losing
// its events, as VK's history does, then makes the next a_check answer
// failed:3: only a catch-up over the wall can find what fn added. A long
// poll held meanwhile is answered at once.
func (s *Server) LoseEvents(fn func()) {
	s.mu.Lock()
	s.lpMute = true
	s.mu.Unlock()
	fn()
	s.mu.Lock()
	s.lpMute = false
	s.lpFail = append(s.lpFail, 3)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// LongPollAnswer makes the next n a_check requests answer body verbatim
// (status 200, JSON content type): a malformed answer such as
// {"failed":1} without ts, or a proxy's page that is not JSON.
func (s *Server) LongPollAnswer(body string, n int) {
	s.mu.Lock()
	for range n {
		s.lpRaw = append(s.lpRaw, body)
	}
	s.mu.Unlock()
}

func (s *Server) takeFault(method string) (fault, bool) {
	for _, m := range []string{method, "*"} {
		if q := s.faults[m]; len(q) > 0 {
			s.faults[m] = q[1:]
			return q[0], true
		}
	}
	return fault{}, false
}

// --- HTTP plumbing ---

// vkError is VK's error object.
type vkError struct {
	Code       int    `json:"error_code"`
	Msg        string `json:"error_msg"`
	Params     []kv   `json:"request_params"`
	CaptchaSID string `json:"captcha_sid,omitempty"`
	CaptchaImg string `json:"captcha_img,omitempty"`
}

type kv struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

var errorText = map[int]string{
	1:    "Unknown error occurred",
	5:    "User authorization failed: invalid access_token (4).",
	6:    "Too many requests per second",
	7:    "Permission to perform this action is denied",
	8:    "Invalid request: v (version) is required",
	9:    "Flood control",
	10:   "Internal server error",
	14:   "Captcha needed",
	15:   "Access denied",
	17:   "Validation required",
	18:   "User was deleted or banned",
	27:   "Group authorization failed: method is unavailable with group auth.",
	28:   "Application authorization failed: method is unavailable with service token.",
	29:   "Rate limit reached",
	30:   "This profile is private",
	100:  "One of the parameters specified was missing or invalid",
	104:  "Not found",
	113:  "Invalid user id",
	125:  "Invalid group id",
	183:  "Access to comment denied",
	203:  "Access to group denied",
	210:  "Access to wall's post denied",
	211:  "Access to wall's comment denied",
	212:  "Access to post comments denied",
	243:  "Comment has not been deleted",
	924:  "Can't delete this message for everybody",
	925:  "You are not admin of this chat",
	1105: "Too many auth attempts, try again later",
	1117: "Access token has expired",
	3609: "Token extension required",
	3610: "User is deactivated",
	3611: "Service is deactivated for user",
}

// apiErr is a VK error raised by a method handler.
type apiErr struct {
	code int
	msg  string
}

func (e *apiErr) Error() string { return fmt.Sprintf("vk error %d: %s", e.code, e.msg) }

func errf(code int, format string, args ...any) *apiErr {
	msg := errorText[code]
	if format != "" {
		msg += ": " + fmt.Sprintf(format, args...)
	}
	return &apiErr{code: code, msg: msg}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) writeError(w http.ResponseWriter, method string, form url.Values, e *apiErr) {
	params := []kv{{"method", method}, {"oauth", "1"}}
	for k, vs := range form {
		if k == "access_token" || len(vs) == 0 {
			continue
		}
		params = append(params, kv{k, vs[0]})
	}
	ve := vkError{Code: e.code, Msg: e.msg, Params: params}
	if e.code == 14 {
		ve.CaptchaSID = "239"
		ve.CaptchaImg = s.base + "/captcha.php?sid=239"
	}
	writeJSON(w, map[string]any{"error": ve})
}

// dropConn closes the client's connection without an answer.
func dropConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("vktest: response writer cannot hijack") // httptest and localWriter can
	}
	conn, buf, err := hj.Hijack()
	if err == nil {
		_ = buf.Flush()
		_ = conn.Close()
	}
}

// sleep waits d or until the request or the server ends.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.closed:
	}
	return false
}

func (s *Server) serveMethod(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("name")
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	form := r.Form
	token := form.Get("access_token")
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token = strings.TrimPrefix(h, "Bearer ")
	}
	params := url.Values{}
	for k, v := range form {
		if k != "access_token" {
			params[k] = v
		}
	}

	s.mu.Lock()
	tt := s.tokens[token]
	call := Call{Method: method, Token: tt, Params: params, At: time.Now()}
	f, hasFault := s.takeFault(method)
	exp, expiring := s.expires[token]
	s.mu.Unlock()
	expired := expiring && !call.At.Before(exp)

	if hasFault && f.delay > 0 && !s.sleep(r, f.delay) {
		return
	}
	if hasFault && f.drop {
		s.log(call)
		dropConn(w)
		return
	}
	var resp any
	var e *apiErr
	switch {
	case hasFault && f.code != 0:
		e = errf(f.code, "")
	case expired && tt != "":
		e = errf(1117, "")
	default:
		resp, e = s.dispatch(method, tt, params, &call)
	}
	if e != nil {
		call.Code = e.code
		s.log(call)
		s.writeError(w, method, params, e)
		return
	}
	s.log(call)
	if ex, ok := resp.(executeResult); ok {
		out := map[string]any{"response": ex.Response}
		if len(ex.Errors) > 0 {
			out["execute_errors"] = ex.Errors
		}
		writeJSON(w, out)
		return
	}
	writeJSON(w, map[string]any{"response": resp})
}

func (s *Server) log(c Call) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
}

// dispatch checks the token and runs one method.
func (s *Server) dispatch(method string, tt TokenType, p url.Values, call *Call) (any, *apiErr) {
	if tt == "" {
		return nil, errf(5, "invalid access_token")
	}
	if p.Get("v") == "" {
		return nil, errf(8, "")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.revoked[tt] {
		return nil, errf(5, "")
	}

	if e := s.rate(tt, call.At); e != nil {
		return nil, e
	}
	return s.callLocked(method, tt, p)
}

// callLocked runs one method with s.mu held (execute calls it per item).
func (s *Server) callLocked(method string, tt TokenType, p url.Values) (any, *apiErr) {
	m, ok := methods[method]
	if !ok {
		m, ok = guardMethods[method]
	}
	if !ok {
		return nil, errf(3, "Unknown method passed")
	}
	if !m.allowed(tt) {
		switch tt {
		case TokenCommunity:
			return nil, errf(27, "")
		case TokenService:
			// unverified: the code VK answers for a service token on a
			// method that does not take one; 28 is its "application
			// authorization failed".
			return nil, errf(28, "")
		default:
			return nil, errf(15, "method needs a community token")
		}
	}
	return m.fn(s, tt, p)
}

// rate enforces VK's per-token limits when Options.EnforceRate is set.
func (s *Server) rate(tt TokenType, now time.Time) *apiErr {
	if m := s.opts.Meter; m != nil && tt != TokenCommunity && tt != "" {
		if !m.take(tt, now, s.opts.EnforceRate) {
			return errf(6, "")
		}
		return nil
	}
	if !s.opts.EnforceRate {
		return nil
	}
	limit := 3
	if tt == TokenCommunity {
		limit = 20
	}
	st := s.stamps[tt]
	for len(st) > 0 && now.Sub(st[0]) >= time.Second {
		st = st[1:]
	}
	if len(st) >= limit {
		s.stamps[tt] = st
		return errf(6, "")
	}
	s.stamps[tt] = append(st, now)
	return nil
}

// --- small form helpers ---

func intParam(p url.Values, name string) int {
	n, _ := strconv.Atoi(p.Get(name))
	return n
}

func need(p url.Values, names ...string) *apiErr {
	for _, n := range names {
		if p.Get(n) == "" {
			return errf(100, "%s is undefined", n)
		}
	}
	return nil
}

func intList(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// Package oktest is a stateful fake of OK's REST API (docs/platform-apis.md
// §2) on an httptest.Server: groups with topics and comments, signed
// requests verified exactly as OK documents them (a bad sig gets 104),
// access tokens that can expire (102), anchors for paging, OK's error
// envelope with the invocation-error header, scripted faults (rate limit 8
// and 11, service error 2, an outage with HTTP 503) and a record of every
// call.
package oktest

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The fake's application keys.
const (
	AppKey    = "CBAFAKEAPPKEY"
	AppSecret = "fake-application-secret"
)

// Zone is the zone of comment dates (Moscow, as assumed by the connector).
var Zone = time.FixedZone("MSK", 3*60*60)

// Call is one request the fake answered.
type Call struct {
	Method string
	Params url.Values
	Code   int // the error code answered, 0 on success
}

// Ban is an author blocked through block_author.
type Ban struct {
	Group   int64
	Author  string
	Comment string // the comment whose deletion blocked them
}

type comment struct {
	id, author, text string
	replyTo          string // the id of the comment it answers ("": none)
	date, deletedAt  time.Time
	deleted          bool
}

type topic struct {
	id       string
	group    int64
	author   string // author_ref; "": the group (page.go)
	created  time.Time
	comments []*comment // oldest first
}

type fault struct {
	method string // "" for any
	code   int    // 0 with http: an HTTP error
	http   int
	n      int
	skip   int    // calls of method answered before the fault starts (FailAfter)
	raw    string // AnswerRaw: this body with 200 and no invocation-error header
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu      sync.Mutex
	tokens  map[string]int64 // token → the group it administers
	expired map[string]bool
	users   map[string]string
	topics  map[string]*topic
	order   []*topic // oldest first
	group   Group    // group.getInfo fields (page.go)
	byID    map[string]*comment
	topicOf map[string]*topic
	bans    []Ban
	calls   []Call
	faults  []fault
	seq     int
	now     func() time.Time
	numeric bool // SetNumericIDs
	unix    bool // SetUnixDates
	garbled map[string]bool
	noTopic int // EmptyTopics
}

// New starts a fake.
func New() *Server {
	s := &Server{tokens: map[string]int64{}, expired: map[string]bool{}, users: map[string]string{},
		topics: map[string]*topic{}, byID: map[string]*comment{}, topicOf: map[string]*topic{}, now: time.Now}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// SetNumericIDs makes answers give the ids that are numbers (topics,
// authors, users) as JSON numbers instead of strings: OK's id types are
// unverified (docs/platform-apis.md §2.3 shows strings).
func (s *Server) SetNumericIDs(on bool) { s.mu.Lock(); s.numeric = on; s.mu.Unlock() }

// SetUnixDates makes comments' dates unix seconds (a JSON number) instead
// of local-time strings: the form is unverified (§2.3).
func (s *Server) SetUnixDates(on bool) { s.mu.Lock(); s.unix = on; s.mu.Unlock() }

// EmptyTopics makes the next n mediatopic.getTopics answer no topic at
// all, as a glitch of OK's could.
func (s *Server) EmptyTopics(n int) { s.mu.Lock(); s.noTopic = n; s.mu.Unlock() }

// Garble makes discussions.getComments of a topic answer a shape no client
// reads (a comment's text as a list), until Garble(topic, false).
func (s *Server) Garble(topicID string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.garbled == nil {
		s.garbled = map[string]bool{}
	}
	s.garbled[topicID] = on
}

// id renders an id as the answers give it (see SetNumericIDs); call with
// mu held.
func (s *Server) id(v string) any {
	if s.numeric {
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			return json.Number(v)
		}
	}
	return v
}

// Close stops the fake.
func (s *Server) Close() { s.srv.Close() }

// URL is the REST endpoint (api_url).
func (s *Server) URL() string { return s.srv.URL + "/fb.do" }

// Client is an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// AddGroup registers a group and returns an admin access token for it.
func (s *Server) AddGroup(gid int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	tok := fmt.Sprintf("tkn%d-%d", gid, s.seq)
	s.tokens[tok] = gid
	return tok
}

// Expire makes a token answer 102 from now on (Revive undoes it).
func (s *Server) Expire(token string) { s.mu.Lock(); s.expired[token] = true; s.mu.Unlock() }

// Revive makes an expired token work again.
func (s *Server) Revive(token string) { s.mu.Lock(); delete(s.expired, token); s.mu.Unlock() }

// AddUser names a user.
func (s *Server) AddUser(uid, name string) { s.mu.Lock(); s.users[uid] = name; s.mu.Unlock() }

// AddTopic posts a topic in a group and returns its id.
func (s *Server) AddTopic(gid int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	t := &topic{id: strconv.Itoa(150000000000000 + s.seq), group: gid, created: s.now()}
	s.topics[t.id] = t
	s.order = append(s.order, t)
	return t.id
}

// AddComment adds a comment under a topic, dated now, and returns its id
// (OK's ids are opaque strings).
func (s *Server) AddComment(topicID, author, text string) string {
	return s.AddCommentAt(topicID, author, text, s.now())
}

// AddReply adds a comment answering the comment parentID, dated now.
func (s *Server) AddReply(topicID, parentID, author, text string) string {
	return s.addComment(topicID, author, text, s.now(), parentID)
}

// AddCommentAt adds a comment with a given date (kept in date order).
func (s *Server) AddCommentAt(topicID, author, text string, date time.Time) string {
	return s.addComment(topicID, author, text, date, "")
}

// addComment adds a comment, a reply to replyTo when set, in one step: a
// poll never sees a reply before it names its parent.
func (s *Server) addComment(topicID, author, text string, date time.Time, replyTo string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.topics[topicID]
	if t == nil {
		panic("oktest: no topic " + topicID)
	}
	s.seq++
	c := &comment{id: base64.RawStdEncoding.EncodeToString([]byte(strconv.Itoa(s.seq))), author: author, text: text,
		date: date.Truncate(time.Second), replyTo: replyTo}
	i := sort.Search(len(t.comments), func(i int) bool { return t.comments[i].date.After(c.date) })
	t.comments = append(t.comments, nil)
	copy(t.comments[i+1:], t.comments[i:])
	t.comments[i] = c
	s.byID[c.id] = c
	s.topicOf[c.id] = t
	return c.id
}

// EditComment changes a comment's text (OK shows the new text in place).
func (s *Server) EditComment(id, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[id].text = text
}

// Deleted reports whether a comment was deleted.
func (s *Server) Deleted(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.byID[id]
	return c != nil && c.deleted
}

// Bans lists the authors blocked.
func (s *Server) Bans() []Ban {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ban(nil), s.bans...)
}

// Fail makes the next n calls of method ("" any) answer OK's error code.
func (s *Server) Fail(method string, code, n int) {
	s.mu.Lock()
	s.faults = append(s.faults, fault{method: method, code: code, n: n})
	s.mu.Unlock()
}

// FailAfter is Fail starting after the next skip calls of method, which
// are answered (a limit reached in the middle of a cycle).
func (s *Server) FailAfter(method string, skip, code, n int) {
	s.mu.Lock()
	s.faults = append(s.faults, fault{method: method, code: code, n: n, skip: skip})
	s.mu.Unlock()
}

// Outage makes the next n calls (any method) answer HTTP status with a
// non-JSON body, as a proxy does.
func (s *Server) Outage(status, n int) {
	s.mu.Lock()
	s.faults = append(s.faults, fault{http: status, n: n})
	s.mu.Unlock()
}

// AnswerRaw makes the next call of method answer body verbatim with 200
// and no invocation-error header (an envelope of another shape, say).
func (s *Server) AnswerRaw(method, body string) {
	s.mu.Lock()
	s.faults = append(s.faults, fault{method: method, raw: body, n: 1})
	s.mu.Unlock()
}

// Calls returns the recorded calls of method ("" all).
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

// Sign is §2.1's signature, computed independently of the connector.
func Sign(p url.Values, token, appSecret string) string {
	secret := md5hex(token + appSecret)
	var keys []string
	for k := range p {
		if k != "access_token" && k != "session_key" && k != "sig" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + p.Get(k))
	}
	return md5hex(b.String() + secret)
}

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	p := r.Form
	method := p.Get("method")
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := Call{Method: method, Params: p}
	answer := func(v any) {
		s.calls = append(s.calls, rec)
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		_ = json.NewEncoder(w).Encode(v)
	}
	fail := func(code int, msg string) {
		rec.Code = code
		s.calls = append(s.calls, rec)
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Header().Set("invocation-error", strconv.Itoa(code))
		_ = json.NewEncoder(w).Encode(map[string]any{"error_code": code, "error_msg": msg, "error_data": nil})
	}
	for i := range s.faults {
		f := &s.faults[i]
		if f.n <= 0 || (f.method != "" && f.method != method) {
			continue
		}
		if f.skip > 0 {
			f.skip--
			continue
		}
		f.n--
		if f.raw != "" {
			s.calls = append(s.calls, rec)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(f.raw))
			return
		}
		if f.http != 0 {
			rec.Code = -f.http
			s.calls = append(s.calls, rec)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(f.http)
			_, _ = w.Write([]byte("<html>502 Bad Gateway</html>"))
			return
		}
		fail(f.code, faultMsg[f.code])
		return
	}
	if p.Get("application_key") != AppKey {
		fail(101, "PARAM_API_KEY : Application key is invalid")
		return
	}
	tok := p.Get("access_token")
	gid, ok := s.tokens[tok]
	if !ok {
		fail(103, "PARAM_SESSION_KEY : Invalid session key")
		return
	}
	if p.Get("sig") != Sign(p, tok, AppSecret) {
		fail(104, "PARAM_SIGNATURE : Invalid signature")
		return
	}
	if s.expired[tok] {
		fail(102, "PARAM_SESSION_EXPIRED : Session expired")
		return
	}
	if p.Get("format") != "json" {
		fail(100, "PARAM : format must be json")
		return
	}
	switch method {
	case "group.getInfo":
		if p.Get("uids") != strconv.FormatInt(gid, 10) {
			answer([]any{})
			return
		}
		answer([]map[string]any{s.groupInfo(p)})
	case "mediatopic.getTopics":
		s.getTopics(p, gid, answer, fail)
	case "discussions.getComments":
		s.getComments(p, gid, answer, fail)
	case "discussions.deleteDiscussionComment":
		s.deleteComment(p, gid, answer, fail)
	default:
		fail(3, "METHOD : Method "+method+" does not exist")
	}
}

var faultMsg = map[int]string{
	1: "UNKNOWN : Unknown error", 2: "SERVICE : Service temporarily unavailable",
	8: "FLOOD_BLOCKED : Flood blocked", 11: "LIMIT_REACHED : Limit reached",
	102: "PARAM_SESSION_EXPIRED : Session expired", 10: "PERMISSION_DENIED : Permission denied",
}

// DeletedCount is how many comments were deleted.
func (s *Server) DeletedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.byID {
		if c.deleted {
			n++
		}
	}
	return n
}

// DeletedAt is when a comment was deleted (zero: it was not).
func (s *Server) DeletedAt(id string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.byID[id]; c != nil {
		return c.deletedAt
	}
	return time.Time{}
}

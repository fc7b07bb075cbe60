// Package metatest is a stateful fake of the Graph API for one Facebook
// Page and one Instagram professional account (docs/platform-apis.md
// §3–§4): versioned routes (/vNN.N/...), cursor paging, the error envelope
// with HTTP 400, usage headers, hidden state, the Page's blocked list, and
// a webhook sender that signs deliveries as Meta does. Tests and
// `strazh demo -network facebook|instagram` drive it.
package metatest

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Fixed identities of the fake.
const (
	PageID      = "1010"
	PageName    = "Акимат района"
	IGUserID    = "17841400000000001"
	IGUsername  = "akimat_rayona"
	Token       = "fake-page-token"
	AppSecret   = "fake-app-secret"
	VerifyToken = "fake-verify-token"
)

// Options tune the fake.
type Options struct {
	// Now is the fake's clock (default time.Now).
	Now func() time.Time
}

// Server is the fake. Safe for concurrent use.
type Server struct {
	opts Options

	mu       sync.Mutex
	token    string
	posts    []*post // both networks, in creation order
	comments []*Comment
	byID     map[string]*Comment
	blocked  map[string]bool
	fails    []failure
	usage    int // percent reported in the usage headers
	calls    []Call
	seq      int
	hook     string // webhook URL Meta delivers to ("" none)
	secret   string
	layout   string // of comment times (SetTimeLayout; "" Graph's)
}

type post struct {
	id, text, network string
	created           time.Time
}

// Comment is a comment as the fake holds it.
type Comment struct {
	ID, PostID, ParentID string
	Network              string // "facebook" or "instagram"
	FromID, FromName     string
	Text                 string
	Created              time.Time
	Hidden, Deleted      bool
}

// Call is one request the fake served.
type Call struct {
	Method, Path, Query string
	Status              int
	At                  time.Time
}

type failure struct {
	suffix        string
	n             int
	code, subcode int
	body          string // Answer: this body with status 200
}

// New returns an empty fake.
func New(o Options) *Server {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Server{opts: o, token: Token, byID: map[string]*Comment{}, blocked: map[string]bool{}, secret: AppSecret}
}

func (s *Server) next() int { s.seq++; return s.seq }

// AddPost publishes a Page post and returns its id ("1010_<n>").
func (s *Server) AddPost(text string) string { return s.addPost("facebook", text) }

// AddMedia publishes an Instagram media and returns its id.
func (s *Server) AddMedia(caption string) string { return s.addPost("instagram", caption) }

func (s *Server) addPost(network, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := PageID + "_" + strconv.Itoa(s.next())
	if network == "instagram" {
		id = "1790" + strconv.Itoa(100000+s.next())
	}
	s.posts = append(s.posts, &post{id: id, text: text, network: network, created: s.opts.Now()})
	return id
}

// AddComment writes a comment under a post (media), as a reply when
// parent is set; it returns the comment's id.
func (s *Server) AddComment(postID, parent, fromID, fromName, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.post(postID)
	if p == nil {
		panic(fmt.Sprintf("metatest: no post %q", postID))
	}
	n := s.next()
	id := strconv.Itoa(n)
	if p.network == "facebook" {
		id = postID[len(PageID)+1:] + "_" + id
	} else {
		id = "1789" + strconv.Itoa(100000+n)
		if parent != "" {
			// Instagram attaches a reply to a reply to the top level (§4).
			if pc := s.byID[parent]; pc != nil && pc.ParentID != "" {
				parent = pc.ParentID
			}
		}
	}
	c := &Comment{ID: id, PostID: postID, ParentID: parent, Network: p.network, FromID: fromID, FromName: fromName,
		Text: text, Created: s.opts.Now()}
	s.comments = append(s.comments, c)
	s.byID[id] = c
	return id
}

// EditComment changes a comment's text.
func (s *Server) EditComment(id, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.byID[id]
	if c == nil || c.Deleted {
		return fmt.Errorf("metatest: no comment %q", id)
	}
	c.Text = text
	return nil
}

// Get returns a copy of a comment.
func (s *Server) Get(id string) (Comment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.byID[id]
	if c == nil {
		return Comment{}, false
	}
	return *c, true
}

// Deleted reports whether a comment was deleted.
func (s *Server) Deleted(id string) bool { c, ok := s.Get(id); return ok && c.Deleted }

// Hidden reports whether a comment is hidden.
func (s *Server) Hidden(id string) bool { c, ok := s.Get(id); return ok && c.Hidden }

// Blocked reports whether a user is on the Page's blocked list.
func (s *Server) Blocked(user string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocked[user]
}

// Counts are the comments deleted and hidden, and the users blocked.
func (s *Server) Counts() (deleted, hidden, blocked int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.comments {
		if c.Deleted {
			deleted++
		} else if c.Hidden {
			hidden++
		}
	}
	return deleted, hidden, len(s.blocked)
}

// SetToken changes the token the fake accepts (a revoked token: any other).
func (s *Server) SetToken(t string) { s.mu.Lock(); s.token = t; s.mu.Unlock() }

// SetUsage sets the percent the usage headers report.
func (s *Server) SetUsage(p int) { s.mu.Lock(); s.usage = p; s.mu.Unlock() }

// Fail makes the next n requests whose path ends in suffix ("" any)
// answer the Graph error code (HTTP 400).
func (s *Server) Fail(suffix string, n, code, subcode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, failure{suffix: suffix, n: n, code: code, subcode: subcode})
}

// SetTimeLayout makes comments' created_time / timestamp use layout
// (time.RFC3339, say) instead of Graph's "2006-01-02T15:04:05-0700".
func (s *Server) SetTimeLayout(layout string) { s.mu.Lock(); s.layout = layout; s.mu.Unlock() }

// Answer makes the next n requests whose path ends in suffix answer body
// with status 200 (a shape the client may not read).
func (s *Server) Answer(suffix string, n int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, failure{suffix: suffix, n: n, body: body})
}

// Calls lists the requests whose path ends in suffix ("" all).
func (s *Server) Calls(suffix string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if suffix == "" || len(c.Path) >= len(suffix) && c.Path[len(c.Path)-len(suffix):] == suffix {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) post(id string) *post {
	for _, p := range s.posts {
		if p.id == id {
			return p
		}
	}
	return nil
}

// postsOf lists a network's posts, newest first.
func (s *Server) postsOf(network string) []*post {
	var out []*post
	for _, p := range s.posts {
		if p.network == network {
			out = append(out, p)
		}
	}
	slices.Reverse(out)
	return out
}

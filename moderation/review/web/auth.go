package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// Roles. The names are a contract (`strazh users add -role`).
const (
	RoleModerator = "moderator" // decides reviews
	RoleViewer    = "viewer"    // reads statistics and the audit
	RoleAdmin     = "admin"     // also pauses, unbans, manages users
)

// ValidRole reports whether r is one of the roles.
func ValidRole(r string) bool { return r == RoleModerator || r == RoleViewer || r == RoleAdmin }

// Who may open a page.
type access int

const (
	roleAny    access = iota // every signed-in user
	roleDecide               // moderators and admins
	roleAdmin                // admins
)

func (a access) allows(role string) bool {
	switch a {
	case roleAny:
		return ValidRole(role)
	case roleDecide:
		return role == RoleModerator || role == RoleAdmin
	case roleAdmin:
		return role == RoleAdmin
	}
	return false
}

// Cookie names.
const (
	cookieSession = "strazh_session"
	cookieLogin   = "strazh_login" // the sign-in form's CSRF token, before a session exists
	cookieLang    = "strazh_lang"
)

// session is the signed-in user of a request.
type session struct {
	key  []byte // SHA-256 of the cookie's token
	user store.WebUser
	csrf string
}

type ctxKey struct{}

func sessionOf(r *http.Request) *session {
	s, _ := r.Context().Value(ctxKey{}).(*session)
	return s
}

// newToken is 32 random bytes, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenKey is how a session token is stored: its hash, so a copy of the
// database signs nobody in.
func tokenKey(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func sameToken(a, b string) bool {
	return a != "" && len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// with checks the session and the role, and the CSRF token on a POST.
// No session: to the sign-in page (a GET) or 401; wrong role: 403.
func (s *Server) with(a access, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := s.current(r)
		if sess == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, http.StatusUnauthorized, "Войдите снова: сессия закончилась.")
			return
		}
		if !a.allows(sess.user.Role) {
			s.fail(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess)), http.StatusForbidden, "Недостаточно прав для этой страницы.")
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess))
		if r.Method == http.MethodPost && !s.formRead(w, r) {
			return
		}
		if r.Method == http.MethodPost && !sameToken(r.PostFormValue("csrf"), sess.csrf) {
			s.fail(w, r, http.StatusForbidden, "Форма устарела: обновите страницу и повторите.")
			return
		}
		h(w, r)
	}
}

// formRead parses a POST's form, answering the request itself when it
// cannot: a form over the body limit read as empty, so it was refused as
// «Форма устарела» (a stale CSRF token), and an answer pasted too long was
// lost for a wrong reason.
func (s *Server) formRead(w http.ResponseWriter, r *http.Request) bool {
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(maxBody)
	} else {
		err = r.ParseForm() // ParseMultipartForm would answer ErrNotMultipart first
	}
	if err == nil {
		return true
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "Форма слишком большая: ответ — не длиннее 4096 символов. Вернитесь назад и сократите текст.")
		return false
	}
	s.fail(w, r, http.StatusBadRequest, "Форма не прочитана: обновите страницу и повторите.")
	return false
}

// current is the request's valid session, or nil.
func (s *Server) current(r *http.Request) *session {
	c, err := r.Cookie(cookieSession)
	if err != nil || len(c.Value) != 43 {
		return nil
	}
	key := tokenKey(c.Value)
	st, err := s.deps.Store.WebSession(key)
	if err != nil {
		if !errors.Is(err, moderation.ErrNotFound) {
			s.log.Warn("read web session", "err", err)
		}
		return nil
	}
	if !s.deps.Now().Before(st.Expires) {
		return nil
	}
	u, err := s.deps.Store.WebUser(st.User)
	if err != nil || u.Changed.After(st.Created) {
		// Removed, or the password or role changed after the sign-in.
		return nil
	}
	return &session{key: key, user: u, csrf: st.CSRF}
}

// setCookie sets a cookie for maxAge; a negative maxAge deletes it.
func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	age := int(maxAge / time.Second)
	if maxAge < 0 {
		age = -1 // "Max-Age=0": -1 ns would round to 0, no Max-Age, a cookie kept till the browser closes
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: age,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.cfg.SecureCookies})
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	tok := newToken()
	s.setCookie(w, cookieLogin, tok, 30*time.Minute)
	s.render(w, r, http.StatusOK, "login", loginData{CSRF: tok, Next: safeNext(r.URL.Query().Get("next")),
		Failed: r.URL.Query().Get("failed") != ""})
}

type loginData struct {
	CSRF   string
	Next   string
	Failed bool
}

// safeNext keeps a redirect after sign-in on this site. Control
// characters are refused: browsers drop tabs and newlines from a Location,
// so "/\t/evil.example" would become "//evil.example".
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") || strings.HasPrefix(n, "/login") ||
		strings.ContainsFunc(n, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return n
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(cookieLogin)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		s.fail(w, r, http.StatusForbidden, "Форма входа устарела: откройте страницу входа снова.")
		return
	}
	name, pw := strings.TrimSpace(r.PostFormValue("user")), r.PostFormValue("password")
	ip := s.clientIP(r)
	if !s.auth.allow(ip, name, s.deps.Now()) {
		s.log.Warn("web sign-in rate limited", "ip", ip)
		w.Header().Set("Retry-After", "60")
		s.fail(w, r, http.StatusTooManyRequests, "Слишком много попыток входа: подождите минуту.")
		return
	}
	u, known, ok := s.checkPassword(r.Context(), name, pw)
	next := safeNext(r.PostFormValue("next"))
	if !ok {
		// An unknown name may be a password typed in the wrong field:
		// only a known user's name is logged.
		logged := "(unknown)"
		if known {
			logged = name
		}
		s.log.Warn("web sign-in failed", "user", logged, "ip", ip)
		http.Redirect(w, r, "/login?failed=1&next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	tok, now := newToken(), s.deps.Now()
	st := store.WebSession{User: u.Name, CSRF: newToken(), Created: now, Expires: now.Add(s.cfg.SessionTTL)}
	if err := s.deps.Store.PutWebSession(tokenKey(tok), st); err != nil {
		s.log.Error("store web session", "user", u.Name, "err", err)
		s.fail(w, r, http.StatusInternalServerError, "Не удалось войти: ошибка базы, см. журнал службы.")
		return
	}
	s.pruneSessions(now)
	s.log.Info("web sign-in", "user", u.Name, "role", u.Role, "ip", ip)
	s.setCookie(w, cookieSession, tok, s.cfg.SessionTTL)
	s.setCookie(w, cookieLogin, "", -1)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// checkPassword verifies a sign-in; an unknown user costs a hash too.
func (s *Server) checkPassword(ctx context.Context, name, pw string) (u store.WebUser, known, ok bool) {
	select {
	case s.hash <- struct{}{}:
		defer func() { <-s.hash }()
	case <-ctx.Done():
		return store.WebUser{}, false, false
	}
	u, err := s.deps.Store.WebUser(name)
	if err != nil || name == "" {
		VerifyPassword(dummyHash(), pw)
		return store.WebUser{}, false, false
	}
	return u, true, VerifyPassword(u.Hash, pw) && ValidRole(u.Role)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	if err := s.deps.Store.DeleteWebSession(sess.key); err != nil {
		// The session still signs in: say so and keep the cookie, so that
		// signing out can be tried again.
		s.log.Error("delete web session", "user", sess.user.Name, "err", err)
		s.fail(w, r, http.StatusInternalServerError, "Не удалось выйти: ошибка базы, см. журнал службы.")
		return
	}
	s.log.Info("web sign-out", "user", sess.user.Name)
	s.setCookie(w, cookieSession, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// pruneSessions drops expired sessions at most once an hour.
func (s *Server) pruneSessions(now time.Time) {
	s.mu.Lock()
	due := now.Sub(s.lastPrune) > time.Hour
	if due {
		s.lastPrune = now
	}
	s.mu.Unlock()
	if due {
		if _, err := s.deps.Store.PruneWebSessions(now); err != nil {
			s.log.Warn("prune web sessions", "err", err)
		}
	}
}

// clientIP is the peer's address, or the proxy's X-Real-IP when
// trust_proxy says a proxy on this machine sets it.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if s.cfg.TrustProxy {
		if ip := strings.TrimSpace(r.Header.Get("X-Real-IP")); ip != "" && net.ParseIP(ip) != nil {
			return ip
		}
	}
	return host
}

// limiters rate-limit sign-in attempts per client address and per user
// name: 5 at once, then one every 12 seconds.
type limiters struct {
	burst  int
	every  time.Duration
	mu     sync.Mutex
	byIP   map[string]*rate.Limiter
	byUser map[string]*rate.Limiter
}

const (
	loginBurst = 5
	loginEvery = 12 * time.Second
	maxTracked = 10000 // addresses and names remembered; then the oldest state is dropped
)

func newLimiters(burst int, every time.Duration) *limiters {
	return &limiters{burst: burst, every: every, byIP: map[string]*rate.Limiter{}, byUser: map[string]*rate.Limiter{}}
}

func (l *limiters) allow(ip, user string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The address first: an attempt it refuses is not tracked by name, so a
	// flood of made-up names from one address cannot fill the name table
	// (a full table forgets limits) and reset a real name's limit.
	if !l.limiterFor(l.byIP, addrKey(ip), now).AllowN(now, 1) {
		return false
	}
	return l.limiterFor(l.byUser, strings.ToLower(user), now).AllowN(now, 1)
}

// addrKey is what the limit counts per: an IPv4 address, or the /64 of an
// IPv6 one (one client usually holds a whole /64 and can change addresses
// inside it at will).
func addrKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Unmap().Is4() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

func (l *limiters) limiterFor(m map[string]*rate.Limiter, k string, now time.Time) *rate.Limiter {
	if lim, ok := m[k]; ok {
		return lim
	}
	if len(m) >= maxTracked {
		// A limiter back at its full burst is the same as a new one:
		// forget those first; a flood of fresh names still cannot grow
		// the map beyond maxTracked.
		for k, lim := range m {
			if lim.TokensAt(now) >= float64(l.burst) {
				delete(m, k)
			}
		}
		if len(m) >= maxTracked {
			clear(m)
		}
	}
	lim := rate.NewLimiter(rate.Every(l.every), l.burst)
	m[k] = lim
	return lim
}

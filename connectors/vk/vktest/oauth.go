package vktest

import (
	"net/http"
	"strconv"
	"time"
)

// oauthState is the fake's VK ID token endpoint (§1.2.1): refresh tokens
// it accepts, and the lifetime of the access tokens it issues.
type oauthState struct {
	refresh map[string]bool // valid refresh tokens; each works once (rotated)
	codes   map[string]bool // valid authorization codes
	ttl     time.Duration   // expires_in of issued tokens; default 1 h
	n       int             // tokens issued
}

// VKIDURL is what the connector's vk_id_url is set to: the fake's
// id.vk.com (its /oauth2/auth endpoint).
func (s *Server) VKIDURL() string { return s.base }

// AddRefreshToken makes the VK ID endpoint accept a refresh token (once:
// refreshing rotates it) and an authorization code of the same text.
func (s *Server) AddRefreshToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.oauth.refresh == nil {
		s.oauth.refresh, s.oauth.codes = map[string]bool{}, map[string]bool{}
	}
	s.oauth.refresh[tok] = true
	s.oauth.codes[tok] = true
}

// SetTokenTTL sets expires_in of the access tokens the VK ID endpoint
// issues from now on (default one hour, as VK ID's).
func (s *Server) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	s.oauth.ttl = d
	s.mu.Unlock()
}

// IssuedTokens is how many access tokens the VK ID endpoint issued.
func (s *Server) IssuedTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oauth.n
}

// serveOAuth answers POST /oauth2/auth with grant_type authorization_code
// (code, code_verifier, device_id, redirect_uri, client_id) or
// refresh_token (refresh_token, client_id, device_id). The answer's fields
// follow §1.2.1 (partly unverified); errors use OAuth's
// {"error","error_description"} with HTTP 400 (unverified for VK ID).
func (s *Server) serveOAuth(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f := r.PostForm
	call := Call{Method: "oauth2/auth", Params: map[string][]string{
		"grant_type": {f.Get("grant_type")}, "client_id": {f.Get("client_id")}, "device_id": {f.Get("device_id")}},
		At: time.Now()}
	s.log(call)
	fail := func(code, desc string) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"` + code + `","error_description":"` + desc + `"}`))
	}
	if f.Get("client_id") == "" || f.Get("device_id") == "" {
		fail("invalid_request", "client_id and device_id are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Get("grant_type") {
	case "refresh_token":
		tok := f.Get("refresh_token")
		if !s.oauth.refresh[tok] {
			fail("invalid_grant", "refresh token is invalid or used")
			return
		}
		delete(s.oauth.refresh, tok)
	case "authorization_code":
		code := f.Get("code")
		if !s.oauth.codes[code] || f.Get("code_verifier") == "" {
			fail("invalid_grant", "code is invalid or used")
			return
		}
		delete(s.oauth.codes, code)
	default:
		fail("unsupported_grant_type", "")
		return
	}
	ttl := s.oauth.ttl
	if ttl <= 0 {
		ttl = time.Hour
	}
	s.oauth.n++
	n := strconv.Itoa(s.oauth.n)
	access, refresh := "vkid-access-"+n, "vkid-refresh-"+n
	s.tokens[access] = TokenUser
	s.expires[access] = time.Now().Add(ttl)
	s.oauth.refresh[refresh] = true
	writeJSON(w, map[string]any{
		"access_token": access, "refresh_token": refresh, "id_token": "id-" + n,
		"token_type": "Bearer", "expires_in": int(ttl / time.Second),
		"user_id": s.opts.AdminID, "state": f.Get("state"),
		"scope": "wall photos video market groups",
	})
}

// ExpireToken makes every call with the current tokens of that kind answer
// 1117 (access token has expired) from at on, as a VK ID token does after
// its hour; a zero at lifts it. Tokens issued later by the VK ID endpoint
// carry their own expiry.
func (s *Server) ExpireToken(t TokenType, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok, tt := range s.tokens {
		if tt != t {
			continue
		}
		if at.IsZero() {
			delete(s.expires, tok)
		} else {
			s.expires[tok] = at
		}
	}
}

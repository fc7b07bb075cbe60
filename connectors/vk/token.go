package vk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
)

// VK ID user tokens (§1.2.1): an access token lives an hour, and comes with
// a refresh token that works once. strazh refreshes ahead of the expiry
// (when a quarter of the lifetime is left), once more when VK answers 1117,
// and stores each new pair at once (moderation.TokenStore), before using
// it. Neither token is ever logged.

// tokenName is the stored token's name in the TokenStore.
const tokenName = "vk_user"

// refresher keeps the account's VK ID user token fresh. Fetch (under
// fetchMu) and the actions (on 1117) may call it concurrently.
type refresher struct {
	url, clientID, deviceID string
	hc                      *http.Client
	timeout                 time.Duration
	store                   moderation.TokenStore // nil: memory only
	account                 string
	source                  string // fingerprint of the configured refresh token

	mu  sync.Mutex
	tok moderation.Token
	// noRenew: never refresh (connectors.Deps.NoRenew, strazh doctor).
	noRenew bool
}

// fingerprint names a secret without showing it.
func fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:8])
}

// due reports whether the token should be refreshed now: its expiry is not
// known (a configured access token) or a quarter of its lifetime is left.
func due(t moderation.Token, now time.Time) bool {
	if t.Access == "" || t.Expires.IsZero() {
		return true
	}
	life := t.Expires.Sub(t.Issued)
	if t.Issued.IsZero() || life <= 0 {
		life = time.Hour
	}
	return t.Expires.Sub(now) <= life/4
}

// load takes the stored token when it descends from the configured refresh
// token (a new one in the configuration means a human authorised again:
// it wins).
func (r *refresher) load() error {
	if r.store == nil {
		return nil
	}
	t, err := r.store.Token(r.account, tokenName)
	switch {
	case errors.Is(err, moderation.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if t.Source == r.source && t.Refresh != "" {
		r.mu.Lock()
		r.tok = t
		r.mu.Unlock()
	}
	return nil
}

// current returns the token in use.
func (r *refresher) current() moderation.Token {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tok
}

// refresh gets a new pair unless the token in use is no longer stale (a
// concurrent refresh replaced it), stores it, and returns the access token.
func (r *refresher) refresh(ctx context.Context, stale string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tok.Access != stale && r.tok.Access != "" {
		return r.tok.Access, nil
	}
	if r.noRenew {
		return "", fmt.Errorf("the VK ID user token needs a refresh, which only the daemon makes (a refresh token works once; start strazh, or run strazh doctor beside it): %w", moderation.ErrCredentials)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("refresh user token: not started: %w", err) // nothing spent
	}
	// Once sent, the refresh token is spent: the exchange and the store
	// write finish on their own context (exchange bounds it by the
	// request timeout), or a SIGTERM meanwhile would drop the only valid
	// pair and the next start would need a new authorisation.
	t, err := r.exchange(context.WithoutCancel(ctx), r.tok.Refresh)
	if err != nil {
		return "", fmt.Errorf("refresh user token: %w", err)
	}
	t.Source = r.source
	if t.Refresh == "" {
		t.Refresh = r.tok.Refresh // unverified whether VK ID always rotates it
	}
	var serr error
	if r.store != nil {
		// Stored before use: the old refresh token is spent.
		if serr = r.store.PutToken(r.account, tokenName, t); serr != nil {
			serr = fmt.Errorf("refreshed user token not stored; a restart would need a new authorisation: %w", serr)
		}
	}
	r.tok = t
	return t.Access, serr
}

// vkIDAnswer is /oauth2/auth's answer, success or failure.
type vkIDAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

// exchange is the one seam of VK ID facts that are unverified (§1.2.1,
// "fields from client code, partly unverified"): the endpoint path
// /oauth2/auth, the form (grant_type=refresh_token, refresh_token,
// client_id, device_id, state), the answer's field names, that a refresh
// token is rotated on use, that errors come as OAuth's {error,
// error_description} with HTTP 4xx, and that invalid_grant means the
// refresh token is dead. Everything else goes through here.
func (r *refresher) exchange(ctx context.Context, refreshToken string) (moderation.Token, error) {
	if refreshToken == "" {
		return moderation.Token{}, fmt.Errorf("no refresh token: %w", moderation.ErrCredentials)
	}
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken},
		"client_id":     {r.clientID},
		"device_id":     {r.deviceID},
		"state":         {rand.Text()},
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(r.url, "/")+"/oauth2/auth", strings.NewReader(form.Encode()))
	if err != nil {
		return moderation.Token{}, fmt.Errorf("vk id: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sent := time.Now()
	resp, err := r.hc.Do(req)
	if err != nil {
		// The URL holds no secret (the form does), so the error may be shown.
		return moderation.Token{}, &moderation.BackOffError{Err: fmt.Errorf("vk id: %w", err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return moderation.Token{}, &moderation.BackOffError{Err: fmt.Errorf("vk id: read answer: %w", err)}
	}
	var a vkIDAnswer
	jerr := json.Unmarshal(body, &a)
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return moderation.Token{}, &moderation.BackOffError{Err: fmt.Errorf("vk id: HTTP %s", resp.Status)}
	case jerr != nil:
		// Never quote the body: a success carries the tokens.
		return moderation.Token{}, &moderation.BackOffError{Err: fmt.Errorf("vk id: HTTP %s, answer not JSON (%d bytes)", resp.Status, len(body))}
	case a.Error != "" || resp.StatusCode >= 400:
		return moderation.Token{}, fmt.Errorf("vk id: HTTP %d %s: %s (authorise again and put the new refresh token in place): %w",
			resp.StatusCode, a.Error, a.Description, moderation.ErrCredentials)
	case a.AccessToken == "":
		return moderation.Token{}, &moderation.BackOffError{Err: fmt.Errorf("vk id: answer without access_token")}
	}
	t := moderation.Token{Access: a.AccessToken, Refresh: a.RefreshToken, Issued: sent}
	if a.ExpiresIn > 0 {
		t.Expires = sent.Add(time.Duration(a.ExpiresIn) * time.Second)
	}
	return t, nil
}

// TokenExpires is when the user token expires (moderation.TokenExpirer);
// zero when it does not expire by time or is not refreshed by strazh.
func (c *Connector) TokenExpires() time.Time {
	if c.vkid == nil {
		return time.Time{}
	}
	return c.vkid.current().Expires
}

// startToken, at Connect, takes the stored token or refreshes, and puts
// the access token in use. A refresh that fails for good leaves the
// configured access token in use (it may still work) and is returned.
func (c *Connector) startToken(ctx context.Context) error {
	if c.vkid == nil {
		return nil
	}
	if err := c.vkid.load(); err != nil {
		c.log.Warn("stored user token not read; refreshing", "err", err)
	}
	t := c.vkid.current()
	if !due(t, time.Now()) {
		c.api.setToken(user, t.Access)
		return nil
	}
	return c.refreshUser(ctx, t.Access)
}

// keepFresh refreshes the user token when it is due (Fetch calls it).
func (c *Connector) keepFresh(ctx context.Context) {
	if c.vkid == nil || !due(c.vkid.current(), time.Now()) {
		return
	}
	if err := c.refreshUser(ctx, c.vkid.current().Access); err != nil {
		if moderation.Classify(err) == moderation.ClassCredentials && c.report == nil {
			c.report = err // returned by this Fetch: the pipeline alerts
			return
		}
		c.log.Warn("user token not refreshed; trying again", "expires", c.vkid.current().Expires, "err", err)
	}
}

// refreshUser refreshes the user token (unless another call did since
// stale was in use) and puts the new one in use.
func (c *Connector) refreshUser(ctx context.Context, stale string) error {
	access, err := c.vkid.refresh(ctx, stale)
	if access != "" {
		c.api.setToken(user, access)
		c.log.Info("user token refreshed", "expires", c.vkid.current().Expires)
	}
	return err
}

// setupVKID switches on refreshing the user token with refreshToken (the
// configured one; empty: not a VK ID token, nothing to refresh).
func (c *Connector) setupVKID(refreshToken string, store moderation.TokenStore) {
	if refreshToken == "" {
		return
	}
	c.vkid = &refresher{url: c.cfg.VKIDURL, clientID: c.cfg.ClientID, deviceID: c.cfg.DeviceID,
		hc: c.hc, timeout: c.cfg.RequestTimeout, store: store, account: c.account,
		source: fingerprint(refreshToken),
		tok:    moderation.Token{Access: c.api.token(user), Refresh: refreshToken}}
	c.api.onExpired = func(ctx context.Context, stale string) error { return c.refreshUser(ctx, stale) }
}

var _ moderation.TokenExpirer = (*Connector)(nil)

// Package vk is the VKontakte connector: it reads a community's comments,
// board posts and private messages through the Bots Long Poll (with a
// catch-up over the wall and boards after a restart or lost history), and
// deletes, restores and bans through the API (docs/platform-apis.md §1).
//
// It needs two tokens: a community token (long poll, board, messages) and a
// user token of a community admin (wall/photo/video/market comments, bans,
// wall reading). See README.md.
package vk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
)

// Network is the name the connector registers under.
const Network = "vk"

func init() { connectors.RegisterNetwork(Network, DefaultConfig, New) }

// Connector is one VK community. Fetch is called by one goroutine; the
// actions may run concurrently with it and with each other.
type Connector struct {
	cfg     Config
	account string
	log     *slog.Logger
	hc      *http.Client
	api     *client
	read    tokenKind // token for wall/board reads: service if configured, else user
	epoch   time.Time
	backfil bool

	fetchMu      sync.Mutex // one Fetch at a time; guards the fields below
	lp           lpServer   // current long-poll server, key and ts
	started      bool       // the first Fetch ran
	catchup      bool       // a catch-up is owed (restart, failed:3, lost history)
	seen         eventSet   // event_ids delivered, for dedup
	authors      authors    // names and managers
	ctx          contexts   // post and parent texts for the review cards
	selfID       int        // the user token's owner (bans by strazh itself)
	noExecute    bool       // VK refused our execute script: read one call at a time
	malformed    int        // malformed long-poll answers in a row
	gapFails     int        // failed catch-ups in a row of an owed gap
	gapRetry     time.Time  // when the owed catch-up is tried again
	gapTransient int        // transient catch-up failures in a row (see fetch)
	lastOut      []byte     // the cursor the last Fetch returned
	// caught holds the comment versions the last catch-up delivered, so the
	// same new comments coming again through the long poll are dropped.
	caught map[string]uint64
	// vkid refreshes a VK ID user token (nil: the user token does not
	// expire by time, or strazh was given no refresh token).
	vkid *refresher
	// report is a broken-credentials error found off the read path (the
	// user token in Connect or in a catch-up); the next Fetch returns it.
	report error
	// guardCh asks the account guard to check (GuardChanged, guard.go).
	guardCh chan struct{}
	// guardInit puts the newest stored VK ID token in use before the
	// guard's first call (strazh doctor calls without Connect).
	guardInit sync.Once

	life connectors.Lifetime // Close
}

// New builds a connector without I/O; it resolves the tokens.
func New(cfg *Config, deps connectors.Deps) (*Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("vk: %w", err)
	}
	var tokens [nTokens]string
	var errs []error
	var err error
	if tokens[community], err = secret.Resolve("community_token", cfg.CommunityTokenEnv, cfg.CommunityTokenFile); err != nil {
		errs = append(errs, err)
	}
	if cfg.UserTokenEnv != "" || cfg.UserTokenFile != "" {
		if tokens[user], err = secret.Resolve("user_token", cfg.UserTokenEnv, cfg.UserTokenFile); err != nil {
			errs = append(errs, err)
		}
	}
	if cfg.ServiceTokenEnv != "" || cfg.ServiceTokenFile != "" {
		if tokens[service], err = secret.Resolve("service_token", cfg.ServiceTokenEnv, cfg.ServiceTokenFile); err != nil {
			errs = append(errs, err)
		}
	}
	var refresh string
	if cfg.RefreshTokenEnv != "" || cfg.RefreshTokenFile != "" {
		if refresh, err = secret.Resolve("refresh_token", cfg.RefreshTokenEnv, cfg.RefreshTokenFile); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("vk: %w", errors.Join(errs...))
	}
	c := newConnector(cfg, deps, tokens)
	c.setupVKID(refresh, deps.Tokens)
	if deps.NoRenew && c.vkid != nil {
		c.vkid.noRenew = true // guard.go
	}
	return c, nil
}

// newConnector builds a connector from checked config and resolved tokens
// (tests use it to go past the limits Validate enforces).
func newConnector(cfg *Config, deps connectors.Deps, tokens [nTokens]string) *Connector {
	c := &Connector{
		cfg:     *cfg,
		account: deps.Account,
		log:     deps.Logger,
		hc:      deps.HTTPClient,
		epoch:   deps.Epoch,
		backfil: deps.Backfill,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With("network", Network, "account", c.account)
	if c.hc == nil {
		c.hc = sharedClient()
	}
	methodURL := cfg.APIURL
	if !strings.HasSuffix(methodURL, "/") {
		methodURL += "/"
	}
	rps := [nTokens]int{community: cfg.CommunityRPS, user: cfg.UserRPS, service: cfg.UserRPS}
	c.api = newClient(methodURL, c.hc, tokens, rps, cfg.RequestTimeout, cfg.RetryPolicy, deps.Limiters)
	c.read = user
	if tokens[service] != "" {
		c.read = service
	}
	c.seen = newEventSet(20000)
	c.authors = newAuthors()
	c.guardCh = make(chan struct{}, 1)
	return c
}

// Capabilities: VK can delete, restore, ban and unban.
func (c *Connector) Capabilities() moderation.Capabilities {
	return moderation.Capabilities{Delete: true, Ban: true, Unban: true, Restore: true}
}

// Connect switches on the long poll and its events, takes a long-poll
// server, loads the managers and checks the user token (learning its
// owner). Its error means reading is impossible (the community token is
// broken, say). A broken user token does not fail Connect, since reading
// needs only the community token: the next Fetch reports it once, wrapped
// in moderation.ErrCredentials, so the pipeline holds the actions and
// alerts, then Fetch reads on. Connect may be called again.
func (c *Connector) Connect(ctx context.Context) error {
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	if err := c.refreshServer(ctx, true); err != nil {
		return fmt.Errorf("vk: connect: %w", err)
	}
	if err := c.refreshManagers(ctx, true); err != nil {
		return fmt.Errorf("vk: connect: %w", err)
	}
	if err := c.startToken(ctx); err != nil {
		if moderation.Classify(err) != moderation.ClassCredentials {
			return fmt.Errorf("vk: connect: %w", err)
		}
		c.report = err // reading needs only the community token
	}
	if !c.api.has(user) {
		c.log.Warn("no user token: comments on the wall, photos, videos and market are decided and recorded, but not deleted or restored, and nobody is banned (do it by hand in VK); board posts and messages are deleted as usual")
		return nil
	}
	var me []struct {
		ID int `json:"id"`
	}
	switch err := c.api.call(ctx, user, "users.get", nil, &me); {
	case err == nil && len(me) > 0:
		c.selfID = me[0].ID
	case moderation.Classify(err) == moderation.ClassCredentials:
		if c.report == nil {
			c.report = fmt.Errorf("check user token: %w", err)
		}
	case err != nil:
		return fmt.Errorf("vk: connect: check user token: %w", err)
	}
	return nil
}

// Close stops the connector. It is idempotent; Fetch and the actions fail
// afterwards. (Idle connections belong to the shared pool.)
func (c *Connector) Close(ctx context.Context) error {
	c.life.Close()
	return nil
}

var errClosed = errors.New("connector closed")

// sharedClient is the HTTP client of every connector given none: one pool
// of connections to VK for all the daemon's pages, as http.DefaultClient is
// one per process. A transport per page kept each page's idle connections,
// with two goroutines and two buffers each. Request and long-poll timeouts
// are set per request (see client.call and check).
var sharedClient = sync.OnceValue(func() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr}
})

func (c *Connector) isClosed() bool { return c.life.Closed() }

// sleep waits d, or until ctx ends or the connector closes.
func (c *Connector) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.life.Done():
		return errClosed
	}
}

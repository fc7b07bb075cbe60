// Package ok is the Odnoklassniki connector: it polls a group's newest
// topics and their comments (OK has no push for group comments), deletes
// comments and blocks authors through the deletion (block_author). OK has
// no restore and no unblock. Facts and their confidence:
// docs/platform-apis.md §2; the unverified ones are in seams.go. See
// README.md.
package ok

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
)

// Network is the name the connector registers under.
const Network = "ok"

// requestTimeout bounds one API request.
const requestTimeout = 15 * time.Second

func init() { connectors.RegisterNetwork(Network, DefaultConfig, New) }

// Connector is one OK group. Fetch is called by one goroutine; the actions
// may run concurrently with it and with each other.
type Connector struct {
	cfg     Config
	gid     string
	account string
	manager map[string]bool // cfg.Managers
	log     *slog.Logger
	api     *client
	epoch   time.Time
	backfil bool

	fetchMu sync.Mutex // one Fetch at a time; guards next
	next    time.Time  // when the next poll cycle is due

	skipped atomic.Uint64 // topics passed over in a cycle (PostsSkipped)

	refMu sync.Mutex
	refs  map[string]string // author → a comment ref read (named when a ban cannot be placed)

	life connectors.Lifetime // Close
}

// New builds a connector without I/O; it resolves the secrets.
func New(cfg *Config, deps connectors.Deps) (*Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ok: %w", err)
	}
	appSecret, err1 := secret.Resolve("application_secret_key", cfg.ApplicationSecretKeyEnv, cfg.ApplicationSecretKeyFile)
	token, err2 := secret.Resolve("access_token", cfg.AccessTokenEnv, cfg.AccessTokenFile)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("ok: %w", err)
	}
	return newConnector(cfg, deps, appSecret, token, requestsPerSecond), nil
}

// newConnector builds a connector from a checked config and resolved
// secrets (tests lift the request rate).
func newConnector(cfg *Config, deps connectors.Deps, appSecret, token string, rps int) *Connector {
	c := &Connector{
		cfg:     *cfg,
		gid:     strconv.FormatInt(cfg.GroupID, 10),
		account: deps.Account,
		log:     deps.Logger,
		epoch:   deps.Epoch,
		backfil: deps.Backfill,
		refs:    map[string]string{},
		manager: map[string]bool{},
	}
	for _, id := range cfg.Managers {
		c.manager[id] = true
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With("network", Network, "account", c.account)
	hc := deps.HTTPClient
	if hc == nil {
		hc = sharedClient()
	}
	retry := moderation.RetryPolicy{InitialInterval: time.Second, MaxInterval: time.Minute}
	c.api = newClient(cfg.APIURL, hc, cfg.ApplicationKey, appSecret, token, rps, requestTimeout, retry)
	return c
}

// sharedClient is the HTTP client of every connector given none: one
// connection pool for all the daemon's OK pages.
var sharedClient = sync.OnceValue(func() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: tr}
})

// Capabilities: OK deletes, and blocks an author only while deleting one
// of their comments (block_author); it cannot restore a comment or lift a
// block through the API (§2.4).
func (c *Connector) Capabilities() moderation.Capabilities {
	return moderation.Capabilities{Delete: true, Ban: true}
}

// PollInterval is moderation.Poller: the pipeline starts a Fetch after an
// empty batch no sooner than this (±10%) after the last one started.
func (c *Connector) PollInterval() time.Duration { return c.cfg.PollInterval }

// Connect checks the token, the keys and the group with group.getInfo.
// Reading and acting use the same token, so a broken one fails Connect
// (moderation.ErrCredentials). It may be called again.
func (c *Connector) Connect(ctx context.Context) error {
	var info []struct {
		UID  okID   `json:"uid"`
		Name string `json:"name"`
	}
	p := map[string]string{"uids": c.gid, "fields": "uid,name"}
	if err := c.api.call(ctx, "group.getInfo", values(p), &info); err != nil {
		return fmt.Errorf("ok: connect: %w", err)
	}
	if len(info) == 0 {
		return fmt.Errorf("ok: connect: group %s not found: %w", c.gid, moderation.ErrCredentials)
	}
	return nil
}

// Close stops the connector. It is idempotent; Fetch and the actions fail
// afterwards.
func (c *Connector) Close(ctx context.Context) error {
	c.life.Close()
	return nil
}

var errClosed = errors.New("ok: connector closed")

func (c *Connector) isClosed() bool { return c.life.Closed() }

// PostsSkipped is how many times a topic's comments were passed over in a
// cycle, refused or unreadable; the daemon exports it as
// strazh_connector_posts_skipped_total.
func (c *Connector) PostsSkipped() uint64 { return c.skipped.Load() }

// sleepUntil waits until t, or until ctx ends or the connector closes.
func (c *Connector) sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.life.Done():
		return errClosed
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

var (
	_ moderation.Connector = (*Connector)(nil)
	_ moderation.Poller    = (*Connector)(nil)
)

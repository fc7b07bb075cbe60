// Package meta holds the Facebook Pages and Instagram connectors: one
// Graph API client (client.go), two networks registered as `facebook` and
// `instagram`. Both read the recent posts' (media's) comments by polling,
// take webhook deliveries on an optional listener (webhook.go) as the fast
// path, and either delete or hide what moderation removes (action_mode).
// Facebook blocks authors from the Page; Instagram cannot, so a ban there
// is strazh's own blacklist. Facts: docs/platform-apis.md §3–§4; see
// README.md.
package meta

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
)

// The networks the package registers.
const (
	Facebook  = "facebook"
	Instagram = "instagram"
)

// Kinds of moderated content.
const (
	KindPostComment  moderation.Kind = "post_comment"  // a comment or reply under a Page post
	KindMediaComment moderation.Kind = "media_comment" // a comment or reply under Instagram media
)

func init() {
	connectors.RegisterNetwork(Facebook, DefaultFacebookConfig, NewFacebook)
	connectors.RegisterNetwork(Instagram, DefaultInstagramConfig, NewInstagram)
}

// Connector is one Facebook Page or Instagram account. Fetch is called by
// one goroutine; the actions may run concurrently with it and each other.
type Connector struct {
	network string
	set     settings
	account string
	manager map[string]bool // settings.managers: exempt authors
	log     *slog.Logger
	api     *graph
	inbox   connectors.Inbox
	hub     *hub // nil: no webhooks

	fetchMu  sync.Mutex // one Fetch at a time; guards nextPoll and pageName
	nextPoll time.Time
	pageName string
	wake     chan struct{} // a webhook delivery was stored
	fetches  atomic.Int64  // Fetch calls begun (tests wait on it)
	timeWarn sync.Once     // a comment time that cannot be read was logged
	skipped  atomic.Uint64 // posts passed over in a cycle (PostsSkipped)

	life connectors.Lifetime
}

// NewFacebook builds a Facebook Page connector without I/O; it resolves
// the token (and the webhook's secrets).
func NewFacebook(cfg *FacebookConfig, deps connectors.Deps) (*Connector, error) {
	return newFromSettings(Facebook, cfg.settings(), deps)
}

// NewInstagram builds an Instagram connector without I/O.
func NewInstagram(cfg *InstagramConfig, deps connectors.Deps) (*Connector, error) {
	return newFromSettings(Instagram, cfg.settings(), deps)
}

func newFromSettings(network string, s settings, deps connectors.Deps) (*Connector, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", network, err)
	}
	tok, err := secret.Resolve("token", s.tokenEnv, s.tokenFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", network, err)
	}
	var hs hubSecrets
	if s.webhook.Listen != "" {
		if hs.appSecret, err = secret.Resolve("webhook.app_secret", s.webhook.AppSecretEnv, s.webhook.AppSecretFile); err != nil {
			return nil, fmt.Errorf("%s: %w", network, err)
		}
		if hs.verifyToken, err = secret.Resolve("webhook.verify_token", s.webhook.VerifyTokenEnv, s.webhook.VerifyTokenFile); err != nil {
			return nil, fmt.Errorf("%s: %w", network, err)
		}
	}
	return newConnector(network, s, deps, tok, hs)
}

// newConnector builds a connector from checked settings and resolved
// secrets (tests use it to go past the limits validate enforces).
func newConnector(network string, s settings, deps connectors.Deps, token string, hs hubSecrets) (*Connector, error) {
	hc := deps.HTTPClient
	if hc == nil {
		hc = sharedClient()
	}
	usage := deps.Limiters.Shared(token, "meta_usage", func() any { return new(usageState) }).(*usageState)
	lim := deps.Limiters.For(token, requestsPerSecond, time.Second)
	c := &Connector{
		network: network, set: s, account: deps.Account, log: deps.Logger,
		api:   newGraph(s.graphURL, s.version, hc, token, lim, usage, s.usageBackoff),
		inbox: deps.Inbox, wake: make(chan struct{}, 1), manager: map[string]bool{},
	}
	for _, id := range s.managers {
		c.manager[id] = true
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With("network", network, "account", c.account)
	if c.inbox == nil {
		c.inbox = newMemInbox()
	}
	if s.webhook.Listen != "" {
		h := deps.Limiters.Shared(s.webhook.Listen, "meta_webhook", func() any {
			return newHub(s.webhook, hs, c.log)
		}).(*hub)
		if err := h.attach(c, hs); err != nil {
			return nil, fmt.Errorf("%s: webhook: %w", network, err)
		}
		c.hub = h
	}
	return c, nil
}

// sharedClient is the HTTP client of every connector given none.
var sharedClient = sync.OnceValue(func() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: tr}
})

// Capabilities: a moderation "delete" deletes or hides (action_mode); a
// hidden comment can be restored (unhidden), a deleted one cannot.
// Facebook blocks authors from the Page; Instagram cannot block, so a
// ban is strazh's own blacklist (BanLocal). A Page block has no end date
// (BanNoEnd): the pipeline unblocks when a timed ban runs out.
func (c *Connector) Capabilities() moderation.Capabilities {
	caps := moderation.Capabilities{Delete: true, Ban: true, Unban: true, Restore: c.set.actionMode == ModeHide}
	if c.network == Instagram {
		caps.BanLocal = true
	} else {
		caps.BanNoEnd = true
	}
	return caps
}

// idlePause is the pipeline's pause after an empty batch. Fetch itself
// waits for the next poll (or a webhook delivery), so the pipeline's own
// pause is short: were it poll_interval, a delivery arriving after an
// empty poll would wait for the whole interval.
const idlePause = time.Second

// PollInterval is the pipeline's pause after an empty batch
// (moderation.Poller); the comments are read every poll_interval.
func (c *Connector) PollInterval() time.Duration { return min(idlePause, c.set.pollInterval) }

// Connect starts the webhook listener when one is configured, and checks
// the token by reading the page (account) itself.
func (c *Connector) Connect(ctx context.Context) error {
	if c.isClosed() {
		return errClosed
	}
	// The listener first: deliveries are stored even while the token is
	// broken, and decided once it works again.
	if c.hub != nil {
		if err := c.hub.start(); err != nil {
			return fmt.Errorf("%s: connect: webhook listener %s: %w", c.network, c.set.webhook.Listen, err)
		}
	}
	var me struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Username string `json:"username"`
	}
	fields := "id,name"
	if c.network == Instagram {
		fields = "id,username,name"
	}
	if err := c.api.get(ctx, c.set.id, fieldsQuery(fields), &me); err != nil {
		return fmt.Errorf("%s: connect: %w", c.network, err)
	}
	c.fetchMu.Lock()
	c.pageName = me.Name
	if c.pageName == "" {
		c.pageName = me.Username
	}
	c.fetchMu.Unlock()
	return nil
}

// Close stops the connector (and the webhook listener when it was the
// last account on it); it is idempotent.
func (c *Connector) Close(ctx context.Context) error {
	if c.life.Closed() {
		return nil
	}
	c.life.Close()
	if c.hub != nil {
		return c.hub.detach(ctx, c)
	}
	return nil
}

var errClosed = errors.New("meta: connector closed")

func (c *Connector) isClosed() bool { return c.life.Closed() }

// Usage is the share of Meta's limits the token used, per kind ("app",
// "pages", "instagram"), as the last answer's headers said; the daemon
// exports it as strazh_meta_usage_percent.
func (c *Connector) Usage() map[string]float64 { return c.api.usage.snapshot() }

// PostsSkipped is how many times a post's comments were passed over in a
// cycle, refused or unreadable; the daemon exports it as
// strazh_connector_posts_skipped_total.
func (c *Connector) PostsSkipped() uint64 { return c.skipped.Load() }

// WebhookStats are the counts of the account's webhook listener by
// result (accepted, duplicate, refused, unrouted, failed); "" when none.
func (c *Connector) WebhookStats() (listen string, counts map[string]uint64) {
	if c.hub == nil {
		return "", nil
	}
	return c.set.webhook.Listen, c.hub.stats()
}

// WebhookAddr is the listener's actual address (tests listen on :0).
func (c *Connector) WebhookAddr() string {
	if c.hub == nil {
		return ""
	}
	return c.hub.addr()
}

// Calls is how many Graph requests were sent (for measurements).
func (c *Connector) Calls() int64 { return c.api.Calls() }

var (
	_ moderation.Connector = (*Connector)(nil)
	_ moderation.Poller    = (*Connector)(nil)
	_ moderation.Committer = (*Connector)(nil)
)

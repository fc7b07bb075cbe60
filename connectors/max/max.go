// Package max is the MAX channel connector: it reads the comments under a
// channel's recent posts by polling each post (newest posts first, at most
// recent_posts a cycle), learns new posts from /updates, and deletes
// comments through the comments endpoint (docs/platform-apis.md §6). MAX
// cannot restore a deleted comment and has no documented way to ban a
// commenter: a ban puts the author on strazh's own blacklist, and their
// next comments are deleted on sight. See README.md.
package max

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

	"golang.org/x/time/rate"

	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/moderation"
)

// Network is the name the connector registers under.
const Network = "max"

// KindChannelComment is a comment under a MAX channel post.
const KindChannelComment moderation.Kind = "channel_comment"

// deleteEvery keeps MAX's 2 deletions per second per chat (§6.3,
// unverified), with a margin for network jitter.
const deleteEvery = 550 * time.Millisecond

func init() { connectors.RegisterNetwork(Network, DefaultConfig, New) }

// Connector is one MAX channel. Fetch is called by one goroutine; the
// actions may run concurrently with it and with each other.
type Connector struct {
	cfg     Config
	account string
	log     *slog.Logger
	api     *maxapi.Client
	delLim  *rate.Limiter

	fetchMu  sync.Mutex // one Fetch at a time; guards the fields below
	started  bool
	nextPoll time.Time         // when the comments are read next
	versions map[string]uint64 // comment mid → text version last seen, to notice edits
	noPush   bool              // MAX refused the comment_* update types
	anonWarn sync.Once         // a comment without its author was logged
	skipped  atomic.Uint64     // posts passed over in a cycle (PostsSkipped)

	mu       sync.Mutex // guards admins, adminsAt, botID
	adminsAt time.Time
	botID    int64
	admins   map[int64]bool
	wake     chan struct{} // ends a waiting /updates poll early

	life connectors.Lifetime // Close
}

// New builds a connector without I/O; it resolves the token.
func New(cfg *Config, deps connectors.Deps) (*Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("max: %w", err)
	}
	tok, err := secret.Resolve("token", cfg.TokenEnv, cfg.TokenFile)
	if err != nil {
		return nil, fmt.Errorf("max: %w", err)
	}
	return newConnector(cfg, deps, tok)
}

// newConnector builds a connector from a checked config (tests use it to
// go past the limits Validate enforces).
func newConnector(cfg *Config, deps connectors.Deps, token string) (*Connector, error) {
	hc := deps.HTTPClient
	if hc == nil {
		hc = sharedClient()
	}
	api, err := maxapi.New(cfg.APIURL, token, maxapi.Options{HTTPClient: hc})
	if err != nil {
		return nil, fmt.Errorf("max: %w", err)
	}
	c := &Connector{
		cfg: *cfg, account: deps.Account, log: deps.Logger, api: api,
		delLim:   rate.NewLimiter(rate.Every(deleteEvery), 1),
		versions: map[string]uint64{},
		wake:     make(chan struct{}, 1),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With("network", Network, "account", c.account)
	return c, nil
}

// sharedClient is the HTTP client of every connector given none.
var sharedClient = sync.OnceValue(func() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: tr}
})

// Capabilities: MAX deletes; it cannot restore. Ban and unban are
// strazh's own blacklist (see banInNetwork).
func (c *Connector) Capabilities() moderation.Capabilities {
	return moderation.Capabilities{Delete: true, Ban: true, Unban: true, Restore: false, BanLocal: true}
}

// PollInterval is how often the comments are read (moderation.Poller).
func (c *Connector) PollInterval() time.Duration { return c.cfg.PollInterval }

// Connect checks the token (GET /me) and loads the channel's admins, whose
// comments are never moderated.
func (c *Connector) Connect(ctx context.Context) error {
	me, err := c.api.Me(ctx)
	if err != nil {
		return fmt.Errorf("max: connect: %w", maxapi.Classed(err))
	}
	c.mu.Lock()
	c.botID = me.UserID
	c.mu.Unlock()
	if err := c.refreshAdmins(ctx); err != nil {
		return fmt.Errorf("max: connect: %w", err)
	}
	return nil
}

// adminsRefresh is how often the list of admins is reloaded.
const adminsRefresh = 10 * time.Minute

func (c *Connector) refreshAdmins(ctx context.Context) error {
	list, err := c.api.ChatAdmins(ctx, c.cfg.ChannelID)
	if err != nil {
		return fmt.Errorf("admins: %w", maxapi.Classed(err))
	}
	m := make(map[int64]bool, len(list))
	for _, u := range list {
		m[u.UserID] = true
	}
	c.mu.Lock()
	c.admins, c.adminsAt = m, time.Now()
	c.mu.Unlock()
	return nil
}

// Close stops the connector; it is idempotent.
func (c *Connector) Close(ctx context.Context) error {
	c.life.Close()
	return nil
}

var errClosed = errors.New("max: connector closed")

func (c *Connector) isClosed() bool { return c.life.Closed() }

// PostsSkipped is how many times a post's comments were passed over in a
// cycle, refused or unreadable; the daemon exports it as
// strazh_connector_posts_skipped_total.
func (c *Connector) PostsSkipped() uint64 { return c.skipped.Load() }

// author builds the moderation author of a comment.
func (c *Connector) author(m *maxapi.Message) moderation.Author {
	u := maxapi.CommentAuthor(m)
	if u == nil {
		// No author given (the field is unverified, §6.5): moderated like
		// anyone's, never taken for the channel's own and exempt, which
		// would moderate nothing if MAX names the author elsewhere. No ban
		// can name such an author (the pipeline skips an empty id).
		c.anonWarn.Do(func() {
			c.log.Warn("a comment came without its author (sender); it is moderated, but its author cannot be banned or exempted", "comment_id", m.Body.Mid)
		})
		return moderation.Author{}
	}
	c.mu.Lock()
	admin, bot := c.admins[u.UserID], u.UserID == c.botID && c.botID != 0
	c.mu.Unlock()
	a := moderation.Author{ID: strconv.FormatInt(u.UserID, 10), Name: u.DisplayName(), IsManager: admin, IsPage: bot}
	if u.Username != "" {
		a.ProfileURL = "https://max.ru/" + u.Username
	}
	return a
}

var _ moderation.Connector = (*Connector)(nil)

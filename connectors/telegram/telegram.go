// Package telegram is the Telegram connector: it moderates the comments of
// a channel, which live in the channel's linked discussion supergroup,
// through a bot that is an admin of that group (docs/platform-apis.md §5.5).
// It reads message and edited_message updates with getUpdates (and the
// channel's own posts, for the publication cadence), deletes with
// deleteMessage and bans with banChatMember, restrictChatMember or
// banChatSenderChat. Telegram keeps no history for bots and cannot restore
// a deleted message. See README.md.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
)

// Network is the name the connector registers under.
const Network = "telegram"

func init() { connectors.RegisterNetwork(Network, DefaultConfig, New) }

// confirmDelay is how long an offset handed to the pipeline waits, from
// the pipeline's next Fetch (the batch is queued then), before a
// getUpdates confirms it to Telegram. The pipeline reads ahead of its
// commits (the next Fetch comes before the batch is stored), and a
// confirmed update is gone from Telegram: confirming at once would lose a
// batch on a crash before its commit. Commits take milliseconds; this is
// the margin.
const confirmDelay = 5 * time.Second

// Connector is one channel's discussion group. Fetch is called by one
// goroutine; the actions may run concurrently with it and each other.
type Connector struct {
	cfg     Config
	account string
	log     *slog.Logger
	api     *client
	epoch   time.Time
	backfil bool
	now     func() time.Time
	// confirm is confirmDelay (tests shorten it).
	confirm time.Duration

	mu     sync.Mutex // guards admins and the fields of Fetch below
	admins admins

	// Fetch's state.
	started   bool
	handed    int64     // next update_id the pipeline has not been given
	confirmed int64     // offset last sent to Telegram (everything before is gone there)
	pending   []handout // offsets handed out, not yet confirmable
	// restartBase is the first update_id after Telegram restarted its ids
	// (noteRestart); 0 while it has not.
	restartBase int64
	// committed: the pipeline reports its commits (Committed), so offsets
	// are confirmed from those and the confirmDelay margin is not needed.
	committed bool
	posts     posts // thread roots: forwards of the channel's posts
	botID     int64
	// sink stores the channel's own posts as they arrive (RecordPosts; nil:
	// not counted); since is when this account began to be counted
	// (cursor), set by the first Fetch.
	sink  postStore
	since time.Time

	life connectors.Lifetime // Close
}

// handout is an offset given to the pipeline in a cursor, and when its
// margin started (zero: not yet, the pipeline has not come back for more).
type handout struct {
	offset int64
	at     time.Time
	bare   bool // skipped updates only: nothing for the pipeline to store
}

// New builds a connector without I/O; it resolves the token.
func New(cfg *Config, deps connectors.Deps) (*Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	token, err := secret.Resolve("token", cfg.TokenEnv, cfg.TokenFile)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	return newConnector(cfg, deps, token), nil
}

// newConnector builds a connector from a checked config and its token.
func newConnector(cfg *Config, deps connectors.Deps, token string) *Connector {
	c := &Connector{
		cfg:     *cfg,
		account: deps.Account,
		log:     deps.Logger,
		epoch:   deps.Epoch,
		backfil: deps.Backfill,
		now:     time.Now,
		confirm: confirmDelay,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With("network", Network, "account", c.account)
	hc := deps.HTTPClient
	if hc == nil {
		hc = sharedClient()
	}
	c.api = newClient(cfg.APIURL, token, hc, cfg.RequestTimeout)
	return c
}

// sharedClient is the HTTP client of every connector given none.
var sharedClient = sync.OnceValue(func() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &http.Client{Transport: tr}
})

// Capabilities: Telegram deletes, bans and unbans; a deleted message
// cannot come back. A chat posting as itself is banned only for good
// (banChatSenderChat has no term), so strazh lifts a timed ban when it
// runs out (BanNoEnd); for a user, whose ban Telegram ends by itself, that
// unban finds nothing to do.
func (c *Connector) Capabilities() moderation.Capabilities {
	return moderation.Capabilities{Delete: true, Ban: true, Unban: true, BanNoEnd: true}
}

// Connect checks the token (getMe) and loads the admins of the group (and
// of the channel, where the bot may see them). It may be called again.
func (c *Connector) Connect(ctx context.Context) error {
	if c.isClosed() {
		return errClosed
	}
	var me struct {
		ID int64 `json:"id"`
	}
	if err := c.api.call(ctx, "getMe", nil, &me, 0); err != nil {
		return fmt.Errorf("telegram: connect: %w", err)
	}
	c.mu.Lock()
	c.botID = me.ID
	c.mu.Unlock()
	if err := c.refreshAdmins(ctx, true); err != nil {
		return fmt.Errorf("telegram: connect: %w", err)
	}
	return nil
}

// Close stops the connector; it is idempotent.
func (c *Connector) Close(ctx context.Context) error {
	c.life.Close()
	return nil
}

var errClosed = errors.New("telegram: connector closed")

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

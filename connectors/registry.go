// Package connectors holds the registry of network adapters. Each adapter
// (connectors/vk, connectors/sim, ...) registers itself from init; the binary
// blank-imports them. Nothing here does I/O.
package connectors

import (
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Config is a connector's own part of an account's YAML mapping: a pointer
// to a struct with yaml tags (snake_case), filled with defaults by
// Factory.Config. The loader decodes the account's keys into it strictly
// (an unknown key is an error naming file and line).
type Config interface {
	// Validate checks the values; problem texts name the key
	// ("group_id: must be > 0") and are joined with errors.Join. Secrets are
	// not read here.
	Validate() error
}

// Paged is a Config that says which page it moderates: the YAML key that
// names it and its value ("group_id", "123"; "" when not set). The loader
// refuses one page configured twice on a network, under two names: every
// comment would be decided twice.
type Paged interface {
	Page() (key, id string)
}

// ShortestBan is a Config whose network does not place a ban this short
// or shorter (the connector records it skipped, with why): the loader warns
// on a ban.duration at or under it, which would ban nobody.
type ShortestBan interface {
	ShortestBan() time.Duration
}

// Deps is what the wiring gives a connector.
type Deps struct {
	Account string // the account's configured name
	// Logger is the daemon's; the connector adds its network and account.
	Logger *slog.Logger
	// HTTPClient to use for every request (tests and the demo point it at
	// fakes); nil means a client with sensible timeouts.
	HTTPClient *http.Client
	// Epoch: comments created before it are not moderated unless Backfill.
	Epoch    time.Time
	Backfill bool
	// Tokens keeps tokens the connector renews itself (VK ID refresh);
	// nil: they live in memory only, and a restart starts again from the
	// configured ones.
	Tokens moderation.TokenStore
	// NoRenew: never renew a credential (strazh doctor where it cannot
	// store the result: a VK ID refresh token works once, and spending it
	// would leave the daemon with a dead one). A token that would need
	// renewing is then reported broken.
	NoRenew bool
	// Limiters are the daemon's rate limits per credential, shared by all
	// its connectors (nil: each connector limits its own requests).
	Limiters *Limiters
	// Inbox keeps pushed deliveries (webhooks) until they are decided; nil:
	// a connector that needs one keeps them in memory only.
	Inbox Inbox
}

// Factory builds one network's connectors.
type Factory struct {
	// Config returns a new config holding the defaults.
	Config func() Config
	// New builds a connector without I/O: secrets are resolved here (a
	// missing one is an error), the network is first touched in Connect.
	New func(cfg Config, deps Deps) (moderation.Connector, error)
}

var (
	mu        sync.RWMutex
	factories = map[string]Factory{}
)

// RegisterNetwork registers a network whose configuration is a T made by
// def and whose connector newConn builds from it: the Factory without the
// type assertion every network would write.
func RegisterNetwork[T Config, C moderation.Connector](name string, def func() T, newConn func(T, Deps) (C, error)) {
	Register(name, Factory{
		Config: func() Config { return def() },
		New: func(cfg Config, deps Deps) (moderation.Connector, error) {
			c, ok := cfg.(T)
			if !ok {
				return nil, fmt.Errorf("%s: config is %T, want %T", name, cfg, def())
			}
			conn, err := newConn(c, deps)
			if err != nil {
				return nil, err // not a typed nil in the interface
			}
			return conn, nil
		},
	})
}

// Register makes a network available under name; it panics on a duplicate,
// which is a programming error found at start-up.
func Register(name string, f Factory) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := factories[name]; dup {
		panic(fmt.Sprintf("connectors: %q registered twice", name))
	}
	if f.Config == nil || f.New == nil {
		panic(fmt.Sprintf("connectors: %q registered without Config or New", name))
	}
	factories[name] = f
}

// Lookup returns the factory of a network.
func Lookup(name string) (Factory, bool) {
	mu.RLock()
	defer mu.RUnlock()
	f, ok := factories[name]
	return f, ok
}

// Names lists the registered networks, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(factories))
	for n := range factories {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

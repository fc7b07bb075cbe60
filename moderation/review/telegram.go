// Package review is the reviewer of a messenger's review chat (Telegram,
// MAX): it shows comments that need a human as cards with one-tap
// decisions in a private chat, reports automatic actions with a
// «Восстановить» button, and answers a few commands. It implements
// moderation.Reviewer and consumes the pipeline through the Moderation
// interface declared here. One Reviewer logic runs over a small transport
// (transport.go) per messenger; Fanout runs several channels at once.
//
// Everything it has to send goes through a durable outbox (CardStore), so
// the pipeline never waits for the messenger, a restart loses nothing, and
// cards go out in order once the messenger is reachable again.
package review

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// Moderation is what the reviewer needs from the pipeline
// (*pipeline.Pipeline implements it).
type Moderation interface {
	// Resolve applies a human's decision to a pending review and carries out
	// its actions once, returning the updated decision. A second call for
	// the same decision returns moderation.ErrAlreadyDecided (wrapped) and
	// the decision as decided.
	Resolve(ctx context.Context, id uint64, v moderation.Verdict, banFor time.Duration, by, byName string) (*moderation.Decision, error)
	// Undo reverses an automatic delete/ban (ErrAlreadyDecided if undone).
	Undo(ctx context.Context, id uint64, by, byName string) (*moderation.Decision, error)
	// Retry runs the decision's failed actions again.
	Retry(ctx context.Context, id uint64, by string) (*moderation.Decision, error)
	// Unban lifts a ban of author on every account of network; returns how
	// many accounts.
	Unban(ctx context.Context, network, author, by string) (int, error)
	Pause(by string)
	Resume(by string)
	Paused() bool
	Decision(id uint64) (*moderation.Decision, error)
	PendingReviews() ([]*moderation.Decision, error) // oldest first
	Stats(since time.Time) (moderation.Stats, error)
}

// CardStore keeps the reviewer's durable state (cardstore.Store: cards and
// their callback keys, the outbox, the getUpdates offset, the digest).
type CardStore = cardstore.Store

// ViolationCounter answers how often an author broke the rules on an
// account (moderation.History implements it).
type ViolationCounter interface {
	Violations(account, author string, since time.Time) int
}

// Timing holds the intervals that are not configuration; zero fields take
// the defaults. Tests shorten them.
type Timing struct {
	PollTimeout time.Duration // getUpdates long poll; default 50s
	Tick        time.Duration // how often reminders, time-outs, digests and the appeal cards the store queued are checked; default 30s
	PerMinute   int           // messages per Window to the chat; default the messenger's (Telegram: 18, it allows 20 a minute)
	Window      time.Duration // the pacing window; default the messenger's (1m)
	MinGap      time.Duration // between two messages; default the messenger's (Telegram: 1s)
	// Retry is the back-off while Telegram fails (the one policy of
	// strazh, jittered); default 1s to 1m. MaxRetries does not apply:
	// nothing is given up, the outbox waits until Telegram answers.
	Retry         moderation.RetryPolicy
	CallTimeout   time.Duration // one Bot API call; default 15s
	ActionTimeout time.Duration // one Resolve/Undo/Retry/Unban; default 2m
	GroupNotices  int           // queued notices merged into one message from this many; default 3
}

func (t *Timing) setDefaults(l limits) {
	def := func(p *time.Duration, v time.Duration) {
		if *p <= 0 {
			*p = v
		}
	}
	def(&t.PollTimeout, 50*time.Second)
	def(&t.Tick, 30*time.Second)
	def(&t.MinGap, l.minGap)
	def(&t.Window, l.window)
	def(&t.Retry.InitialInterval, time.Second)
	def(&t.Retry.MaxInterval, time.Minute)
	def(&t.CallTimeout, 15*time.Second)
	def(&t.ActionTimeout, 2*time.Minute)
	if t.PerMinute <= 0 {
		t.PerMinute = l.perWindow
	}
	if t.GroupNotices <= 1 {
		t.GroupNotices = 3
	}
}

// Deps are the reviewer's collaborators.
type Deps struct {
	Moderation Moderation // required
	Store      CardStore  // required
	// History, when set, gives the author's prior violations on a card.
	History ViolationCounter
	Logger  *slog.Logger // default: discard; the reviewer adds component=<channel>
	// HTTPClient talks to the bot API; default: a client with no overall
	// timeout (each call carries its own deadline).
	HTTPClient *http.Client
	Now        func() time.Time // default time.Now
	Location   *time.Location   // for times on cards; default time.Local
	Timing     Timing
	// Metrics, when set, gets the reviewer's metrics (cards unsent, cards
	// waiting); nil keeps them unregistered.
	Metrics prometheus.Registerer
	// Capabilities, when set, says what an account's network can do, so
	// «Восстановить» is not offered where nothing can be undone (OK: no
	// restore, no unblock); nil offers it everywhere.
	Capabilities func(account string) moderation.Capabilities
}

// Reviewer is a review chat in one messenger. Create it with New
// (Telegram) or NewMAX, start it with Run.
type Reviewer struct {
	cfg        Config
	tr         transport
	tx         *texts
	mods       map[int64]bool
	mod        Moderation
	store      CardStore
	hist       ViolationCounter
	log        *slog.Logger
	client     *http.Client
	secret     string // the token, kept out of error texts
	now        func() time.Time
	loc        *time.Location
	tm         Timing
	lim        limits
	metrics    *metrics
	metricsReg prometheus.Registerer
	health     health // the channel's state (health.go)
	// pauseUntil: a timed /pause ends then (unix ns; 0: none, or untimed).
	pauseUntil atomic.Int64
	caps       func(account string) moderation.Capabilities
	posts      postsHook // the pages' posts per week in /stats (cadence.go)

	// receive gets taps and commands until ctx ends (nil: pollLoop); an
	// error is fatal (a webhook address that cannot be listened on).
	receive func(ctx context.Context) error

	wake chan struct{} // pokes the sender
	// cardMu serialises read-modify-write of cards between Submit, the
	// sender, the update handler and the timers.
	cardMu sync.Mutex

	appeals *AppealDesk // the «Обращение» cards, when attached (appeals.go)
}

// Telegram is the Telegram reviewer (the name before MAX existed).
type Telegram = Reviewer

// New checks the configuration and prepares the Telegram reviewer; it
// does no I/O beyond reading the token from the environment or its file.
func New(cfg Config, deps Deps) (*Reviewer, error) {
	token, err := prepare(cfg.Validate(), deps, cfg.TokenEnv, cfg.TokenFile, "telegram.")
	if err != nil {
		return nil, err
	}
	t := newReviewer(cfg, token, deps, tgLimits)
	tr, err := newTGTransport(cfg, token, t.client, &t.tm, t.log)
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	t.setTransport(tr)
	return t, nil
}

// prepare checks what every channel's constructor checks (the config's
// own validation result, the required deps) and reads the token; prefix
// names the section in the error ("telegram.").
func prepare(invalid error, deps Deps, env, file, prefix string) (string, error) {
	if invalid != nil {
		return "", invalid
	}
	if deps.Moderation == nil || deps.Store == nil {
		return "", errors.New("review: Moderation and Store are required")
	}
	token, err := secret.Resolve("token", env, file)
	if err != nil {
		return "", fmt.Errorf("%s%w", prefix, err)
	}
	return token, nil
}

// newReviewer fills what every channel shares; setTransport completes it.
func newReviewer(cfg Config, token string, deps Deps, lim limits) *Reviewer {
	t := &Reviewer{
		cfg:    cfg,
		tx:     ru,
		mods:   make(map[int64]bool),
		mod:    deps.Moderation,
		store:  deps.Store,
		hist:   deps.History,
		log:    deps.Logger,
		client: deps.HTTPClient,
		secret: token,
		now:    deps.Now,
		loc:    deps.Location,
		tm:     deps.Timing,
		caps:   deps.Capabilities,
		wake:   make(chan struct{}, 1),
	}
	if cfg.Language == LangEN {
		t.tx = en
	}
	for _, id := range cfg.Moderators {
		t.mods[id] = true
	}
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	if t.client == nil {
		t.client = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if t.now == nil {
		t.now = time.Now
	}
	if t.loc == nil {
		t.loc = time.Local
	}
	t.metricsReg = deps.Metrics
	t.lim = lim
	t.tm.setDefaults(lim)
	return t
}

// setTransport attaches the messenger: its name is the metric label and
// the log component.
func (t *Reviewer) setTransport(tr transport) {
	t.tr = tr
	t.log = t.log.With("component", tr.channel())
	t.metrics = newMetrics(t.metricsReg, t)
	t.health.onChange = func(up bool) {
		v := 0.0
		if up {
			v = 1
		}
		t.metrics.up.WithLabelValues(tr.channel()).Set(v)
	}
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// newKey returns a short random card key (10 base32 characters, 50 bits).
func newKey() string { return rand.Text()[:10] }

// poke wakes the sender without blocking.
func (t *Reviewer) poke() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// Submit queues a review card for a decision that is durably pending. It
// only writes to the store; the card is sent by Run. Submitting the same
// decision twice queues one card.
func (t *Reviewer) Submit(ctx context.Context, d *moderation.Decision) error {
	t.cardMu.Lock()
	defer t.cardMu.Unlock()
	if c, err := t.store.CardFor(d.ID); err == nil && c.Kind == cardstore.KindReview {
		return nil
	} else if err != nil && !errors.Is(err, moderation.ErrNotFound) {
		return fmt.Errorf("review: submit decision %d: %w", d.ID, err)
	}
	c := &cardstore.Card{Key: newKey(), Kind: cardstore.KindReview, Decisions: []uint64{d.ID},
		ChatID: t.cfg.ChatID, Created: t.now(), Open: true}
	err := t.store.Apply(cardstore.Change{Put: []*cardstore.Card{c}, Enqueue: []*cardstore.Outgoing{{
		Prio: cardstore.PrioReview, Op: cardstore.OpSend, Card: c.Key, ChatID: t.cfg.ChatID, Created: c.Created}}})
	if err != nil {
		return fmt.Errorf("review: submit decision %d: %w", d.ID, err)
	}
	t.poke()
	return nil
}

// Notify reports an automatic action: at once (notify_auto: each), in the
// next digest (digest) or not at all (off). It only writes to the store.
func (t *Reviewer) Notify(ctx context.Context, d *moderation.Decision) error {
	var ch cardstore.Change
	switch t.cfg.NotifyAuto {
	case NotifyOff:
		return nil
	case NotifyDigest:
		ch.DigestAdd = []uint64{d.ID}
	default:
		t.cardMu.Lock()
		defer t.cardMu.Unlock()
		if c, err := t.store.CardFor(d.ID); err == nil && c.Kind != cardstore.KindReview {
			return nil // already reported
		}
		c := &cardstore.Card{Key: newKey(), Kind: cardstore.KindNotice, Decisions: []uint64{d.ID},
			ChatID: t.cfg.ChatID, Created: t.now()}
		ch.Put = []*cardstore.Card{c}
		ch.Enqueue = []*cardstore.Outgoing{{Prio: cardstore.PrioNotice, Op: cardstore.OpSend,
			Card: c.Key, ChatID: t.cfg.ChatID, Created: c.Created}}
	}
	if err := t.store.Apply(ch); err != nil {
		return fmt.Errorf("review: notify decision %d: %w", d.ID, err)
	}
	t.poke()
	return nil
}

// Run sends the outbox, polls for taps and commands, and applies reminders,
// time-outs and digests until ctx is done. It owns its goroutines and
// returns after all of them stopped; the messenger being unreachable is not an
// error (it retries with back-off), so Run returns nil when ctx ends (an
// error only when a webhook's address cannot be listened on).
func (t *Reviewer) Run(ctx context.Context) error {
	defer t.client.CloseIdleConnections()
	if err := t.reconcile(); err != nil {
		t.log.Warn("reconcile pending reviews", "err", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	receive := t.receive
	if receive == nil {
		receive = func(ctx context.Context) error { t.pollLoop(ctx); return nil }
	}
	var wg sync.WaitGroup
	var failed error
	wg.Go(func() {
		if failed = receive(ctx); failed != nil {
			cancel()
		}
	})
	for _, loop := range []func(context.Context){t.sendLoop, t.tickLoop} {
		wg.Go(func() { loop(ctx) })
	}
	wg.Wait()
	return failed
}

// reconcile queues a card for every pending review that has none (a review
// submitted while strazh was wired without this channel, or lost by a crash
// between the pipeline's commit and Submit).
func (t *Reviewer) reconcile() error {
	ds, err := t.mod.PendingReviews()
	if err != nil {
		return err
	}
	for _, d := range ds {
		if err := t.Submit(context.Background(), d); err != nil {
			return err
		}
	}
	return nil
}

// by is the audit identity of a user of this channel ("telegram:77").
func (t *Reviewer) by(id int64) string { return fmt.Sprintf("%s:%d", t.tr.channel(), id) }

func (t *Reviewer) isModerator(id int64) bool { return t.mods[id] }

// sleep waits d or until ctx is done; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

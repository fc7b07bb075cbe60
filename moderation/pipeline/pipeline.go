package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/strazh/strazh/moderation"
)

// BanDefaults is how an account bans when a rule or a moderator does not say.
type BanDefaults struct {
	Duration time.Duration // 0: forever
	Comment  string        // text shown to the banned user where the network allows
	Visible  bool          // show Comment to the user
}

// Account is one configured account with its connector.
type Account struct {
	Name     string
	Network  string
	Conn     moderation.Connector
	Backfill bool // moderate comments created before the first start too
	Ban      BanDefaults
	// BanDistrict (ban_scope: district): every ban decided on this page,
	// by a rule or a moderator, is carried to every page of its network.
	BanDistrict bool
}

// Options configure a Pipeline. Store and at least one account are required.
type Options struct {
	Store    moderation.Store
	Reviewer moderation.Reviewer // nil: reviews wait in the store for `strazh review`
	Logger   *slog.Logger
	Metrics  *Metrics // nil: not exported
	DryRun   bool     // decide and record, act on nothing
	// QueueSize is how many fetched batches may wait per account before the
	// reader stops asking the network for more (back-pressure). Default 4.
	QueueSize int
	Retry     moderation.RetryPolicy
	// CredentialsRecheck is how long actions of an account with broken
	// credentials wait before trying again. Default 1 minute.
	CredentialsRecheck time.Duration
	// RescanEvery is how often pending actions are looked for in the store
	// (failed retries, resolved reviews from the CLI). Default 1 minute.
	RescanEvery time.Duration
	// ShutdownGrace bounds how long in-flight actions may take after the
	// context ends; what is not done stays pending for the next start.
	ShutdownGrace time.Duration
	// PollInterval is how long after the start of a Fetch that returned
	// nothing the reader asks again, for connectors that declare no interval
	// of their own (moderation.Poller); ±10% jitter. Default 1 second.
	PollInterval time.Duration
	// HistoryWindow is how far back author and duplicate history reaches.
	HistoryWindow time.Duration
	Now           func() time.Time
	// OnDecision, if set, sees every decision once recorded and again after
	// its actions ran (the demo's live view). It must not block.
	OnDecision func(*moderation.Decision)
	// Learner, if set, sees every decision a human resolved or undid (the
	// page's model learns from them), and every delete the page's model
	// confirmed (model.confirm.*). It must not block for long.
	Learner Learner
	// Appeals tracks citizens' appeals (appeals.go); a nil Store: off.
	Appeals AppealOptions
}

// Learner takes a moderator's decisions as examples for the page's model.
type Learner interface {
	Record(d *moderation.Decision) error
}

// exampleKeeper is a store that can keep a decision's example in the
// decision's own transaction (moderation/store), so a crash between the
// decision and Learner.Record loses no example.
type exampleKeeper interface {
	KeepExamples(on bool)
}

// Pipeline reads every account, decides with the rule engine, records the
// decision, acts and hands doubtful cases to a human.
type Pipeline struct {
	opts     Options
	store    moderation.Store
	log      *slog.Logger
	metrics  *Metrics
	engine   atomic.Pointer[engineBox]
	history  *MemoryHistory
	toCarry  []uint64 // moderators' district bans seen by loadHistory
	accounts map[string]*accountRun
	order    []string
	paused   atomic.Bool
	// retention is how long the store keeps decisions (0: for ever);
	// older comments are not decided (horizon.go).
	retention time.Duration
	pause     pauseKeeper // pause.go
	now       func() time.Time

	inflightMu sync.Mutex
	inflight   map[uint64]chan struct{} // decisions whose actions are running

	// workCtx is for actions and the reviewer; it outlives Run's ctx by
	// ShutdownGrace. Made in New so Resolve may run before Run starts.
	workCtx    context.Context
	cancelWork context.CancelFunc
	dryRun     atomic.Bool

	// runCtx is Run's context, for the deciders and actors started on
	// demand (by a fetched batch, a decision, a timer, Resume); set once
	// when Run starts.
	runCtx   atomic.Pointer[context.Context]
	deciders lazyGroup
	actors   lazyGroup

	appeals appeals // citizens' appeals (appeals.go)
}

type engineBox struct{ e moderation.Evaluator }

type accountRun struct {
	Account
	queue   chan batch
	actions chan uint64
	// readBroken: fetching says the credentials are broken (cleared by the
	// next good fetch); actBroken: an action did (cleared by the next good
	// action, and it holds the account's actions meanwhile).
	readBroken atomic.Bool
	actBroken  atomic.Bool
	behind     atomic.Bool // a notification did not fit: rescan the store
	recent     recentSet
	// deciding and acting: the account's decider or actor goroutine runs
	// (each is started on demand and ends when its work is done);
	// rescanDue: the actor is to look for pending actions in the store.
	deciding  atomic.Bool
	acting    atomic.Bool
	rescanDue atomic.Bool

	// districtNext: decisions of the batch being decided whose rule asked
	// for a district ban (only the account's decider touches it).
	districtNext []*moderation.Decision
	// tooOld counts the batch's comments older than the retention
	// (horizon.go; only the account's decider touches it).
	tooOld int

	deferMu  sync.Mutex
	deferred map[uint64]time.Time // decisions whose next try waits for a network limit

	bans *localBans // non-nil when the network cannot ban (Capabilities.BanLocal)
}

type batch struct {
	updates []moderation.Update
	cursor  []byte
}

// New checks the options and builds a pipeline; it does no I/O.
func New(opts Options, engine moderation.Evaluator, accounts []Account) (*Pipeline, error) {
	if opts.Store == nil {
		return nil, errors.New("moderation: no store")
	}
	if engine == nil {
		return nil, errors.New("moderation: no rule engine")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if k, ok := opts.Store.(exampleKeeper); ok && opts.Learner != nil {
		k.KeepExamples(true)
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(nil, "")
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 4
	}
	if opts.Retry == (moderation.RetryPolicy{}) {
		opts.Retry = moderation.DefaultRetryPolicy()
	}
	if opts.CredentialsRecheck <= 0 {
		opts.CredentialsRecheck = time.Minute
	}
	if opts.RescanEvery <= 0 {
		opts.RescanEvery = time.Minute
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 10 * time.Second
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.HistoryWindow <= 0 {
		opts.HistoryWindow = 30 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &Pipeline{
		opts:     opts,
		store:    opts.Store,
		log:      opts.Logger,
		metrics:  opts.Metrics,
		history:  NewMemoryHistory(opts.HistoryWindow),
		accounts: make(map[string]*accountRun, len(accounts)),
		now:      opts.Now,
		inflight: make(map[uint64]chan struct{}),
	}
	if r, ok := opts.Store.(retainer); ok {
		p.retention = r.Retention()
	}
	opts.Appeals.setDefaults()
	p.appeals.opts = opts.Appeals
	p.workCtx, p.cancelWork = context.WithCancel(context.Background())
	p.dryRun.Store(opts.DryRun)
	p.engine.Store(&engineBox{engine})
	for _, a := range accounts {
		if a.Name == "" || a.Conn == nil {
			return nil, fmt.Errorf("moderation: account %q: name and connector are required", a.Name)
		}
		if _, dup := p.accounts[a.Name]; dup {
			return nil, fmt.Errorf("moderation: account %q configured twice", a.Name)
		}
		ar := &accountRun{
			Account: a,
			queue:   make(chan batch, opts.QueueSize),
			actions: make(chan uint64, 256),
			recent:  newRecentSet(1 << 15),
		}
		if a.Conn.Capabilities().BanLocal {
			ar.bans = &localBans{}
		}
		p.accounts[a.Name] = ar
		p.order = append(p.order, a.Name)
		p.initSeries(a.Name)
	}
	return p, nil
}

// initSeries creates an account's series at zero, so that alerts on
// increases see the first failure after a start.
func (p *Pipeline) initSeries(account string) {
	m := p.metrics
	for v := moderation.Allow; v <= moderation.Ban; v++ {
		m.Processed.WithLabelValues(account, v.String())
	}
	for _, act := range []moderation.ActionType{moderation.ActDelete, moderation.ActBan, moderation.ActUnban, moderation.ActRestore} {
		for _, o := range []string{OutcomeDone, OutcomeFailed, OutcomeRetry, OutcomeSkipped} {
			m.Actions.WithLabelValues(account, string(act), o)
		}
	}
	for _, c := range []moderation.ErrorClass{moderation.ClassRetry, moderation.ClassCredentials, moderation.ClassItem,
		moderation.ClassUnsupported, moderation.ClassNotConnected} {
		m.ConnectorErrors.WithLabelValues(account, string(c))
	}
	m.CredentialsBad.WithLabelValues(account).Set(0)
	m.ReviewBacklog.WithLabelValues(account).Set(0)
	m.ReviewOldest.WithLabelValues(account).Set(0)
	m.QueueLength.WithLabelValues(account).Set(0)
	m.ActionsPending.WithLabelValues(account).Set(0)
	m.AppealsOpen.WithLabelValues(account).Set(0)
	m.AppealsOverdue.WithLabelValues(account).Set(0)
}

// SetReviewer sets the human reviewer; call it before Run (the reviewer
// usually needs the pipeline itself, so it is made after New).
func (p *Pipeline) SetReviewer(r moderation.Reviewer) { p.opts.Reviewer = r }

// SetEngine swaps the rule engine (SIGHUP reload); comments being decided
// finish with the old one.
func (p *Pipeline) SetEngine(e moderation.Evaluator) { p.engine.Store(&engineBox{e}) }

// History exposes what the rule engine's context conditions see.
func (p *Pipeline) History() *MemoryHistory { return p.history }

// Run works until ctx ends, then shuts down in order: stop reading, decide
// what was already fetched, let running actions finish within
// ShutdownGrace. Everything not done is durable and resumes at next start.
func (p *Pipeline) Run(ctx context.Context) error {
	if err := p.loadHistory(); err != nil {
		return err
	}
	p.loadPause() // before anything acts: a /pause outlives a restart
	defer p.cancelWork()

	// Per account only the reader lives all the time (it blocks in Fetch);
	// deciding and acting start when there is work and end when it is
	// done, so an idle page costs one goroutine here.
	p.runCtx.Store(&ctx)
	p.deciders.openUp()
	p.actors.openUp()
	p.carryCutOff()
	p.warnOrphanReviews()
	var readers sync.WaitGroup
	for _, name := range p.order {
		a := p.accounts[name]
		readers.Add(1)
		go func() { defer readers.Done(); p.read(ctx, a) }()
		p.kickActor(a, true) // what was left pending before the start
	}
	var bg sync.WaitGroup
	bg.Add(2)
	go func() { defer bg.Done(); p.maintain(ctx) }()
	go func() { defer bg.Done(); p.rescanLoop(ctx) }()
	if p.appealsOn() {
		bg.Go(func() { p.appealLoop(ctx) })
	}

	<-ctx.Done()
	p.log.Info("shutting down: finishing in-flight work", "grace", p.opts.ShutdownGrace)
	grace := time.AfterFunc(p.opts.ShutdownGrace, p.cancelWork)
	defer grace.Stop()
	readers.Wait()
	p.deciders.closeAndWait() // what was fetched is decided and recorded
	p.actors.closeAndWait()   // running actions finish within the grace
	bg.Wait()
	p.closeConnectors()
	return nil
}

// loadHistory rebuilds the in-memory history from recent decisions, and
// notes the moderators' bans to carry to the district (carryCutOff).
func (p *Pipeline) loadHistory() error {
	since := p.now().Add(-p.opts.HistoryWindow)
	p.toCarry = nil
	return p.store.Query(moderation.Query{Since: since}, func(d *moderation.Decision) error {
		if IsDistrictBan(d) {
			return nil // the author did nothing on that page
		}
		if r := d.Review; r != nil && r.Status == moderation.ReviewDecided && r.Verdict == moderation.Ban {
			// As decided, not as configured now: a page made district-scope
			// later does not carry the bans its moderators kept to it.
			if r.District && p.accounts[d.Comment.Account] != nil {
				p.toCarry = append(p.toCarry, d.ID)
			}
		}
		f := d.Final()
		p.history.Record(&d.Comment, moderation.Fingerprint{}, f == moderation.Delete || f == moderation.Ban)
		if a := p.accounts[d.Comment.Account]; a != nil {
			a.recent.add(d.Comment.ID, d.Version)
		}
		return nil
	})
}

// read fetches from the connector into the account's queue until ctx ends.
// An empty batch is followed by the account's poll interval (see
// idlePause), so an idle connector is not asked in a loop; a connector
// that reports moderation.ErrNotConnected is connected again with back-off.
func (p *Pipeline) read(ctx context.Context, a *accountRun) {
	log := p.log.With("account", a.Name, "network", a.Network)
	if !p.connect(ctx, a, 0, 0, log) {
		return
	}
	var cursor []byte
	for attempt := 1; ; attempt++ {
		var err error
		if cursor, err = p.store.Cursor(a.Name); err == nil {
			break
		}
		log.Error("cannot read the saved cursor; retrying", "err", err)
		if !sleep(ctx, p.opts.Retry.Wait(attempt, 0)) {
			return
		}
	}
	failures, reconnects := 0, 0
	for ctx.Err() == nil {
		start := time.Now()
		ups, next, err := a.Conn.Fetch(ctx, cursor)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			p.connectorError(a, "fetch", err, log)
			if notConnected(err) {
				reconnects++
				if !p.connect(ctx, a, reconnects, moderation.RetryAfter(err), log) {
					return
				}
				continue
			}
			failures++
			if !sleep(ctx, p.opts.Retry.Wait(failures, moderation.RetryAfter(err))) {
				return
			}
			continue
		}
		failures, reconnects = 0, 0
		p.setBroken(a, &a.readBroken, false, nil)
		p.metrics.LastSuccess.WithLabelValues(a.Name).SetToCurrentTime()
		if len(ups) == 0 && string(next) == string(cursor) {
			if !p.idlePause(ctx, a, time.Since(start)) {
				return
			}
			continue
		}
		cursor = next
		select {
		case a.queue <- batch{updates: ups, cursor: next}:
			p.kickDecider(a)
		case <-ctx.Done():
			return
		}
		p.metrics.QueueLength.WithLabelValues(a.Name).Set(float64(len(a.queue)))
		if len(ups) == 0 && !p.idlePause(ctx, a, time.Since(start)) {
			return // only the cursor moved: still nothing to decide
		}
	}
}

func (p *Pipeline) connectorError(a *accountRun, op string, err error, log *slog.Logger) {
	class := moderation.Classify(err)
	p.metrics.ConnectorErrors.WithLabelValues(a.Name, string(class)).Inc()
	if class == moderation.ClassCredentials {
		p.setBroken(a, &a.readBroken, true, err)
		return
	}
	log.Warn("connector error", "op", op, "class", class, "err", err)
}

// setBroken records a change of one of the account's credential states;
// the gauge is 1 while either is broken.
func (p *Pipeline) setBroken(a *accountRun, flag *atomic.Bool, broken bool, err error) {
	if flag.Swap(broken) == broken {
		return
	}
	what := "reading"
	if flag == &a.actBroken {
		what = "acting"
	}
	if broken {
		p.log.Error("account credentials broken: a human must fix the token", "for", what,
			"account", a.Name, "network", a.Network, "err", err)
	} else {
		p.log.Info("account credentials work again", "for", what, "account", a.Name)
	}
	v := 0.0
	if a.readBroken.Load() || a.actBroken.Load() {
		v = 1
	}
	p.metrics.CredentialsBad.WithLabelValues(a.Name).Set(v)
}

// decide turns the fetched batches waiting in the queue into durable
// decisions, in order, and returns when the queue is empty. Batches that
// queued up meanwhile are committed together (one fsync for all), so a
// flood costs fewer disk syncs, not more.
func (p *Pipeline) decide(a *accountRun) {
	var res moderation.Result
	var ds []*moderation.Decision
	for {
		var b batch
		select {
		case b = <-a.queue:
		default:
			return
		}
		ds = ds[:0]
		var cursor []byte
		for {
			ds = p.decideBatch(a, b, ds, &res)
			cursor = b.cursor
			if len(ds) >= maxCommit {
				break
			}
			var ok bool
			select {
			case b, ok = <-a.queue:
			default:
			}
			if !ok {
				break
			}
		}
		p.metrics.QueueLength.WithLabelValues(a.Name).Set(float64(len(a.queue)))
		p.commitDistrict(a, ds)
		p.commit(a, ds, cursor)
		p.logBeyondRetention(a)
	}
}

// maxCommit bounds how many decisions one transaction records.
const maxCommit = 2048

func (p *Pipeline) decideBatch(a *accountRun, b batch, ds []*moderation.Decision, res *moderation.Result) []*moderation.Decision {
	for i := range b.updates {
		u := &b.updates[i]
		switch u.Type {
		case moderation.UpdateComment, moderation.UpdateRestored:
			if d := p.decideComment(a, &u.Comment, res); d != nil {
				p.supersede(a, d, ds) // edited.go
				ds = append(ds, d)
			}
		case moderation.UpdateBlocked:
			p.syncBan(a, u, true)
		case moderation.UpdateUnblocked:
			p.syncBan(a, u, false)
		case moderation.UpdateDeleted:
			p.closeGone(a, u, ds)
			p.appealDeleted(u.Comment.ID)
		}
	}
	return ds
}

// commit records a batch with its cursor, retrying the store until it works:
// losing a batch would skip comments, and the cursor must not move past them.
func (p *Pipeline) commit(a *accountRun, ds []*moderation.Decision, cursor []byte) {
	var recorded []*moderation.Decision
	for attempt := 1; ; attempt++ {
		var err error
		recorded, err = p.store.Commit(a.Name, ds, cursor)
		if err == nil {
			break
		}
		p.log.Error("cannot record decisions; retrying", "account", a.Name, "err", err, "attempt", attempt)
		if !sleep(p.workCtx, p.opts.Retry.Wait(attempt, 0)) {
			// Shutting down: the cursor did not move, so the batch comes
			// again at the next start.
			p.log.Error("decisions not recorded at shutdown; they are read again at the next start", "account", a.Name, "n", len(ds))
			return
		}
	}
	if c, ok := a.Conn.(moderation.Committer); ok {
		c.Committed(cursor)
	}
	for _, d := range recorded {
		p.afterRecord(a, d)
	}
}

func (p *Pipeline) afterRecord(a *accountRun, d *moderation.Decision) {
	final := d.Final()
	p.metrics.Processed.WithLabelValues(a.Name, final.String()).Inc()
	for _, m := range d.Matches {
		p.metrics.RuleHits.WithLabelValues(m.Rule).Inc()
	}
	if p.opts.OnDecision != nil {
		p.opts.OnDecision(d)
	}
	p.observeAppeal(a, d)
	if d.Review == nil && !d.DryRun && moderation.ConfirmedByModel(d.Matches) {
		// The page's model confirmed a rule's review as a delete: a
		// positive example until a moderator restores the comment (the
		// undo replaces it), so the page's removals keep counting.
		p.learn(d)
	}
	if d.Review != nil && d.Review.Status == moderation.ReviewPending && p.opts.Reviewer != nil {
		if err := p.opts.Reviewer.Submit(p.workCtx, d); err != nil {
			p.log.Error("reviewer did not take the review; it stays pending", "decision", d.ID, "err", err)
		}
	}
	if d.HasPendingActions() {
		// The actions are durable as pending: when the actor lags (a 3 req/s
		// token during a spam wave), deciding goes on and the actor finds
		// the rest in the store.
		select {
		case a.actions <- d.ID:
		default:
			a.behind.Store(true)
		}
		p.kickActor(a, false)
	}
}

// decideComment evaluates one comment; nil means nothing to record.
func (p *Pipeline) decideComment(a *accountRun, c *moderation.Comment, res *moderation.Result) *moderation.Decision {
	c.Account = a.Name
	if c.Network == "" {
		c.Network = a.Network
	}
	now := p.now()
	if c.Created.IsZero() {
		c.Created = now // a network that gave no time: treat it as new
	}
	changed := c.Created
	if !c.Edited.IsZero() {
		changed = c.Edited
	}
	// Networks give whole seconds: compare at that precision, or a comment
	// made in the same second as the first start would be skipped.
	if !a.Backfill && changed.Before(p.store.Epoch().Truncate(time.Second)) {
		return nil // from before strazh started here
	}
	if p.beyondRetention(changed, now) {
		a.tooOld++
		return nil // its decision may be pruned: horizon.go
	}
	if len(c.ID) > maxIDBytes || len(c.Author.ID) > maxIDBytes {
		// No database key can hold it: recorded, it would fail the whole
		// batch's commit, retried for ever.
		p.log.Error("comment refused: its id or its author's is too long to record; the network answered something strange",
			"account", a.Name, "comment_id", cut(c.ID, 200), "id_bytes", len(c.ID), "author_bytes", len(c.Author.ID))
		return nil
	}
	version := c.Version()
	if a.recent.has(c.ID, version) {
		return nil
	}
	a.recent.add(c.ID, version)
	d := &moderation.Decision{Comment: *c, Version: version, DecidedBy: moderation.ByAuto, DecidedAt: now, DryRun: p.dryRun.Load()}
	if c.Author.Exempt() {
		d.Verdict = moderation.Allow
		d.Matches = []moderation.Match{{Rule: "author.exempt", Action: moderation.Allow, Reason: "автор — сама страница или её руководитель"}}
		return d
	}
	if p.blacklisted(a, c.Author.ID, now) {
		p.onSight(a, d, now)
		p.history.Record(c, moderation.Fingerprint{}, true)
		return d
	}
	res.Reset()
	p.history.Supersede(c) // an edit is judged as the one comment it is
	start := time.Now()
	if err := p.evaluate(c, res); err != nil {
		// One strange comment must not stop the account: a human looks.
		p.log.Error("rule engine failed on a comment; sent to review", "account", a.Name, "comment_id", c.ID, "err", err)
		res.Reset()
		res.Verdict = moderation.Review
		res.Matches = append(res.Matches, moderation.Match{Rule: "engine.error", Action: moderation.Review, Reason: "ошибка движка правил на этом комментарии"})
	}
	p.metrics.EvaluateDuration.Observe(time.Since(start).Seconds())
	d.Verdict, d.BanFor, d.Urgent = res.Verdict, res.BanFor, res.Urgent
	if d.Verdict == moderation.Ban && d.BanFor == 0 {
		d.BanFor = a.Ban.Duration // the rule gives no length: the account's default
	}
	if len(res.Labels) > 0 {
		d.Labels = append([]string(nil), res.Labels...)
	}
	if len(res.Matches) > 0 {
		d.Matches = append([]moderation.Match(nil), res.Matches...)
	}
	switch {
	case d.Verdict == moderation.Review:
		d.Review = &moderation.ReviewState{Status: moderation.ReviewPending}
	case d.Verdict >= moderation.Delete && p.paused.Load():
		// Paused: a human decides what the rules would have done alone.
		d.Review = &moderation.ReviewState{Status: moderation.ReviewPending}
	case d.Verdict >= moderation.Delete:
		d.Actions = p.plan(a, d.Verdict, d.BanFor, now)
		if res.BanDistrict && d.Verdict == moderation.Ban {
			a.districtNext = append(a.districtNext, d) // a rule's ban_scope: district
		}
	}
	p.history.Record(c, res.Fingerprint, d.Final() >= moderation.Delete)
	return d
}

// maxIDBytes bounds a comment's and an author's id: both are parts of
// database keys (bbolt takes at most 32 KiB), with room for the district
// and pair keys built from them. Real ids are tens of bytes.
const maxIDBytes = 4 << 10

// cut is s's first n bytes, for a log line.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// evaluate runs the rule engine, turning a panic into an error.
func (p *Pipeline) evaluate(c *moderation.Comment, res *moderation.Result) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	p.engine.Load().e.Evaluate(c, p.history, res)
	return nil
}

// plan lists the actions a verdict needs, pending (or skipped in dry run).
// banFor 0 is forever; the rule engine's 0 ("the rule gives no length")
// is turned into the account's default before this.
func (p *Pipeline) plan(a *accountRun, v moderation.Verdict, banFor time.Duration, now time.Time) []moderation.ActionRecord {
	if v < moderation.Delete {
		return nil
	}
	state := moderation.ActionPending
	if p.dryRun.Load() {
		state = moderation.ActionSkipped
	}
	acts := []moderation.ActionRecord{{Type: moderation.ActDelete, State: state}}
	if v == moderation.Ban {
		var until time.Time
		if banFor > 0 {
			until = now.Add(banFor)
		}
		acts = append(acts, moderation.ActionRecord{Type: moderation.ActBan, State: state, Until: until})
	}
	return acts
}

// syncBan mirrors a ban made or lifted by hand in the network.
func (p *Pipeline) syncBan(a *accountRun, u *moderation.Update, blocked bool) {
	var err error
	if blocked {
		err = p.store.PutBan(moderation.BlacklistEntry{Account: a.Name, Network: a.Network, Author: u.Author,
			Until: u.Until, Reason: u.Reason, By: moderation.ByNetwork + ":" + u.By, At: p.now()})
	} else {
		err = p.store.RemoveBan(a.Name, u.Author.ID)
	}
	if err != nil && !errors.Is(err, moderation.ErrNotFound) {
		p.log.Error("cannot mirror a ban made in the network", "account", a.Name, "author", u.Author.ID, "err", err)
	}
	a.forgetBans()
}

// SetDryRun switches shadow mode (SIGHUP reload): decisions made from now
// on act on nothing.
func (p *Pipeline) SetDryRun(on bool) { p.dryRun.Store(on) }

// recentSet remembers recently decided (comment, version) pairs so that
// re-delivered events skip the rule engine; the store stays the authority.
type recentSet struct {
	mu   sync.Mutex
	set  map[recentKey]struct{}
	ring []recentKey // in insertion order until full, then a ring from next
	next int
	max  int
}

type recentKey struct {
	id      string
	version uint64
}

// newRecentSet keeps up to n pairs. Its memory grows with use, so an idle
// account costs next to nothing (pre-sized, it took 1.5 MB per account).
func newRecentSet(n int) recentSet {
	return recentSet{set: make(map[recentKey]struct{}), max: n}
}

func (r *recentSet) has(id string, v uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.set[recentKey{id, v}]
	return ok
}

func (r *recentSet) add(id string, v uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := recentKey{id, v}
	if _, ok := r.set[k]; ok {
		return
	}
	if len(r.ring) < r.max {
		r.ring = append(r.ring, k)
	} else {
		delete(r.set, r.ring[r.next])
		r.ring[r.next] = k
		r.next = (r.next + 1) % len(r.ring)
	}
	r.set[k] = struct{}{}
}

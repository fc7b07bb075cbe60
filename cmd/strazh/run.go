package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/cadence"
	"github.com/strazh/strazh/moderation/learn"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/web"
	"github.com/strazh/strazh/moderation/store"
	"github.com/strazh/strazh/rules"
)

func cmdRun(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("run", "-config FILE", "Runs the daemon: reads every configured account, moderates, acts and\nsends doubtful comments to the review chat. SIGHUP reloads the rules;\nSIGTERM shuts down gracefully.", s)
	path := fs.String("config", "/etc/strazh/config.yaml", "configuration `file`")
	if err := parse(fs, args); err != nil {
		return err
	}
	// The same checks as `strazh check` and a reload: a rule file whose
	// examples fail never goes live on a restart either.
	// Secrets too, as `check -secrets`: a missing one stops the start
	// before the state directory or the database is touched.
	v := validate(*path, nil)
	v.checkSecrets(true)
	if len(v.problems) > 0 {
		v.print(s.err)
		fmt.Fprintf(s.err, "strazh run: не запускается, пока проблемы не исправлены (not starting until the problems are fixed)\n")
		return exitError{1}
	}
	err := runDaemon(ctx, v.cfg, daemonHooks{logOut: s.err, engine: v.engine, warnings: v.warnings})
	if errors.Is(err, store.ErrDamaged) {
		fmt.Fprintf(s.err, "strazh run: %v\n", err)
		return exitError{exitDamaged}
	}
	return err
}

// daemonHooks let the demo and the tests watch and steer the daemon.
type daemonHooks struct {
	logOut     io.Writer
	httpClient *http.Client               // for connectors and Telegram; nil: defaults
	onDecision func(*moderation.Decision) // live view
	onReady    func(*pipeline.Pipeline)   // once running
	timing     review.Timing              // Telegram intervals (demo shortens them)
	tune       func(o *pipeline.Options)  // pipeline options (tests shorten intervals)
	level      *slog.LevelVar             // shared so SIGHUP can change it
	sighup     <-chan os.Signal           // nil: the real SIGHUP
	// component, when set, runs supervised beside the others (tests make
	// it fail to see the daemon stop in order).
	component func(ctx context.Context) error
	// onWebListen gets the review console's address once it listens.
	onWebListen func(net.Addr)
	// engine is the rules validate built and self-tested (nil: runDaemon
	// loads and self-tests them); warnings are validate's, logged at start.
	engine   *rules.Engine
	warnings []error
}

// daemon is one running strazh: store, rules, connectors, pipeline, reviewer.
type daemon struct {
	cfg   *config.Config
	log   *slog.Logger
	level *slog.LevelVar
	db    *store.DB
	pipe  *pipeline.Pipeline
	tg    *review.Telegram
	mx    *review.Reviewer // the MAX review chat; nil: none (review_max.go)
	fan   *review.Fanout   // every review channel; nil: none configured
	web   *web.Server      // the review console; nil: not configured
	reg   *prometheus.Registry
	ready chan struct{}

	accounts []pipeline.Account // for strazh doctor (doctor.go)

	models  *modelState     // rules + live model (model_daemon.go)
	learner *learn.Learner  // nil: the model does not learn
	posts   *cadence.Poller // the pages' posts; nil: none counted (cadence_wiring.go)
}

func newLogger(cfg *config.Config, w io.Writer, level *slog.LevelVar) *slog.Logger {
	level.Set(parseLevel(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func parseLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// runDaemon runs strazh until ctx ends.
func runDaemon(ctx context.Context, cfg *config.Config, h daemonHooks) error {
	if h.logOut == nil {
		h.logOut = os.Stderr
	}
	if h.level == nil {
		h.level = new(slog.LevelVar)
	}
	d := &daemon{cfg: cfg, level: h.level, ready: make(chan struct{})}
	d.log = newLogger(cfg, h.logOut, h.level)
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return fmt.Errorf("state_dir: %w", err)
	}
	for _, w := range unique(h.warnings) {
		d.log.Warn("configuration warning", "warning", w.Error())
	}
	engine := h.engine
	if engine == nil {
		var err error
		if engine, err = rules.Load(cfg.Rules, cfg.Dir()); err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		if err := engine.SelfTest(); err != nil {
			return fmt.Errorf("rules examples: %w", err)
		}
	}
	var err error
	d.db, err = store.Open(cfg.DBPath(), &store.Options{Retention: cfg.Retention, Logger: d.log.With("component", "store")})
	if err != nil {
		return damagedHint(err, cfg)
	}
	defer d.db.Close()

	accounts, err := buildAccounts(cfg, d.db.Epoch(), d.log, h.httpClient, d.db)
	if err != nil {
		return err
	}
	d.accounts = accounts
	d.reg = prometheus.NewRegistry()
	d.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newTokenExpiry(accounts), newMetaMetrics(accounts), newSkippedMetrics(accounts))
	opts := pipeline.Options{
		Store:         d.db,
		Logger:        d.log,
		Metrics:       pipeline.NewMetrics(d.reg, version),
		DryRun:        cfg.DryRun,
		QueueSize:     cfg.Pipeline.QueueSize,
		Retry:         cfg.Pipeline.Retry,
		ShutdownGrace: cfg.Pipeline.ShutdownGrace,
		OnDecision:    h.onDecision,
		Appeals:       appealOptions(cfg, d.db),
	}
	first, learner := d.setupModel(engine)
	if learner != nil {
		opts.Learner = learner
	}
	if h.tune != nil {
		h.tune(&opts)
	}
	d.pipe, err = pipeline.New(opts, first, accounts)
	if err != nil {
		return err
	}
	if cfg.Telegram != nil {
		d.fan = review.NewFanout(d.log)
		d.tg, err = review.New(*cfg.Telegram, review.Deps{
			Moderation: d.fan.Moderation(review.ChannelTelegram, d.pipe), Store: d.db, History: d.pipe.History(),
			Logger: d.log, HTTPClient: h.httpClient, Timing: h.timing, Metrics: d.reg,
			Capabilities: accountCapabilities(accounts),
		})
		if err != nil {
			return fmt.Errorf("telegram: %w", err)
		}
		if err := d.fan.Add(review.ChannelTelegram, d.tg); err != nil {
			return err
		}
	}
	if err := d.wireMAX(cfg, h, accounts); err != nil {
		return err
	}
	if err := d.setupWeb(accounts); err != nil {
		return err
	}
	if d.fan != nil {
		d.pipe.SetReviewer(d.fan)
	}
	grd, err := d.newGuard(cfg.Guard, accounts) // guard_wiring.go
	if err != nil {
		return err
	}
	desk, err := d.setupAppealDesk(cfg) // appeals.go
	if err != nil {
		return err
	}
	posts := d.newCadence(accounts)
	d.posts = posts                     // before the admin socket and the report schedule read it
	reports := d.newReportSchedule(cfg) // report_sched.go
	if posts != nil && d.tg != nil {
		d.tg.SetPostCounter(posts, cfg.Cadence.MinPerWeek)
	}
	if cfg.DryRun {
		d.log.Warn("dry run: decisions are recorded, nothing is deleted or banned")
	}

	// Listeners first: a port or socket in use fails the start before
	// anything runs.
	var metricsLn net.Listener
	if cfg.Metrics.Listen != "" {
		if metricsLn, err = net.Listen("tcp", cfg.Metrics.Listen); err != nil {
			return fmt.Errorf("metrics.listen: %w", err)
		}
	}
	webLn, err := d.listenWeb()
	if err != nil {
		if metricsLn != nil {
			metricsLn.Close()
		}
		return err
	}
	if webLn != nil && h.onWebListen != nil {
		h.onWebListen(webLn.Addr())
	}
	admin, err := listenAdmin(cfg.SocketPath())
	if err != nil {
		if metricsLn != nil {
			metricsLn.Close()
		}
		if webLn != nil {
			webLn.Close()
		}
		return err
	}
	// Added in stop order (see supervisor): the pipeline stops reading and
	// drains first (its decisions feed the reviewer and the learner), the
	// admin socket answers until it has, metrics last.
	sup := newSupervisor(ctx, d.log)
	sup.Go("pipeline", d.pipe.Run)
	if h.component != nil {
		sup.Go("test component", h.component)
	}
	if d.tg != nil {
		sup.Go("telegram", d.tg.Run)
	}
	if d.mx != nil {
		sup.Go("max review chat", d.mx.Run)
	}
	if grd != nil {
		sup.Go("account guard", grd.Run)
	}
	if desk != nil {
		sup.Go("appeal cards", desk.Run)
	}
	if webLn != nil {
		sup.Go("web console", func(ctx context.Context) error { return d.serveWeb(ctx, webLn) })
	}
	if d.consoleOnly() { // web_timeouts.go: no chat reviewer's timer runs
		mod, pol := d.fan.Moderation(review.ChannelWeb, d.pipe), consolePolicy(*d.cfg.ReviewWeb)
		sup.Go("review time-outs", func(ctx context.Context) error {
			runConsoleTimeouts(ctx, mod, pol, consoleTimeoutTick, d.log.With("component", "review"))
			return nil
		})
	}
	sup.Go("admin socket", func(ctx context.Context) error { return serveAdmin(ctx, admin, d) })
	// After the socket: `strazh model refit|rollback` talk to the learner.
	sup.Go("model learner", d.runLearner)
	sup.Go("reload", func(ctx context.Context) error { d.reloadOnHUP(ctx, h.sighup); return nil })
	sup.Go("watchdog", func(ctx context.Context) error { d.watchdog(ctx); return nil })
	if posts != nil {
		sup.Go("cadence", posts.Run)
	}
	if reports != nil {
		sup.Go("scheduled report", reports.Run)
	}
	sup.Go("store maintenance", func(ctx context.Context) error { d.db.RunMaintenance(ctx, 6*time.Hour); return nil })
	if metricsLn != nil {
		sup.Go("metrics", func(ctx context.Context) error { return d.serveMetrics(ctx, metricsLn) })
	}

	close(d.ready)
	notifySystemd("READY=1")
	d.log.Info("strazh running", "version", version, "accounts", len(accounts), "state_dir", cfg.StateDir,
		"metrics", cfg.Metrics.Listen, "telegram", d.tg != nil, "max_review", d.mx != nil)
	if h.onReady != nil {
		h.onReady(d.pipe)
	}
	err = sup.Wait(func() { notifySystemd("STOPPING=1") })
	if err != nil {
		d.log.Error("a component failed; the others were stopped", "err", err)
	}
	d.log.Info("strazh stopped")
	return err
}

// The pipeline runs the district's pages: the reviewer offers «Забанить
// везде», /stats per page and /author through it.
var _ review.DistrictModeration = (*pipeline.Pipeline)(nil)

// buildAccounts makes each account's connector (secrets are read here);
// tokens keeps the tokens connectors renew (nil: in memory only).
func buildAccounts(cfg *config.Config, epoch time.Time, log *slog.Logger, client *http.Client, tokens moderation.TokenStore) ([]pipeline.Account, error) {
	var out []pipeline.Account
	var errs []error
	limits := new(connectors.Limiters)    // one rate per token across the daemon's pages
	inbox, _ := tokens.(connectors.Inbox) // the store keeps webhook deliveries too
	for i, a := range cfg.Accounts {
		f, _ := connectors.Lookup(a.Network)
		conn, err := f.New(a.Conn, connectors.Deps{
			Account: a.Name, Logger: log, // each connector adds its network and account
			HTTPClient: client, Epoch: epoch, Backfill: a.Backfill, Tokens: tokens, Limiters: limits, Inbox: inbox,
		})
		if err != nil {
			for _, e := range config.Flatten(err) {
				errs = append(errs, fmt.Errorf("%s:%d: accounts[%d] (%s): %w", cfg.File, secretLine(cfg, i, e), i, a.Name, e))
			}
			continue
		}
		out = append(out, pipeline.Account{Name: a.Name, Network: a.Network, Conn: conn, Backfill: a.Backfill,
			Ban:         pipeline.BanDefaults{Duration: a.Ban.Duration, Comment: a.Ban.Comment, Visible: a.Ban.Visible},
			BanDistrict: a.BanScope == "district"})
	}
	return out, errors.Join(errs...)
}

func (d *daemon) serveMetrics(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.reg, promhttp.HandlerOpts{Registry: d.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if err := d.db.Ping(); err != nil {
			http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		select {
		case <-d.ready:
			if d.fan != nil {
				if err := d.fan.Health(); err != nil {
					http.Error(w, err.Error(), http.StatusServiceUnavailable)
					return
				}
			}
			fmt.Fprintln(w, "ready")
		default:
			http.Error(w, "starting", http.StatusServiceUnavailable)
		}
	})
	return serveUntil(ctx, ln, mux)
}

// reloadOnHUP reloads the rules and the log level on SIGHUP; a bad file
// keeps what runs and says why.
func (d *daemon) reloadOnHUP(ctx context.Context, ch <-chan os.Signal) {
	if ch == nil {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGHUP)
		defer signal.Stop(c)
		ch = c
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
		if err := d.reload(); err != nil {
			d.log.Error("reload failed; the running configuration stays", "err", err)
		}
	}
}

func (d *daemon) reload() error {
	notifySystemd("RELOADING=1")
	defer notifySystemd("READY=1")
	v := validate(d.cfg.File, nil)
	if err := v.err(); err != nil {
		return err
	}
	for _, w := range unique(v.warnings) {
		d.log.Warn("configuration warning", "warning", w.Error())
	}
	cfg, engine := v.cfg, v.engine
	d.setRules(engine)
	d.level.Set(parseLevel(cfg.Log.Level))
	if cfg.DryRun != d.cfg.DryRun {
		d.pipe.SetDryRun(cfg.DryRun)
		d.log.Warn("dry_run changed", "dry_run", cfg.DryRun)
	}
	if keys := restartKeys(d.cfg, cfg); len(keys) > 0 {
		d.log.Warn("these settings changed but take effect only after a restart", "keys", strings.Join(keys, ", "))
	}
	d.cfg.Rules, d.cfg.Log, d.cfg.DryRun = cfg.Rules, cfg.Log, cfg.DryRun
	d.log.Info("configuration reloaded", "rules", len(engine.Rules()))
	return nil
}

// restartKeys lists the top-level settings that differ between a and b and
// that a reload cannot apply (everything but rules, log and dry_run).
func restartKeys(a, b *config.Config) []string {
	var keys []string
	diff := func(key string, x, y any) {
		if !reflect.DeepEqual(x, y) {
			keys = append(keys, key)
		}
	}
	diff("state_dir", a.StateDir, b.StateDir)
	diff("retention", a.Retention, b.Retention)
	diff("metrics", a.Metrics, b.Metrics)
	diff("pipeline", a.Pipeline, b.Pipeline)
	diff("telegram", a.Telegram, b.Telegram)
	diff("review.max", a.ReviewMAX, b.ReviewMAX)
	diff("review.web", a.ReviewWeb, b.ReviewWeb) // its time-outs are read at start
	diff("model", a.Model, b.Model)              // the learner and its budgets are built at start
	diff("appeals", a.Appeals, b.Appeals)
	diff("guard", a.Guard, b.Guard)
	diff("cadence", a.Cadence, b.Cadence)
	diff("report", a.Report, b.Report)
	strip := func(accs []config.Account) []config.Account {
		out := make([]config.Account, len(accs))
		for i, acc := range accs {
			acc.Line = 0
			out[i] = acc
		}
		return out
	}
	diff("accounts", strip(a.Accounts), strip(b.Accounts))
	return keys
}

// watchdog feeds systemd's watchdog while the store answers.
func (d *daemon) watchdog(ctx context.Context) {
	every := watchdogInterval()
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if d.db.Ping() == nil {
				notifySystemd("WATCHDOG=1")
			}
		}
	}
}

// accountCapabilities tells the review chat what each account's network
// can do (no «Восстановить» where nothing can be undone).
func accountCapabilities(accounts []pipeline.Account) func(string) moderation.Capabilities {
	caps := make(map[string]moderation.Capabilities, len(accounts))
	for _, a := range accounts {
		caps[a.Name] = a.Conn.Capabilities()
	}
	return func(account string) moderation.Capabilities {
		if c, ok := caps[account]; ok {
			return c
		}
		return moderation.Capabilities{Restore: true, Unban: true} // unknown: as before
	}
}

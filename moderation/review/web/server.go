// Package web is the review console on the web (issue 14): server-rendered
// pages for the review queue, the audit log, an author's history, the
// blacklist, statistics and the daemon's status, Russian first. Templates
// and the style sheet are embedded; there is no JavaScript.
//
// Decisions go through the same review.Moderation the Telegram and MAX
// reviewers use, wrapped by review.Fanout for the channel "web", so the
// first decision from any channel wins and the others' cards show it.
// Every decision made here is recorded with by = "web:<user name>".
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/store"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Store is what the console reads and writes (*store.DB).
type Store interface {
	WebUser(name string) (store.WebUser, error)
	PutWebSession(key []byte, s store.WebSession) error
	WebSession(key []byte) (store.WebSession, error)
	DeleteWebSession(key []byte) error
	PruneWebSessions(now time.Time) (int, error)
	DecisionPage(q store.PageQuery) (store.Page, error)
	Query(q moderation.Query, fn func(*moderation.Decision) error) error
	Blacklist(account string) ([]moderation.BlacklistEntry, error)
	WebUsers() ([]store.WebUser, error)
	RemoveWebUser(name string) error
}

// Status is what the status page shows about the daemon.
type Status struct {
	Rules       int    // rules loaded
	SelfTestErr string // "" when every rule's examples pass
	Model       string // the live model's version ("" when there is none)
}

// Deps are the console's collaborators.
type Deps struct {
	Store Store
	// Moderation decides; give it Fanout.Moderation(review.ChannelWeb, ...).
	Moderation review.Moderation
	Logger     *slog.Logger
	Now        func() time.Time // default time.Now
	// Status reports the rules' self-test and the model (nil: not shown).
	Status func() Status
	// WriteCSV writes decisions as `strazh audit -format csv` does.
	WriteCSV func(w io.Writer, each func(func(*moderation.Decision) error) error) error
	// Accounts are the pages, for the filters.
	Accounts []string
	// Capabilities of an account: «Восстановить» only where it can work
	// (nil: offered wherever an action was done).
	Capabilities func(account string) moderation.Capabilities
	// Appeals lists and answers citizens' appeals (nil: not tracked).
	Appeals Appeals
}

// Server is the console. It is also a moderation.Reviewer for the Fanout:
// its queue is read from the store at every page, so Submit and Notify
// have nothing to queue.
type Server struct {
	cfg       Config
	deps      Deps
	log       *slog.Logger
	pages     map[string]*pageTemplate
	newsPage  *pageTemplate // the queue's self-reloading frame (queue_news.go)
	auth      *limiters
	hash      chan struct{} // bounds concurrent password checks (19 MiB each)
	dayCache  dayCache
	mu        sync.Mutex // guards lastPrune
	lastPrune time.Time
}

// New makes the console; it does no I/O.
func New(cfg Config, deps Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Store == nil || deps.Moderation == nil {
		return nil, errors.New("web: Store and Moderation are required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	news, err := parseNews()
	if err != nil {
		return nil, fmt.Errorf("web: template news: %w", err)
	}
	return &Server{cfg: cfg, deps: deps, log: deps.Logger.With("component", "web"), pages: pages, newsPage: news,
		auth: newLimiters(loginBurst, loginEvery), hash: make(chan struct{}, 2)}, nil
}

// Submit implements moderation.Reviewer: the queue page reads pending
// reviews from the store.
func (s *Server) Submit(context.Context, *moderation.Decision) error { return nil }

// Notify implements moderation.Reviewer: the queue page lists recent
// automatic actions from the store.
func (s *Server) Notify(context.Context, *moderation.Decision) error { return nil }

// maxBody bounds every request body: the forms are a few fields.
const maxBody = 16 << 10

// Handler is the console's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.FileServerFS(assets))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.with(roleAny, s.logout))
	mux.HandleFunc("GET /{$}", s.with(roleAny, s.home))
	mux.HandleFunc("GET /queue", s.with(roleDecide, s.queue))
	mux.HandleFunc("GET /queue/news", s.news)
	mux.HandleFunc("POST /decide", s.with(roleDecide, s.decide))
	mux.HandleFunc("GET /audit", s.with(roleAny, s.audit))
	mux.HandleFunc("GET /audit.csv", s.with(roleAny, s.auditCSV))
	mux.HandleFunc("GET /author", s.with(roleAny, s.author))
	mux.HandleFunc("GET /blacklist", s.with(roleAny, s.blacklist))
	mux.HandleFunc("POST /unban", s.with(roleAdmin, s.unban))
	mux.HandleFunc("GET /appeals", s.with(roleAny, s.appeals))
	mux.HandleFunc("POST /appeals/reply", s.with(roleDecide, s.replyAppeal))
	mux.HandleFunc("POST /appeals/close", s.with(roleDecide, s.closeAppeal))
	mux.HandleFunc("GET /stats", s.with(roleAny, s.stats))
	mux.HandleFunc("GET /status", s.with(roleAny, s.status))
	mux.HandleFunc("POST /pause", s.with(roleAdmin, s.pause))
	mux.HandleFunc("POST /resume", s.with(roleAdmin, s.resume))
	mux.HandleFunc("GET /users", s.with(roleAdmin, s.users))
	mux.HandleFunc("POST /users/remove", s.with(roleAdmin, s.removeUser))
	// Any other address: the console's own page, not net/http's English
	// "404 page not found" (or "Method Not Allowed" for a GET of a form's
	// address).
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "Такой страницы нет.")
	})
	return secureHeaders(http.MaxBytesHandler(mux, maxBody))
}

// secureHeaders forbids framing, inline scripts and sniffing: the pages
// need none of it (queue/news, the queue's own frame, allows its parent).
func secureHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// Serve serves the console on ln until ctx ends, then shuts down and waits
// for the handlers (nothing may touch the store after it closes).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 32 << 10,
		BaseContext: func(net.Listener) context.Context { return ctx },
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	ctx, cancel := context.WithCancel(ctx) // a failed Serve ends the goroutine too
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
	}()
	err := srv.Serve(ln)
	cancel()
	<-stopped
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("web: %w", err)
}

var _ moderation.Reviewer = (*Server)(nil)

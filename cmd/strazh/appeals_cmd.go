package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// `strazh appeals [-config FILE] [-all] [-json]` lists citizens' appeals;
// `strazh appeals close -as elsewhere|not-appeal [-config FILE] ID` closes
// one without posting (answered by phone or in person, or tagged wrongly).
// While the daemon runs both go through its admin socket, so its gauges
// and the card follow at once; when it is stopped, through the store.

// appealStates are the STATE column's words.
const (
	appealOpen     = "open"
	appealOverdue  = "overdue"
	appealAnswered = "answered"
)

// appealRow is one line of `strazh appeals` (-json: an array of them).
type appealRow struct {
	ID       uint64    `json:"id"`
	Account  string    `json:"account"`
	Network  string    `json:"network"`
	Topic    string    `json:"topic"`
	Author   string    `json:"author"`
	AuthorID string    `json:"author_id,omitempty"`
	Opened   time.Time `json:"opened_at"`
	Deadline time.Time `json:"deadline"`
	// State: open, overdue, answered, elsewhere (answered off the network),
	// not-appeal (closed as tagged wrongly), expired (never answered, closed
	// by strazh at the history horizon; on_time false).
	State    string    `json:"state"`
	OnTime   *bool     `json:"on_time,omitempty"` // answered ones
	ClosedBy string    `json:"closed_by,omitempty"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

func appealRowOf(a *moderation.Appeal, now time.Time) appealRow {
	r := appealRow{ID: a.DecisionID, Account: a.Account, Network: a.Network, Topic: a.Topic, Author: a.Author.Name,
		AuthorID: a.Author.ID, Opened: a.OpenedAt, Deadline: a.Deadline, ClosedBy: a.Closer()}
	switch {
	case a.NotAppeal():
		r.State, r.ClosedAt = moderation.ClosedNotAppeal, a.ClosedAt
	case a.Expired():
		late := false
		r.State, r.ClosedAt, r.OnTime = moderation.ClosedExpired, a.ClosedAt, &late
	case !a.Open():
		r.State, r.ClosedAt = appealAnswered, a.AnsweredAt
		if a.Closed == moderation.ClosedElsewhere {
			r.State = moderation.ClosedElsewhere
		}
		ok := a.OnTime()
		r.OnTime = &ok
	case now.After(a.Deadline):
		r.State = appealOverdue
	default:
		r.State = appealOpen
	}
	if r.Author == "" {
		r.Author = a.Author.ID
	}
	return r
}

// appealsBackend lists and closes appeals, in the daemon or the store.
type appealsBackend interface {
	list(ctx context.Context, all bool) ([]*moderation.Appeal, error)
	close(ctx context.Context, id uint64, how, by string) (*moderation.Appeal, error)
	Close() error
}

func openAppealsBackend(cfg *config.Config, write bool) (appealsBackend, error) {
	if daemonRunning(cfg) {
		return socketAppeals{newSocketBackend(cfg.SocketPath())}, nil
	}
	if _, err := os.Stat(cfg.DBPath()); err != nil {
		return nil, fmt.Errorf("no database at %s (has strazh run with this state_dir?)", cfg.DBPath())
	}
	db, err := store.Open(cfg.DBPath(), &store.Options{ReadOnly: !write, Retention: cfg.Retention})
	if err != nil {
		return nil, damagedHint(err, cfg)
	}
	return dbAppeals{db}, nil
}

type dbAppeals struct{ db *store.DB }

func (b dbAppeals) list(_ context.Context, all bool) ([]*moderation.Appeal, error) {
	if all {
		return b.db.Appeals(time.Time{}, time.Time{})
	}
	return b.db.OpenAppeals("")
}

func (b dbAppeals) close(_ context.Context, id uint64, how, by string) (*moderation.Appeal, error) {
	// The daemon's desk (AppealChanged) is not here to edit the card: the
	// store queues the edit with the closing, and the desk sends it at the
	// next start.
	a, err := b.db.ChangeAppeal(id, moderation.CloseAppeal(how, time.Now(), by))
	if errors.Is(err, moderation.ErrAlreadyDecided) {
		a, _ = b.db.Appeal(id)
	}
	if err != nil {
		return a, err
	}
	if _, cerr := b.db.AppealCard(id); cerr != nil && !errors.Is(cerr, moderation.ErrNotFound) {
		return a, fmt.Errorf("appeal %d closed, but its card in the review chat is not queued for an edit: %w", id, cerr)
	}
	return a, nil
}

func (b dbAppeals) Close() error { return b.db.Close() }

type socketAppeals struct{ s *socketBackend }

func (b socketAppeals) list(ctx context.Context, all bool) ([]*moderation.Appeal, error) {
	path := "/v1/appeals"
	if all {
		path += "?all=1"
	}
	var out []*moderation.Appeal
	err := b.s.call(ctx, http.MethodGet, path, nil, &out)
	return out, err
}

func (b socketAppeals) close(ctx context.Context, id uint64, how, by string) (*moderation.Appeal, error) {
	a := new(moderation.Appeal)
	err := b.s.call(ctx, http.MethodPost, "/v1/appeals/close", closeAppealRequest{ID: id, As: how, By: by}, a)
	if a.DecisionID == 0 {
		a = nil
	}
	return a, err
}

func (socketAppeals) Close() error { return nil }

type closeAppealRequest struct {
	ID uint64 `json:"id"`
	As string `json:"as"` // elsewhere or not-appeal
	By string `json:"by"`
}

// registerAppealsAdmin serves /v1/appeals on the admin socket: GET lists
// the open appeals (?all=1: every one), POST /v1/appeals/close closes one
// through the pipeline (gauges, card).
func registerAppealsAdmin(mux *http.ServeMux, d *daemon) {
	mux.HandleFunc("GET /v1/appeals", func(w http.ResponseWriter, r *http.Request) {
		if !knownParams(w, r, "all") {
			return
		}
		list, err := dbAppeals{d.db}.list(r.Context(), r.URL.Query().Get("all") != "")
		reply(w, list, err)
	})
	mux.HandleFunc("POST /v1/appeals/close", func(w http.ResponseWriter, r *http.Request) {
		var req closeAppealRequest
		if !decodeBody(w, r, &req) {
			return
		}
		if req.ID == 0 || req.By == "" || (req.As != moderation.ClosedElsewhere && req.As != moderation.ClosedNotAppeal) {
			badRequest(w, "body: id, by and as (elsewhere or not-appeal) are required")
			return
		}
		a, err := d.pipe.CloseAppeal(req.ID, req.As, req.By)
		reply(w, a, err)
	})
}

func cmdAppeals(ctx context.Context, args []string, s stdio) error {
	if len(args) > 0 && args[0] == "close" {
		return cmdAppealsClose(ctx, args[1:], s)
	}
	fs := newFlags("appeals", "[-config FILE] [-all] [-json]\n       strazh appeals close -as elsewhere|not-appeal [-config FILE] ID",
		"Lists the citizens' appeals still waiting for the page's answer (every one with\n-all): ID, account, topic, author, deadline and state (open, overdue,\nanswered, elsewhere, not-appeal, expired: never answered, closed by strazh\nwhen it left the reports' history). `strazh appeals close` closes one without\nposting. Works while the daemon runs (through its admin socket) and when it\nis stopped.", s)
	path := configFlag(fs)
	all := fs.Bool("all", false, "every appeal, answered and closed ones too")
	asJSON := fs.Bool("json", false, "print a JSON array for machines")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	b, err := openAppealsBackend(cfg, false)
	if err != nil {
		return err
	}
	defer b.Close()
	list, err := b.list(ctx, *all)
	if err != nil {
		return err
	}
	now := time.Now()
	rows := make([]appealRow, 0, len(list))
	for _, a := range list {
		rows = append(rows, appealRowOf(a, now))
	}
	if *asJSON {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(s.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, tr("ID\tACCOUNT\tTOPIC\tAUTHOR\tDEADLINE\tSTATE"))
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Account, r.Topic, strings.Join(strings.Fields(r.Author), " "), r.Deadline.Local().Format("2006-01-02 15:04"), r.State)
	}
	return tw.Flush()
}

func cmdAppealsClose(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("appeals close", "-as elsewhere|not-appeal [-config FILE] ID",
		"Closes an open appeal without posting: -as elsewhere (answered by phone, in\nperson, on a network strazh cannot post on: counted answered now, on time if\nbefore the deadline) or -as not-appeal (tagged wrongly: left out of the appeal\ncounts, kept as dismissed). Recorded as cli:<user>. Works while the daemon\nruns (through its admin socket) and when it is stopped.", s)
	path := configFlag(fs)
	how := fs.String("as", "", "how it was closed: elsewhere or not-appeal")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if *how != moderation.ClosedElsewhere && *how != moderation.ClosedNotAppeal {
		fmt.Fprintf(s.err, "strazh appeals close: -as %q: want elsewhere or not-appeal\n", *how)
		return errUsage
	}
	id, err := strconv.ParseUint(fs.Arg(0), 10, 64)
	if fs.NArg() != 1 || err != nil || id == 0 {
		fmt.Fprintln(s.err, tr("strazh appeals close: give one appeal ID (a number, as `strazh appeals` lists it)"))
		return errUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	b, err := openAppealsBackend(cfg, true)
	if err != nil {
		return err
	}
	defer b.Close()
	a, err := b.close(ctx, id, *how, whoAmI())
	switch {
	case errors.Is(err, moderation.ErrAlreadyDecided) && a != nil:
		return fmt.Errorf("appeal %d is closed already, by %s (обращение уже закрыто)", id, a.Closer())
	case errors.Is(err, moderation.ErrNotFound):
		return fmt.Errorf("no such appeal (такого обращения нет): %w", err)
	case err != nil:
		return err
	}
	fmt.Fprintf(s.out, tr("appeal %d closed as %s by %s\n"), id, *how, a.ClosedBy)
	return nil
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/learn"
	"github.com/strazh/strazh/moderation/store"
	"github.com/strazh/strazh/rules"
)

func cmdModel(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("model", "status|list|rollback VERSION|refit|export -o FILE [-config FILE]",
		`The page's learned model. status: the live version and the schedule; list:
every kept version with its held-out metrics; rollback VERSION: make a kept
version (0: the shipped model) live; refit: learn from the examples now;
export -o FILE: write the live model (or -version N) to a file. Works through
the daemon's admin socket while it runs, on the database when it is stopped.`, s)
	path := configFlag(fs)
	out := fs.String("o", "", "with export: the output `file`")
	ver := fs.Uint64("version", 0, "with export: this version instead of the live one")
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fs.Usage()
		return errUsage
	}
	sub, rest := args[0], args[1:]
	var arg string
	if sub == "rollback" && len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		arg, rest = rest[0], rest[1:]
	}
	if err := parse(fs, rest); err != nil {
		return err
	}
	extra := fs.Args()
	if sub == "rollback" && arg == "" && len(extra) > 0 {
		arg, extra = extra[0], extra[1:]
	}
	if len(extra) > 0 {
		// `rollback 1 2` made version 1 live and dropped the 2.
		fmt.Fprintf(s.err, "strazh model %[1]s: лишний аргумент %[2]q (strazh model -h)\nstrazh model %[1]s: unexpected argument %[2]q (strazh model -h)\n", sub, extra[0])
		return errUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	ctl, closeFn, err := openModelControl(cfg, sub == "rollback" || sub == "refit")
	if err != nil {
		return err
	}
	defer closeFn()
	switch sub {
	case "status":
		st, err := ctl.status()
		if err != nil {
			return err
		}
		live := "встроенная (shipped)"
		if st.Live.Version != 0 {
			live = fmt.Sprintf("%d (%d примеров, %s)", st.Live.Version, st.Live.Examples, st.Live.Created.Format(time.DateTime))
		}
		fmt.Fprintf(s.out, "live version: %s\nexamples: %d (new since the live version: %d)\nrefit due: %v, running: %v\n",
			live, st.Examples, st.NewSince, st.Due, st.Running)
		if st.LastError != "" {
			fmt.Fprintf(s.out, "last refit failed: %s\n", st.LastError)
		}
		for _, l := range slices.Sorted(maps.Keys(st.Budget)) {
			fmt.Fprintf(s.out, "review budget %s: %d (reviews the model alone may still send)\n", l, st.Budget[l])
		}
		return nil
	case "list":
		vs, live, err := ctl.versions()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tLIVE\tCREATED\tEXAMPLES\tTOXIC F1\tSPAM F1\tAUTO DELETE/KEEP\tBY\tNOTE")
		fmt.Fprintf(tw, "0\t%s\t-\t-\t-\t-\t-\tshipped\tthe rules' model (rules.model.file or the shipped one)\n", mark(live == 0))
		for _, v := range vs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", v.Version, mark(live == v.Version), v.Created.Format(time.DateTime),
				v.Examples, f1(v.Metrics, "toxic"), f1(v.Metrics, "spam"), autoThresholds(v.Metrics), v.By, v.Note)
		}
		return tw.Flush()
	case "rollback":
		n, err := strconv.ParseUint(arg, 10, 64)
		if err != nil {
			fmt.Fprintf(s.err, "strazh model rollback: %q is not a version number (see strazh model list)\n", arg)
			return errUsage
		}
		if err := ctl.rollback(n); err != nil {
			return err
		}
		fmt.Fprintf(s.out, "version %d is live\n", n)
		return nil
	case "refit":
		v, err := ctl.refit(ctx)
		if err != nil {
			return err
		}
		state := "kept, not live"
		if v.WentLive {
			state = "live"
		}
		fmt.Fprintf(s.out, "version %d (%d examples): %s — %s\n", v.Version, v.Examples, state, v.Note)
		return nil
	case "export":
		if *out == "" {
			fmt.Fprintln(s.err, "strazh model export: -o FILE is required")
			return errUsage
		}
		var buf bytes.Buffer
		if err := ctl.export(*ver, &buf); err != nil {
			return err
		}
		return os.WriteFile(*out, buf.Bytes(), 0o600)
	}
	fmt.Fprintf(s.err, "strazh model: unknown subcommand %q\n", sub)
	return errUsage
}

func mark(b bool) string {
	if b {
		return "*"
	}
	return ""
}

// autoThresholds shows the page's measured thresholds (the auto of
// rules.model.delete and rules.model.keep): "toxic ≥0.97 <0.05", and the
// confirm threshold of a rule's review when there is one: "toxic ≥0.97
// <0.05 review ≥0.90".
func autoThresholds(m map[string]moderation.LabelMetrics) string {
	var parts []string
	for _, l := range []string{moderation.LabelToxic, moderation.LabelSpam} {
		lm := m[l]
		if lm.DeleteFrom == 0 && lm.KeepBelow == 0 && lm.ConfirmFrom == 0 {
			continue
		}
		p := fmt.Sprintf("%s ≥%.2f <%.2f", l, lm.DeleteFrom, lm.KeepBelow)
		if lm.ConfirmFrom > 0 {
			p += fmt.Sprintf(" review ≥%.2f", lm.ConfirmFrom)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func f1(m map[string]moderation.LabelMetrics, l string) string {
	if lm, ok := m[l]; ok && lm.Examples > 0 {
		return fmt.Sprintf("%.3f (%d)", lm.F1, lm.Examples)
	}
	return "-"
}

// modelControl is what the model commands need: the daemon's learner
// through the socket, or the database of a stopped daemon.
type modelControl interface {
	status() (learn.Status, error)
	versions() ([]moderation.ModelVersion, uint64, error)
	rollback(version uint64) error
	refit(ctx context.Context) (moderation.ModelVersion, error)
	export(version uint64, w io.Writer) error
}

func openModelControl(cfg *config.Config, write bool) (modelControl, func(), error) {
	sock := cfg.SocketPath()
	if c, err := net.DialTimeout("unix", sock, time.Second); err == nil {
		c.Close()
		return socketModel{newSocketBackend(sock)}, func() {}, nil
	}
	if _, err := os.Stat(cfg.DBPath()); err != nil {
		return nil, nil, fmt.Errorf("no database at %s (has strazh run with this state_dir?)", cfg.DBPath())
	}
	db, err := store.Open(cfg.DBPath(), &store.Options{ReadOnly: !write, Retention: cfg.Retention})
	if err != nil {
		return nil, nil, err
	}
	engine, err := rules.Load(cfg.Rules, cfg.Dir())
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("rules: %w", err)
	}
	tr, err := newTrainer(engine.Model(), modelSetupFrom(cfg.Model))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	l, err := newLearner(cfg, db, tr, nil, nil)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if err := l.Load(); err != nil {
		db.Close()
		return nil, nil, err
	}
	return learnerModel{l, db}, func() { db.Close() }, nil
}

func newLearner(cfg *config.Config, db *store.DB, tr learn.Trainer, b map[string]*learn.Budget, swap func(learn.Model, moderation.ModelVersion)) (*learn.Learner, error) {
	return learn.New(modelSetupFrom(cfg.Model).Learn, learn.Deps{Examples: db, Versions: db, Trainer: tr, Swap: swap, Budgets: b})
}

// learnerModel works on a learner directly (a stopped daemon's database,
// or the running daemon's own learner behind the socket).
type learnerModel struct {
	l  *learn.Learner
	vs moderation.ModelVersions
}

func (m learnerModel) status() (learn.Status, error) { return m.l.Status() }

func (m learnerModel) versions() ([]moderation.ModelVersion, uint64, error) {
	vs, err := m.l.Versions()
	if err != nil {
		return nil, 0, err
	}
	live, err := m.vs.LiveModel()
	return vs, live, err
}

func (m learnerModel) rollback(v uint64) error { _, err := m.l.Rollback(v); return err }

func (m learnerModel) refit(ctx context.Context) (moderation.ModelVersion, error) {
	return m.l.Refit(ctx, whoAmI())
}

func (m learnerModel) export(v uint64, w io.Writer) error { return m.l.Export(v, w) }

type socketModel struct{ s *socketBackend }

func (m socketModel) status() (learn.Status, error) {
	var st learn.Status
	err := m.s.call(context.Background(), http.MethodGet, "/v1/model/status", nil, &st)
	return st, err
}

func (m socketModel) versions() ([]moderation.ModelVersion, uint64, error) {
	var out struct {
		Versions []moderation.ModelVersion `json:"versions"`
		Live     uint64                    `json:"live"`
	}
	err := m.s.call(context.Background(), http.MethodGet, "/v1/model/versions", nil, &out)
	return out.Versions, out.Live, err
}

func (m socketModel) rollback(v uint64) error {
	return m.s.call(context.Background(), http.MethodPost, "/v1/model/rollback", map[string]uint64{"version": v}, nil)
}

func (m socketModel) refit(ctx context.Context) (moderation.ModelVersion, error) {
	var v moderation.ModelVersion
	err := m.s.call(ctx, http.MethodPost, "/v1/model/refit", map[string]string{"by": whoAmI()}, &v)
	return v, err
}

func (m socketModel) export(v uint64, w io.Writer) error {
	resp, err := m.s.send(context.Background(), http.MethodGet, "/v1/model/export?version="+strconv.FormatUint(v, 10), nil, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(w, resp.Body)
	return err
}

// registerModelAdmin adds the model's endpoints to the admin socket.
func registerModelAdmin(mux *http.ServeMux, d *daemon) {
	ctl := func(w http.ResponseWriter) (learnerModel, bool) {
		if d.learner == nil {
			reply(w, nil, errors.New("the learned model is off in this daemon (model.learn.enabled is false, or no rule asks the model: rules.model.file none or the model pack disabled)"))
			return learnerModel{}, false
		}
		return learnerModel{d.learner, d.db}, true
	}
	mux.HandleFunc("GET /v1/model/status", func(w http.ResponseWriter, r *http.Request) {
		if !knownParams(w, r) {
			return
		}
		if m, ok := ctl(w); ok {
			st, err := m.status()
			reply(w, st, err)
		}
	})
	mux.HandleFunc("GET /v1/model/versions", func(w http.ResponseWriter, r *http.Request) {
		if !knownParams(w, r) {
			return
		}
		if m, ok := ctl(w); ok {
			vs, live, err := m.versions()
			reply(w, map[string]any{"versions": vs, "live": live}, err)
		}
	})
	mux.HandleFunc("POST /v1/model/rollback", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Version *uint64 `json:"version"`
		}
		if !decodeBody(w, r, &req) {
			return
		}
		if req.Version == nil {
			badRequest(w, "body: version is required")
			return
		}
		if m, ok := ctl(w); ok {
			reply(w, map[string]uint64{"live": *req.Version}, m.rollback(*req.Version))
		}
	})
	mux.HandleFunc("POST /v1/model/refit", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			By string `json:"by"`
		}
		if !decodeBody(w, r, &req) {
			return
		}
		if m, ok := ctl(w); ok {
			ctx, cancel := context.WithTimeout(r.Context(), adminTimeout)
			defer cancel()
			v, err := m.l.Refit(ctx, req.By)
			reply(w, v, err)
		}
	})
	mux.HandleFunc("GET /v1/model/export", func(w http.ResponseWriter, r *http.Request) {
		if !knownParams(w, r, "version") {
			return
		}
		var v uint64 // 0: the live version
		if q := r.URL.Query().Get("version"); q != "" {
			var err error
			if v, err = strconv.ParseUint(q, 10, 64); err != nil {
				badRequest(w, fmt.Sprintf("query: version %q: want a version number", q))
				return
			}
		}
		if m, ok := ctl(w); ok {
			var buf bytes.Buffer
			if err := m.export(v, &buf); err != nil {
				reply(w, nil, err)
				return
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(buf.Bytes())
		}
	})
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/learn"
	"github.com/strazh/strazh/rules"
	"github.com/strazh/strazh/rules/eval"
)

func cmdReplay(_ context.Context, args []string, s stdio) error {
	fs := newFlags("replay", "[-learn] [-json] [-window N] [-seed S] [-config FILE] [-base MODEL] FILES.jsonl...",
		`Plays a page: the comments of the labelled files (the corpus format) arrive in
file order, or shuffled in a fixed order with -seed, and the daemon's engine
decides each: the rules of -config (or the shipped packs) asking its model
(rules.model.file, or the shipped one). The file's labels play the
moderator, who decides every review and restores every clean comment the
engine deleted alone. With -learn the model learns from those decisions as
in production (model.learn.*: examples, refits, the go-live rule, the auto
thresholds of rules.model.delete and rules.model.keep). Reports per window:
comments reviewed, toxic and spam missed (positive rows that stayed), clean
deleted, decisions learned.`, s)
	path, extra := rulesFlags(fs)
	learnOn := fs.Bool("learn", false, "the model learns from the moderator's decisions")
	noModel := fs.Bool("rules-only", false, "the rules alone: no model (rules.model.file: none)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	window := fs.Int("window", 1000, "comments per window")
	seed := fs.String("seed", "", "shuffle the rows in the fixed order of this seed (an integer)")
	base := fs.String("base", "", "the model `file` the rules ask and the page learns from (strazh train, strazh model export), instead of rules.model.file")
	raw := fs.Bool("raw", false, "read anonymisation placeholders ([LINK], ...) as plain text")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(s.err, "strazh replay: no files")
		return errUsage
	}
	if *window <= 0 {
		fmt.Fprintf(s.err, "strazh replay: -window %d: want a positive count\n", *window)
		return errUsage
	}
	if *noModel && (*learnOn || *base != "") {
		fmt.Fprintln(s.err, "strazh replay: -rules-only excludes -learn and -base")
		return errUsage
	}
	rows, err := readReplayRows(fs.Args(), !*raw)
	if err != nil {
		return err
	}
	if *seed != "" {
		n, err := strconv.ParseUint(*seed, 10, 64)
		if err != nil {
			return fmt.Errorf("-seed %q: want an integer", *seed)
		}
		r := rand.New(rand.NewPCG(n, n^0x9e3779b97f4a7c15))
		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	}
	modelFile := *base
	if *noModel {
		modelFile = "none"
	} else if modelFile != "" {
		if modelFile, err = filepath.Abs(modelFile); err != nil {
			return fmt.Errorf("-base: %w", err)
		}
	}
	engine, cfg, err := loadReplayEngine(*path, *extra, modelFile)
	if err != nil {
		return err
	}
	ms := modelSetupFrom(cfg.Model)
	if bad := unknownBudgetLabels(ms, engine.Model()); *learnOn && len(bad) > 0 && engine.Model() != nil {
		return fmt.Errorf("model.learn.budget: %s: not a label of the model (%s)", strings.Join(bad, ", "), strings.Join(engine.Model().Labels(), ", "))
	}
	budget := newBudgets(ms)
	o := learn.ReplayOptions{Engine: engine, Learn: *learnOn, Config: ms.Learn, Window: *window, Budgets: budget,
		Bind: func(m learn.Model, v moderation.ModelVersion) (moderation.Evaluator, error) {
			return pageEngine(engine, m, v, budget)
		}}
	if *learnOn {
		if o.Trainer, err = newTrainer(engine.Model(), ms); err != nil {
			return err
		}
	}
	rep, err := learn.Replay(rows, o)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(s.out)
		return enc.Encode(rep)
	}
	return writeReplay(s, rep)
}

// loadReplayEngine loads the daemon's engine from the configuration at
// path (the defaults when empty), with extra rule files and, when
// modelFile is set, that model instead of rules.model.file.
func loadReplayEngine(path string, extra []string, modelFile string) (*rules.Engine, *config.Config, error) {
	cfg := &config.Config{Rules: rules.DefaultConfig(), Model: config.DefaultModel()}
	dir := "."
	if path != "" {
		var err error
		if cfg, err = config.Load(path); err != nil {
			return nil, nil, err
		}
		dir = cfg.Dir()
	}
	rc := cfg.Rules
	rc.Files = append(slices.Clone(rc.Files), extra...)
	if modelFile != "" {
		rc.Model.File = modelFile
		if modelFile == "none" {
			rc.Model.Delete, rc.Model.Keep = nil, nil
		}
	}
	e, err := rules.Load(rc, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("rules: %w", err)
	}
	return e, cfg, nil
}

func writeReplay(s stdio, rep *learn.ReplayReport) error {
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "комментарии\tна проверку\tпропущено токсичных\tпропущено спама\tудалено чистых\tвыучено решений\t")
	line := func(name string, w learn.WindowReport) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t\n", name, w.Reviewed, w.Missed.Toxic, w.Missed.Spam, w.CleanDeleted, w.Learned)
	}
	for _, w := range rep.Windows {
		line(fmt.Sprintf("%d–%d", w.From, w.To), w)
	}
	line("всего", rep.Total)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, v := range rep.Versions {
		live := "не в работе"
		if v.WentLive {
			live = "в работе"
		}
		fmt.Fprintf(s.out, "версия %d (%d примеров): %s — %s\n", v.Version, v.Examples, live, v.Note)
	}
	return nil
}

// replayRecord is a corpus line.
type replayRecord struct {
	Text   string   `json:"text"`
	Labels []string `json:"labels"`
	Scope  []string `json:"scope"`
}

func readReplayRows(files []string, fill bool) ([]learn.Row, error) {
	var rows []learn.Row
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
		for line := 1; sc.Scan(); line++ {
			b := sc.Bytes()
			if len(strings.TrimSpace(string(b))) == 0 {
				continue
			}
			var r replayRecord
			if err := json.Unmarshal(b, &r); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
			if len(r.Scope) == 0 {
				f.Close()
				return nil, fmt.Errorf("%s:%d: no scope: a replay needs to know which labels the row was labelled for", path, line)
			}
			if fill {
				r.Text = eval.FillPlaceholders(r.Text)
			}
			rows = append(rows, learn.Row{Text: r.Text, Labels: r.Labels, Scope: r.Scope})
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return rows, nil
}

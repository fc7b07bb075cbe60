package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/rules"
	"github.com/strazh/strazh/rules/eval"
)

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// loadGC serialises loadEngine's hold on the garbage collector.
var loadGC sync.Mutex

// loadEngine builds the rule engine from the configuration's rules section
// (or the shipped packs when path is empty) plus extra files.
//
// Compiling the packs makes ≈ 28 MB of short-lived garbage; collected as
// it grows, it costs classify more CPU than the compiling itself (0.17 s
// against 0.08 s with no collection, on empty input), so the collector
// waits until the engine is built and then runs once. The setting is the
// process's: loads take turns (tests run commands in parallel), so each
// puts back what it found.
func loadEngine(path string, extra []string) (*rules.Engine, error) {
	loadGC.Lock()
	old := debug.SetGCPercent(-1)
	defer func() {
		debug.SetGCPercent(old)
		loadGC.Unlock()
	}()
	rc, dir := rules.DefaultConfig(), "."
	if path != "" {
		cfg, err := config.Load(path)
		if err != nil {
			return nil, err
		}
		rc, dir = cfg.Rules, cfg.Dir()
	}
	rc.Files = append(rc.Files, extra...)
	return rules.Load(rc, dir)
}

func rulesFlags(fs *flag.FlagSet) (*string, *multiFlag) {
	path := fs.String("config", "", "configuration `file` whose rules section to use (default: the shipped packs)")
	var extra multiFlag
	fs.Var(&extra, "rules", "an extra rule `file` or glob (repeatable)")
	return path, &extra
}

func cmdClassify(_ context.Context, args []string, s stdio) error {
	fs := newFlags("classify", "[-config FILE] [-rules FILE]... [-explain]",
		`Reads one comment per line on stdin and prints one JSON verdict per line:
{"verdict":"allow|review|delete|ban","labels":[...],"rules":[...],"reason":"..."}
Each line is judged as a new author's comment on an empty page. With
-explain it prints for people instead: the normalised text, every rule that
fired with its match, and the model's score per label with its strongest
features.`, s)
	path, extra := rulesFlags(fs)
	explain := fs.Bool("explain", false, "explain each verdict (text for people, not JSON)")
	top := fs.Int("features", 5, "with -explain: the model's strongest `N` features per label")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "judge on `N` goroutines (the output keeps the input order)")
	if err := parse(fs, args); err != nil {
		return err
	}
	engine, err := loadEngine(*path, *extra)
	if err != nil {
		return err
	}
	if *explain {
		return eval.Explain(engine, engine.Model(), *top, s.in, s.out)
	}
	w := bufio.NewWriterSize(s.out, 64<<10)
	if err := eval.ClassifyParallel(engine, s.in, w, *workers); err != nil {
		return err
	}
	return w.Flush()
}

func cmdEval(_ context.Context, args []string, s stdio) error {
	fs := newFlags("eval", "[-config FILE] [-rules FILE]... [-json] FILE.jsonl...",
		`Measures the rules on labelled JSON Lines files ({"text","labels","scope"},
or peer vectors with "expected": flag|clean): precision, recall and F1 per
label, and the share of clean comments acted on or sent to review. The label
"appeal" (the appeals pack's tag) counts whatever the verdict, and rows with a
"topic" are also scored per topic (appeal/roads, ...).`, s)
	path, extra := rulesFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	raw := fs.Bool("raw", false, "read anonymisation placeholders ([LINK], [PHONE], [USERNAME], ...) as plain text\ninstead of what they stand for")
	kfold := fs.Int("kfold", 0, "`N`>1: measure rules + model out of fold: train the model on N-1 folds of the\nfiles, judge the last with the rules, N times")
	labels := fs.String("labels", "toxic,spam", "with -kfold or -by-source: the model's labels")
	bySource := fs.Bool("by-source", false, "measure rules + model on sources the model never saw: each file is judged\nby a model trained on the other files only")
	errs := fs.String("errors", "", "with -kfold or -by-source: write the rows judged wrong to this `file` (JSON Lines:\nfile, text, labels, verdict, rules)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	if *errs != "" && *kfold == 0 && !*bySource {
		return fmt.Errorf("eval: -errors needs -kfold or -by-source")
	}
	engine, err := loadEngine(*path, *extra)
	if err != nil {
		return err
	}
	if *kfold != 0 || *bySource {
		return evalKFold(s, engine, fs.Args(), kfoldRun{k: *kfold, bySource: *bySource, labels: *labels, errors: *errs}, *asJSON, eval.Options{RawPlaceholders: *raw})
	}
	rep, err := eval.Run(engine, fs.Args(), eval.Options{RawPlaceholders: *raw})
	if err != nil {
		return err
	}
	if *asJSON {
		return rep.WriteJSON(s.out)
	}
	return rep.WriteTable(s.out)
}

func cmdCheck(_ context.Context, args []string, s stdio) error {
	fs := newFlags("check", "[-config FILE] [-rules FILE]...",
		"Validates the configuration (every key, value and secret reference), the\nrules and every rule file's examples, and lists all problems, then the\nwarnings. It needs neither the database nor the metrics port, so it runs\nbeside a live daemon; `strazh run` refuses to start on the same problems.\nWith -rules and no -config it checks those rule files with the shipped packs.", s)
	path := configFlag(fs)
	var extra multiFlag
	fs.Var(&extra, "rules", "check this rule `file` too (repeatable); without -config: alone, with the shipped packs")
	secrets := fs.Bool("secrets", false, "fail when a token's environment variable or file is missing (run it where the daemon runs)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if len(extra) > 0 && !flagGiven(fs, "config") {
		*path = ""
	}
	v := validate(*path, extra)
	v.checkSecrets(*secrets)
	v.print(s.err)
	if len(v.problems) > 0 {
		return exitError{1}
	}
	engine, cfg := v.engine, v.cfg
	n := len(engine.Rules())
	if cfg != nil {
		fmt.Fprintf(s.out, "%s: OK (%d accounts, %d rules, all rule examples pass)\n", cfg.File, len(cfg.Accounts), n)
	} else {
		fmt.Fprintf(s.out, "rules OK (%d rules, all examples pass)\n", n)
	}
	return nil
}

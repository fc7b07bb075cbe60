package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/config/secret"
	"github.com/strazh/strazh/rules"
	"github.com/strazh/strazh/rules/eval"
)

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// loadEngine builds the rule engine from the configuration's rules section
// (or the shipped packs when path is empty) plus extra files.
func loadEngine(path string, extra []string) (*rules.Engine, error) {
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
label, and the share of clean comments acted on or sent to review.`, s)
	path, extra := rulesFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	raw := fs.Bool("raw", false, "read anonymisation placeholders ([LINK], [PHONE], [USERNAME], ...) as plain text\ninstead of what they stand for")
	kfold := fs.Int("kfold", 0, "`N`>1: measure rules + model out of fold: train the model on N-1 folds of the\nfiles, judge the last with the rules, N times")
	labels := fs.String("labels", "toxic,spam", "with -kfold: the model's labels")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	engine, err := loadEngine(*path, *extra)
	if err != nil {
		return err
	}
	if *kfold != 0 {
		return evalKFold(s, engine, fs.Args(), *kfold, *labels, *asJSON, eval.Options{RawPlaceholders: *raw})
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
	fs := newFlags("check", "-config FILE | -rules FILE...",
		"Validates the configuration (every key, value and secret reference), the\nrules and every rule file's examples, and lists all problems. It needs\nneither the database nor the metrics port, so it runs beside a live daemon.", s)
	path := fs.String("config", "", "configuration `file` to check")
	var extra multiFlag
	fs.Var(&extra, "rules", "check this rule `file` alone, with the shipped packs (repeatable)")
	secrets := fs.Bool("secrets", false, "fail when a token's environment variable or file is missing (run it where the daemon runs)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *path == "" && len(extra) == 0 {
		fs.Usage()
		return errUsage
	}
	var problems []error
	var cfg *config.Config
	if *path != "" {
		var err error
		cfg, err = config.Load(*path)
		if err != nil {
			problems = append(problems, config.Flatten(err)...)
		}
	}
	rc, dir := rules.DefaultConfig(), "."
	if cfg != nil {
		rc, dir = cfg.Rules, cfg.Dir()
	}
	rc.Files = append(rc.Files, extra...)
	engine, err := rules.Load(rc, dir)
	if err != nil {
		problems = append(problems, config.Flatten(err)...)
	} else if err := engine.SelfTest(); err != nil {
		problems = append(problems, config.Flatten(err)...)
	}
	var warnings []error
	if cfg != nil && len(problems) == 0 {
		// Build the connectors: that reads every secret. A missing secret is
		// a warning here (the file may be checked on another machine) unless
		// -secrets asks for them.
		if _, err := buildAccounts(cfg, time.Time{}, slog.New(slog.DiscardHandler), nil, nil); err != nil {
			warnings = append(warnings, config.Flatten(err)...)
		}
		if t := cfg.Telegram; t != nil {
			if _, err := secret.Resolve("telegram.token", t.TokenEnv, t.TokenFile); err != nil {
				warnings = append(warnings, fmt.Errorf("%s: %w", cfg.File, err))
			}
		}
		if *secrets {
			problems, warnings = append(problems, warnings...), nil
		}
	}
	for _, w := range warnings {
		fmt.Fprintf(s.err, "warning: %v\n", w)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(s.err, p)
		}
		fmt.Fprintf(s.err, "%d problem(s) found\n", len(problems))
		return exitError{1}
	}
	n := len(engine.Rules())
	if cfg != nil {
		fmt.Fprintf(s.out, "%s: OK (%d accounts, %d rules, all rule examples pass)\n", cfg.File, len(cfg.Accounts), n)
	} else {
		fmt.Fprintf(s.out, "rules OK (%d rules, all examples pass)\n", n)
	}
	return nil
}

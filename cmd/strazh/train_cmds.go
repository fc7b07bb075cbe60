package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules"
	"github.com/strazh/strazh/rules/eval"
	"github.com/strazh/strazh/rules/model"
)

func cmdTrain(_ context.Context, args []string, s stdio) error {
	fs := newFlags("train", "-o MODEL [-labels toxic,spam] [-kfold 5] FILE.jsonl...",
		`Trains the learned model (one linear model per label over hashed character
and word n-grams of the normalised text) on labelled JSON Lines files in the
corpus format ({"text","labels","scope"}; a label outside scope is unknown,
not negative) and writes it to MODEL. With -kfold N it also measures each
label out of fold and prints the report. The same files and flags give the
same bytes: `+"`make model`"+` rebuilds the shipped model this way.`, s)
	out := fs.String("o", "", "write the model to this `file` (required)")
	labels := fs.String("labels", strings.Join(model.ShippedLabels, ","), "comma-separated `labels` to train")
	p := model.ShippedParams()
	fs.IntVar(&p.KFold, "kfold", p.KFold, "folds for the out-of-fold report (0: none)")
	fs.IntVar(&p.Bits, "bits", p.Bits, "log2 of the hash buckets")
	fs.IntVar(&p.Epochs, "epochs", p.Epochs, "passes over the data")
	fs.Float64Var(&p.L2, "l2", p.L2, "L2 penalty")
	fs.Float64Var(&p.Rate, "rate", p.Rate, "AdaGrad learning rate")
	fs.IntVar(&p.MinCount, "min-count", p.MinCount, "drop n-grams found in fewer training rows than this (0: keep all)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	var ex []model.Example
	for _, f := range fs.Args() {
		fh, err := os.Open(f)
		if err != nil {
			return err
		}
		e, err := model.ReadExamples(fh, f)
		fh.Close()
		if err != nil {
			return err
		}
		ex = append(ex, e...)
	}
	var ls []string
	for _, l := range strings.Split(*labels, ",") {
		if l = strings.TrimSpace(l); l != "" {
			ls = append(ls, l)
		}
	}
	t0 := time.Now()
	m, err := model.Train(ex, ls, p)
	if err != nil {
		return err
	}
	took := time.Since(t0)
	if err := writeModel(*out, m); err != nil {
		return err
	}
	writeModelReport(s, m)
	fmt.Fprintf(s.out, "%d examples, trained in %s; wrote %s\n", len(ex), took.Round(time.Millisecond), *out)
	return nil
}

// writeModel writes m to path through a temporary file, so a failed write
// never leaves half a model where the daemon looks for one.
func writeModel(path string, m *model.Model) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".model-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := m.WriteTo(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func writeModelReport(s stdio, m *model.Model) {
	info := m.Info()
	fmt.Fprintf(s.out, "model: labels %s, %d buckets, params %.12s, data %.12s\n",
		strings.Join(info.Labels, ","), info.Buckets, info.ParamsHash, info.DataHash)
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "label\texamples\tpositives\tkfold_precision\tkfold_recall\tkfold_f1\ttrain_loss\t")
	names := make([]string, 0, len(info.Metrics))
	for l := range info.Metrics {
		names = append(names, l)
	}
	sort.Strings(names)
	for _, l := range names {
		mt := info.Metrics[l]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.4f\t\n", l, mt.Examples, mt.Positives, mt.KFoldPrecision, mt.KFoldRecall, mt.KFoldF1, mt.TrainLoss)
	}
	tw.Flush()
}

// kfoldRun is how `strazh eval` measures rules + a model out of fold.
type kfoldRun struct {
	k        int
	bySource bool
	labels   string
	errors   string // file for the rows judged wrong, or ""
}

// evalKFold is `strazh eval -kfold N` (or -by-source): rules + a model
// trained out of fold.
func evalKFold(s stdio, engine *rules.Engine, files []string, run kfoldRun, asJSON bool, o eval.Options) error {
	var ls []string
	for _, l := range strings.Split(run.labels, ",") {
		if l = strings.TrimSpace(l); l != "" {
			ls = append(ls, l)
		}
	}
	kf := eval.KFold{K: run.k, BySource: run.bySource, Labels: ls, Params: model.DefaultParams(),
		Engine: func(m *model.Model) (moderation.Evaluator, error) { return engine.WithModel(m) }}
	var ew *errorWriter
	if run.errors != "" {
		f, err := os.Create(run.errors)
		if err != nil {
			return fmt.Errorf("eval: -errors: %w", err)
		}
		defer f.Close()
		ew = &errorWriter{w: bufio.NewWriter(f)}
		kf.Row = ew.row
	}
	rep, apart, err := eval.RunKFold(files, kf, o)
	if err != nil {
		return err
	}
	if ew != nil {
		if err := ew.flush(); err != nil {
			return fmt.Errorf("eval: -errors: %w", err)
		}
	}
	if asJSON {
		b, err := json.Marshal(struct {
			*eval.Report
			Apart map[string]*eval.Apart `json:"obscenity_apart"`
		}{rep, apart})
		if err != nil {
			return err
		}
		_, err = s.out.Write(append(b, '\n'))
		return err
	}
	if err := rep.WriteTable(s.out); err != nil {
		return err
	}
	names := make([]string, 0, len(apart))
	for n, a := range apart {
		if a.ToxicWithout.TP+a.ToxicWithout.FN+a.ToxicWithout.FP+a.ToxicWithout.TN > 0 {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	fmt.Fprintf(s.out, "\ntoxic with the rows only the obscenity rules flagged on clean-labelled text set apart:\n")
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\tobscenity_on_clean\tonly_obscenity\ttp\tfp\tfn\tprecision\trecall\tf1\t")
	for _, n := range names {
		a := apart[n]
		c := a.ToxicWithout
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t\n", n, a.ObscenityOnClean, a.OnlyObscenityOnClean, c.TP, c.FP, c.FN, c.Precision, c.Recall, c.F1)
	}
	return tw.Flush()
}

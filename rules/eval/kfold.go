package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
)

// KFold measures rules + model honestly: the rows of all files are split
// into K folds by a hash of their text (identical texts share a fold);
// for each fold a model is trained on the labelled rows of the other folds
// and the rules with that model judge the fold. Every row is judged once,
// by a model that never saw it.
type KFold struct {
	K      int
	Labels []string
	Params model.Params
	// Engine returns the evaluator (the rules) asking m.
	Engine func(m *model.Model) (moderation.Evaluator, error)
	// BySource makes each file a fold (K is ignored): a file's rows are
	// judged by a model trained on the other files only — how the model
	// does on a source it never saw, the nearest DEV gets to unseen pages.
	BySource bool
	// Row, when set, is called with every judged row (for error lists).
	Row func(file string, r Row, res *moderation.Result)
}

// Row is one judged corpus row as the Row hook sees it.
type Row struct {
	Text   string
	Labels []string
	Scope  []string
}

// Apart counts, per file, what the toxic score looks like when the rows
// only the obscenity rules flagged are set aside: on 2ch_pikabu_toxic,
// casual мат in a comment that insults nobody is labelled clean, but an
// official page deletes мат whatever its target (see the corpus README).
type Apart struct {
	// ObscenityOnClean: rows clean for toxic that the obscenity rules
	// flagged (with or without other rules).
	ObscenityOnClean int `json:"obscenity_on_clean"`
	// OnlyObscenityOnClean: of those, rows nothing else flagged.
	OnlyObscenityOnClean int `json:"only_obscenity_on_clean"`
	// ToxicWithout is toxic's confusion matrix with the
	// OnlyObscenityOnClean rows left out.
	ToxicWithout Counts `json:"toxic_without"`
}

type krow struct {
	file string
	r    record
	fold int
}

// RunKFold runs the K-fold measurement over the files.
func RunKFold(files []string, kf KFold, opts ...Options) (*Report, map[string]*Apart, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	k := kf.K
	if kf.BySource {
		k = len(files)
		if k < 2 {
			return nil, nil, fmt.Errorf("eval: by source: %d files, want at least 2", k)
		}
	}
	if k < 2 {
		return nil, nil, fmt.Errorf("eval: kfold: %d folds, want at least 2", k)
	}
	var rows []krow
	for fi, path := range files {
		rs, err := readRecords(path)
		if err != nil {
			return nil, nil, err
		}
		name := filepath.Base(path)
		for _, r := range rs {
			fold := fi
			if !kf.BySource {
				fold = model.Fold(r.Text, k)
			}
			rows = append(rows, krow{file: name, r: r, fold: fold})
		}
	}
	rep := &Report{Files: map[string]*Scores{}, Total: newScores()}
	apart := map[string]*Apart{}
	var c moderation.Comment
	var res moderation.Result
	for f := 0; f < k; f++ {
		var train []model.Example
		for _, x := range rows {
			if x.fold != f && x.r.Expected == "" && len(x.r.Scope) > 0 {
				train = append(train, model.Example{Text: x.r.Text, Labels: x.r.Labels, Scope: x.r.Scope})
			}
		}
		m, err := model.Train(train, kf.Labels, kf.Params)
		if err != nil {
			return nil, nil, fmt.Errorf("eval: %s: %w", kf.foldName(files, f), err)
		}
		ev, err := kf.Engine(m)
		if err != nil {
			return nil, nil, fmt.Errorf("eval: %s: %w", kf.foldName(files, f), err)
		}
		for i := range rows {
			x := &rows[i]
			if x.fold != f {
				continue
			}
			c.Text = x.r.Text
			if !o.RawPlaceholders && strings.IndexByte(x.r.Text, '[') >= 0 {
				c.Text = placeholders.Replace(x.r.Text)
			}
			res.Reset()
			ev.Evaluate(&c, nil, &res)
			sc := rep.Files[x.file]
			if sc == nil {
				sc = newScores()
				rep.Files[x.file] = sc
			}
			sc.add(&x.r, &res)
			rep.Total.add(&x.r, &res)
			a := apart[x.file]
			if a == nil {
				a = &Apart{}
				apart[x.file] = a
			}
			a.add(&x.r, &res)
			if kf.Row != nil {
				kf.Row(x.file, Row{Text: x.r.Text, Labels: x.r.Labels, Scope: x.r.Scope}, &res)
			}
		}
	}
	rep.finish()
	for _, a := range apart {
		a.ToxicWithout.finish()
	}
	return rep, apart, nil
}

func (kf KFold) foldName(files []string, f int) string {
	if kf.BySource {
		return "without " + filepath.Base(files[f])
	}
	return fmt.Sprintf("kfold %d", f)
}

func (a *Apart) add(r *record, res *moderation.Result) {
	if !slices.Contains(r.Scope, "toxic") {
		return
	}
	pos := slices.Contains(r.Labels, "toxic")
	for _, k := range toxicKinds {
		pos = pos || slices.Contains(r.Labels, k)
	}
	pred := predicted(res, "toxic")
	if !pos && predicted(res, "obscenity") {
		a.ObscenityOnClean++
		only := !predicted(res, "insult") && !predicted(res, "threat") && !slices.Contains(res.Labels, "toxic")
		if only {
			a.OnlyObscenityOnClean++
			return
		}
	}
	c := &a.ToxicWithout
	switch {
	case pos && pred:
		c.TP++
	case pos:
		c.FN++
	case pred:
		c.FP++
	default:
		c.TN++
	}
}

// readRecords reads one labelled JSON Lines file (blank lines skipped), with
// the file and line in every error.
func readRecords(path string) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	sr := bufio.NewScanner(f)
	sr.Buffer(make([]byte, 0, 1<<20), 64<<20)
	var out []record
	line := 0
	for sr.Scan() {
		line++
		b := sr.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var r record
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("eval: %s:%d: %w", path, line, err)
		}
		switch r.Expect {
		case "", "allow", "review", "delete":
		default:
			return nil, fmt.Errorf("eval: %s:%d: expect %q: want allow, review or delete", path, line, r.Expect)
		}
		out = append(out, r)
	}
	if err := sr.Err(); err != nil {
		return nil, fmt.Errorf("eval: %s: %w", path, err)
	}
	return out, nil
}

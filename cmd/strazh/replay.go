package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/strazh/strazh/moderation/learn"
)

func cmdReplay(_ context.Context, args []string, s stdio) error {
	fs := newFlags("replay", "[-learn] [-json] [-window N] [-seed S] [-config FILE] FILES.jsonl...",
		`Plays a page: the comments of the labelled files (the corpus format) arrive in
file order, or shuffled in a fixed order with -seed; the rules and the model
decide each; the file's labels play the moderator, who decides every review.
With -learn the model learns from those decisions as in production (examples,
then a refit every model.learn.after decisions). Reports per window: comments
reviewed, toxic and spam missed (positive rows that stayed), clean deleted.`, s)
	path, extra := rulesFlags(fs)
	learnOn := fs.Bool("learn", false, "the model learns from the moderator's decisions")
	noModel := fs.Bool("rules-only", false, "the rules alone, no model")
	asJSON := fs.Bool("json", false, "print one JSON object")
	window := fs.Int("window", 1000, "comments per window")
	seed := fs.String("seed", "", "shuffle the rows in the fixed order of this seed (an integer)")
	policy := fs.String("policy", "", "model policy, overriding model.policy: toxic:review=0.8,delete=0.97,keep=0.05;spam:review=0.9")
	base := fs.String("base", "", "start from this model `file` (strazh train, strazh model export) instead of the shipped one")
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
	if *noModel && *learnOn {
		fmt.Fprintln(s.err, "strazh replay: -rules-only and -learn exclude each other")
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
	engine, err := loadEngine(*path, *extra)
	if err != nil {
		return err
	}
	mc, err := loadModelConfig(*path)
	if err != nil {
		return err
	}
	if *policy != "" {
		if mc.Policies, err = parsePolicies(*policy); err != nil {
			return fmt.Errorf("-policy: %w", err)
		}
	}
	mc.BaseFile = *base
	o := learn.ReplayOptions{Rules: engine, Policies: mc.Policies, Learn: *learnOn, Config: mc.Learn, Window: *window}
	if !*noModel {
		if o.Trainer, err = newTrainer(mc); err != nil {
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

// replayPlaceholders maps the corpus's anonymisation placeholders to
// samples of what they stand for, as `strazh eval` does by default.
var replayPlaceholders = strings.NewReplacer(
	"[LINK]", "https://example.com/x", "[PHONE]", "+7 900 123-45-67", "[USERNAME]", "@username",
	"[EMAIL]", "user@example.com", "[CURRENCY]", "$", "[TIME]", "10:00", "[DATE]", "01.01.2024", "[HASHTAG]", "#tag")

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
			if fill && strings.IndexByte(r.Text, '[') >= 0 {
				r.Text = replayPlaceholders.Replace(r.Text)
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

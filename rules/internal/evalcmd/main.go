// Command evalcmd runs the eval of rules/eval over files, for tuning the
// shipped packs without the strazh binary.
package main

import (
	"bufio"
	"encoding/json"
	"slices"
	"strings"

	"flag"
	"fmt"
	"os"

	"github.com/strazh/strazh/moderation"

	"github.com/strazh/strazh/rules"
	"github.com/strazh/strazh/rules/eval"
)

func main() {
	raw := flag.Bool("raw", false, "leave corpus placeholders as they are")
	js := flag.Bool("json", false, "print JSON")
	classify := flag.Bool("classify", false, "classify stdin")
	dump := flag.String("dump", "", "print rows of the files: fn (missed), fp (wrongly flagged)")
	apart := flag.Bool("apart", false, "toxic F1 per file with the clean rows only the obscenity rules flag set apart (2ch caveat)")
	label := flag.String("label", "", "with -dump: judge this label only (spam, toxic …), not any flag")
	disable := flag.String("disable", "", "comma-separated rule or pack ids to switch off (e.g. model)")
	flag.Parse()
	cfg := rules.DefaultConfig()
	if *disable != "" {
		cfg.Disable = strings.Split(*disable, ",")
	}
	e, err := rules.Load(cfg, ".")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *classify {
		if err := eval.Classify(e, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if *apart {
		apartRows(e, flag.Args())
		return
	}
	if *dump != "" {
		dumpRows(e, flag.Args(), *dump, *label, *raw)
		return
	}
	rep, err := eval.Run(e, flag.Args(), eval.Options{RawPlaceholders: *raw})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *js {
		rep.WriteJSON(os.Stdout)
	} else {
		rep.WriteTable(os.Stdout)
	}
}

func dumpRows(e *rules.Engine, files []string, mode, label string, raw bool) {
	for _, path := range files {
		f, _ := os.Open(path)
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var r struct {
				Text     string   `json:"text"`
				Labels   []string `json:"labels"`
				Expected string   `json:"expected"`
			}
			json.Unmarshal(sc.Bytes(), &r)
			text := r.Text
			if !raw {
				text = eval.FillPlaceholders(text)
			}
			var res moderation.Result
			e.Evaluate(&moderation.Comment{Text: text}, nil, &res)
			pos := len(r.Labels) > 0 || r.Expected == "flag"
			flagged := res.Verdict != moderation.Allow
			if label != "" {
				pos = slices.Contains(r.Labels, label)
				want := []string{label}
				if label == "toxic" { // the umbrella: any of its kinds
					want = []string{"toxic", "obscenity", "insult", "threat"}
				}
				flagged = flagged && slices.ContainsFunc(res.Labels, func(l string) bool { return slices.Contains(want, l) })
			}
			rs := []string{}
			for _, m := range res.Matches {
				rs = append(rs, m.Rule+"="+m.Matched)
			}
			switch {
			case mode == "fn" && pos && !flagged, mode == "fp" && !pos && flagged, mode == "all":
				fmt.Printf("%s\t%v\t%s\n", res.Verdict, rs, strings.ReplaceAll(r.Text, "\n", " "))
			}
		}
		f.Close()
	}
}

// apartRows prints toxic F1 with the clean-labelled rows that only the
// obscenity rules flag left out, as eval.Apart does for -kfold.
func apartRows(e *rules.Engine, files []string) {
	has := func(res *moderation.Result, l string) bool {
		return res.Verdict != moderation.Allow && slices.Contains(res.Labels, l)
	}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var tp, fp, fn, only int
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var r struct {
				Text   string   `json:"text"`
				Labels []string `json:"labels"`
				Scope  []string `json:"scope"`
			}
			if json.Unmarshal(sc.Bytes(), &r) != nil || !slices.Contains(r.Scope, "toxic") {
				continue
			}
			var res moderation.Result
			e.Evaluate(&moderation.Comment{Text: eval.FillPlaceholders(r.Text)}, nil, &res)
			pos := len(r.Labels) > 0
			pred := has(&res, "obscenity") || has(&res, "insult") || has(&res, "threat") || has(&res, "toxic")
			if !pos && has(&res, "obscenity") && !has(&res, "insult") && !has(&res, "threat") && !has(&res, "toxic") {
				only++
				continue
			}
			switch {
			case pos && pred:
				tp++
			case pos:
				fn++
			case pred:
				fp++
			}
		}
		f.Close()
		p, rc := float64(tp)/float64(tp+fp), float64(tp)/float64(tp+fn)
		fmt.Printf("%s\tonly-obscenity-on-clean %d\ttp %d fp %d fn %d\tP %.3f R %.3f F1 %.3f\n", path, only, tp, fp, fn, p, rc, 2*p*rc/(p+rc))
	}
}

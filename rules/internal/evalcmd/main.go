// Command evalcmd runs the eval of rules/eval over files, for tuning the
// shipped packs without the strazh binary.
package main

import (
	"bufio"
	"encoding/json"
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
	flag.Parse()
	e, err := rules.Load(rules.DefaultConfig(), ".")
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
	if *dump != "" {
		dumpRows(e, flag.Args(), *dump, *raw)
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

func dumpRows(e *rules.Engine, files []string, mode string, raw bool) {
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

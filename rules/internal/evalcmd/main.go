// Command evalcmd runs the eval of rules/eval over files, for tuning the
// shipped packs without the strazh binary.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/strazh/strazh/rules"
	"github.com/strazh/strazh/rules/eval"
)

func main() {
	raw := flag.Bool("raw", false, "leave corpus placeholders as they are")
	js := flag.Bool("json", false, "print JSON")
	classify := flag.Bool("classify", false, "classify stdin")
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

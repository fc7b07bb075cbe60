// Command speedprobe times the rules alone on a file of lines: the
// minimum of N passes, so a shared machine's noise does not hide a change.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules"
)

func main() {
	cfg := rules.DefaultConfig()
	cfg.Disable = append([]string{"model"}, strings.Fields(os.Getenv("PROBE_DISABLE"))...)
	e, err := rules.Load(cfg, ".")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	best := time.Hour
	var c moderation.Comment
	var res moderation.Result
	for pass := 0; pass < 15; pass++ {
		t0 := time.Now()
		for _, l := range lines {
			c.Text = l
			res.Reset()
			e.Evaluate(&c, nil, &res)
		}
		if d := time.Since(t0); d < best {
			best = d
		}
	}
	fmt.Printf("%d lines, best %v, %.0f lines/s\n", len(lines), best, float64(len(lines))/best.Seconds())
}

// Command speedprobe times the rules alone on a file of lines: the
// minimum over 15 passes of the process's CPU time (not wall time, which
// waits for the other users of a shared core), so a loaded machine's
// noise does not hide a change. Run it pinned: taskset -c 0.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"syscall"
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
	if p := os.Getenv("PROBE_PROFILE"); p != "" {
		pf, err := os.Create(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	best := time.Hour
	var c moderation.Comment
	var res moderation.Result
	for pass := 0; pass < 15; pass++ {
		t0 := cpuTime()
		for _, l := range lines {
			c.Text = l
			res.Reset()
			e.Evaluate(&c, nil, &res)
		}
		if d := cpuTime() - t0; d < best {
			best = d
		}
	}
	fmt.Printf("%d lines, best %v, %.0f lines/s\n", len(lines), best, float64(len(lines))/best.Seconds())
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

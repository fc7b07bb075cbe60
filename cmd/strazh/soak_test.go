package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors/vk/vktest"
)

// The soak runs the real daemon (runDaemon: store, rules, VK connectors,
// pipeline, metrics) in a child process against one VK fake per page, all
// behind one loopback server, and reports the child's RSS and goroutines at idle and under
// load for each page count. It is a measurement, not a unit test:
//
//	go test ./cmd/strazh -run TestSoak -soak -v
//	go test ./cmd/strazh -run TestSoak -soak -soak.pages=10,100,1000 -soak.rate=300 -soak.load=20s -v
var (
	soak      = flag.Bool("soak", false, "run the memory soak (TestSoak)")
	soakPages = flag.String("soak.pages", "10,100,1000", "page counts to measure, comma-separated")
	soakRate  = flag.Int("soak.rate", 300, "comments per second across all pages under load")
	soakIdle  = flag.Duration("soak.idle", 10*time.Second, "time to settle before the idle measurement")
	soakLoad  = flag.Duration("soak.load", 20*time.Second, "how long the load runs")
)

const soakChildEnv = "STRAZH_SOAK_CONFIG"

// TestSoakChild is the daemon side of TestSoak (run only as its child).
func TestSoakChild(t *testing.T) {
	path := os.Getenv(soakChildEnv)
	if path == "" {
		t.Skip("run by TestSoak")
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := runDaemon(ctx, cfg, daemonHooks{logOut: io.Discard}); err != nil {
		t.Fatal(err)
	}
}

type soakSample struct {
	rssMB      float64
	goroutines int
}

func TestSoak(t *testing.T) {
	if !*soak {
		t.Skip("a measurement: run with -soak")
	}
	fmt.Printf("%-6s %-10s %12s %12s %14s %10s\n", "pages", "phase", "RSS MB", "goroutines", "goroutines/pg", "comments")
	for _, f := range strings.Split(*soakPages, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			t.Fatalf("-soak.pages: bad count %q", f)
		}
		soakRun(t, n)
	}
}

func soakRun(t *testing.T, pages int) {
	fakes := make([]*vktest.Server, pages)
	posts := make([]int, pages)
	var cfg strings.Builder
	dir := t.TempDir()
	metrics := freePort(t)
	fmt.Fprintf(&cfg, "state_dir: %s\nmetrics: {listen: %q}\nlog: {level: error}\nrules: {builtin: ru}\naccounts:\n",
		filepath.Join(dir, "state"), metrics)
	// One loopback server for all the fakes, each under its own path, as all
	// pages of a daemon talk to the same VK hosts.
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for i := range fakes {
		prefix := "/page" + strconv.Itoa(i)
		f := vktest.NewMounted(vktest.Options{}, srv.URL+prefix)
		defer f.Close()
		mux.Handle(prefix+"/", http.StripPrefix(prefix, f.Handler()))
		fakes[i], posts[i] = f, f.AddPost("Новость")
		fmt.Fprintf(&cfg, "  - {name: page-%04d, network: vk, group_id: %d, api_url: %q, "+
			"community_token_env: STRAZH_SOAK_VK_COMMUNITY, user_token_env: STRAZH_SOAK_VK_USER}\n",
			i, f.GroupID(), f.MethodURL())
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSoakChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), soakChildEnv+"="+path,
		"STRAZH_SOAK_VK_COMMUNITY="+fakes[0].CommunityToken(), "STRAZH_SOAK_VK_USER="+fakes[0].UserToken())
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	// Every page reads its long poll.
	deadline := time.Now().Add(3 * time.Minute)
	for i := 0; i < pages; {
		if len(fakes[i].Calls("a_check")) > 0 {
			i++
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d pages: page %d never reached its long poll", pages, i)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(*soakIdle)
	idle := soakMeasure(t, cmd.Process.Pid, metrics)
	soakReport(pages, "idle", idle, 0)

	// Load: comments at the rate across random pages, every fourth obscene;
	// sampled once a second on the side, so that scraping does not slow
	// the sender.
	samples := make(chan soakSample)
	stopSampling := make(chan struct{})
	go func() {
		defer close(samples)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-tick.C:
				samples <- soakMeasure(t, cmd.Process.Pid, metrics)
			}
		}
	}()
	peak := idle
	const ticks = 100 // per second; each sends rate/100 comments
	tick := time.NewTicker(time.Second / ticks)
	start := time.Now()
	sent := 0
	for time.Since(start) < *soakLoad {
		select {
		case <-tick.C:
			// Catch up on ticks a slow round missed, keeping the rate.
			want := int(time.Since(start).Seconds() * float64(*soakRate))
			for ; sent < want; sent++ {
				p := rand.N(pages)
				fakes[p].AddComment(posts[p], 1000+sent%997, benchText(sent))
			}
		case s := <-samples:
			peak.rssMB = max(peak.rssMB, s.rssMB)
			peak.goroutines = max(peak.goroutines, s.goroutines)
		}
	}
	tick.Stop()
	close(stopSampling)
	for s := range samples {
		peak.rssMB = max(peak.rssMB, s.rssMB)
		peak.goroutines = max(peak.goroutines, s.goroutines)
	}
	soakReport(pages, "load peak", peak, sent)
}

func soakReport(pages int, phase string, s soakSample, sent int) {
	fmt.Printf("%-6d %-10s %12.1f %12d %14.2f %10d\n", pages, phase, s.rssMB, s.goroutines,
		float64(s.goroutines)/float64(pages), sent)
}

// soakMeasure reads the child's resident set from /proc and its goroutines
// from its own metrics; a failure is reported and leaves zeros.
func soakMeasure(t *testing.T, pid int, metrics string) soakSample {
	var s soakSample
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Error(err)
		return s
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			s.rssMB = float64(kb) / 1024
		}
	}
	resp, err := http.Get("http://" + metrics + "/metrics")
	if err != nil {
		t.Error(err)
		return s
	}
	defer resp.Body.Close()
	sc = bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			s.goroutines, _ = strconv.Atoi(strings.TrimSpace(rest))
		}
	}
	return s
}

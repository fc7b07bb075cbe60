package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/rules"
)

// `strazh sim` and `strazh run` on its printed configuration, in one
// process: comments arrive, strazh decides and acts, the simulated
// moderator decides a review in the simulated chat, and /metrics shows it.
func TestSim_RunAgainstIt(t *testing.T) {
	simAddr, metricsAddr := freePort(t), freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	var simOut syncBuffer
	simDone := make(chan error, 1)
	go func() {
		simDone <- cmdSim(ctx, []string{"-listen", simAddr, "-interval", "20ms", "-moderator-delay", "1ms"},
			stdio{strings.NewReader(""), &simOut, &simOut})
	}()
	defer func() {
		cancel()
		if err := <-simDone; err != nil {
			t.Errorf("sim: %v\n%s", err, simOut.String())
		}
	}()

	dir := t.TempDir()
	body := strings.Replace(simConfig(simAddr, filepath.Join(dir, "state")), "listen: 127.0.0.1:9464", "listen: "+metricsAddr, 1)
	path := filepath.Join(dir, "sim.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("STRAZH_SIM_TOKEN", simtest.Token)
	t.Setenv("STRAZH_SIM_TELEGRAM_TOKEN", simTelegramToken)
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[moderation.Verdict]int{}
	humans := 0
	runCtx, stopRun := context.WithCancel(ctx)
	runDone := make(chan error, 1)
	logs := &syncBuffer{}
	go func() {
		runDone <- runDaemon(runCtx, cfg, daemonHooks{logOut: logs, onDecision: func(d *moderation.Decision) {
			mu.Lock()
			defer mu.Unlock()
			seen[d.Verdict]++
			if d.Review != nil && d.Review.Status == moderation.ReviewDecided {
				humans++
			}
		}})
	}()
	defer func() {
		stopRun()
		if err := <-runDone; err != nil {
			t.Errorf("run: %v\n%s", err, logs)
		}
	}()
	waitFor(t, "decisions of every kind and a moderator's", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return seen[moderation.Allow] > 0 && seen[moderation.Delete] > 0 && seen[moderation.Review] > 0 && humans > 0
	})
	_, metrics := get(t, "http://"+metricsAddr+"/metrics")
	for _, want := range []string{`strazh_comments_processed_total{account="sim-page",verdict="allow"}`,
		`strazh_review_channel_up{channel="telegram"} 1`, `strazh_connector_last_success_timestamp_seconds{account="sim-page"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if code, body := get(t, "http://"+metricsAddr+"/readyz"); code != 200 {
		t.Errorf("/readyz %d %s", code, body)
	}
	if !strings.Contains(simOut.String(), "-print-config") {
		t.Errorf("sim does not say how to configure strazh run:\n%s", simOut.String())
	}
}

// deploy/sim/config.yaml is what `strazh sim -print-config` prints, and it
// loads.
func TestSimConfig_ExampleUpToDate(t *testing.T) {
	want := simConfig("127.0.0.1:8080", "/tmp/strazh-sim")
	got, err := os.ReadFile("../../deploy/sim/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("deploy/sim/config.yaml differs from strazh sim -print-config: regenerate it with\n  strazh sim -print-config > deploy/sim/config.yaml")
	}
	t.Setenv("STRAZH_SIM_TOKEN", simtest.Token)
	t.Setenv("STRAZH_SIM_TELEGRAM_TOKEN", simTelegramToken)
	if _, err := config.Load("../../deploy/sim/config.yaml"); err != nil {
		t.Error(err)
	}
	var out bytes.Buffer
	if code := runMain(context.Background(), []string{"sim", "-print-config"}, stdio{strings.NewReader(""), &out, &out}); code != 0 || out.String() != want {
		t.Errorf("strazh sim -print-config: exit %d\n%s", code, out.String())
	}
}

// The stream is realistic for the rules: residents' comments stay,
// advertising and мат never do, rudeness never passes unseen.
func TestStream_VerdictsFitKinds(t *testing.T) {
	e, err := rules.Load(rules.DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	h := pipeline.NewMemoryHistory(30 * 24 * time.Hour)
	st := simtest.NewStream(1)
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	kinds := map[simtest.Kind]int{}
	for i := range 400 {
		it := st.Next()
		kinds[it.Kind]++
		c := moderation.Comment{Account: "sim-page", Text: it.Text, Created: at.Add(time.Duration(i) * 3 * time.Second),
			Author: moderation.Author{ID: it.AuthorID, Name: it.AuthorName}}
		var res moderation.Result
		e.Evaluate(&c, h, &res)
		h.Record(&c, res.Fingerprint, res.Verdict >= moderation.Delete)
		bad := false
		switch it.Kind {
		case simtest.KindFine:
			bad = res.Verdict >= moderation.Delete
		case simtest.KindSpam, simtest.KindObscene, simtest.KindDoubt:
			bad = res.Verdict == moderation.Allow
		}
		if bad {
			t.Errorf("%s comment %q: %v (%v)", it.Kind, it.Text, res.Verdict, res.Matches)
		}
	}
	for _, k := range []simtest.Kind{simtest.KindFine, simtest.KindDoubt, simtest.KindObscene, simtest.KindSpam} {
		if kinds[k] == 0 {
			t.Errorf("no %s comment in 400", k)
		}
	}
}

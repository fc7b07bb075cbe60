package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// /readyz reports a broken review chat (it said "ready" while no card
// could reach the moderators), and the metrics show the channel down.
func TestReadyz_BrokenReviewChannel(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	tg := telegramtest.New("")
	defer tg.Close()
	t.Setenv("STRAZH_E2E_SIM_TOKEN", simtest.Token)
	t.Setenv("STRAZH_E2E_TG_TOKEN", tg.Token())
	dir := t.TempDir()
	addr := freePort(t)
	body := fmt.Sprintf(reviewConfig, filepath.Join(dir, "state"), tg.URL(), e2eChat, e2eModerator, net.URL)
	body = strings.Replace(body, `metrics: {listen: ""}`, fmt.Sprintf("metrics: {listen: %q}", addr), 1)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tg.Down()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan *pipeline.Pipeline, 1)
	logs := &syncBuffer{}
	go func() {
		done <- runDaemon(ctx, cfg, daemonHooks{logOut: logs, onReady: func(p *pipeline.Pipeline) { ready <- p }, timing: review.Timing{PollTimeout: time.Second, Tick: 100 * time.Millisecond, MinGap: time.Millisecond,
			PerMinute: 1000, Retry: moderation.RetryPolicy{InitialInterval: 20 * time.Millisecond, MaxInterval: 200 * time.Millisecond}}})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon: %v", err)
		}
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("daemon did not start: %v\n%s", err, logs)
	}
	waitFor(t, "/readyz reports the review chat", func() bool {
		code, body := get(t, "http://"+addr+"/readyz")
		return code == 503 && strings.Contains(body, "telegram review chat")
	})
	_, metrics := get(t, "http://"+addr+"/metrics")
	if !strings.Contains(metrics, `strazh_review_channel_up{channel="telegram"} 0`) {
		t.Errorf("metrics lack the channel down:\n%s", grepLines(metrics, "strazh_review"))
	}
	if strings.Contains(metrics, tg.Token()) {
		t.Error("the token is in the metrics")
	}
	tg.Up()
	waitFor(t, "/readyz ready again", func() bool {
		code, _ := get(t, "http://"+addr+"/readyz")
		return code == 200
	})
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

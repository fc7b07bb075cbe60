package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation/pipeline"
)

const cadenceVKConfig = `state_dir: %s
metrics: {listen: "%s"}
log: {level: error}
rules: {builtin: ru}
cadence: {min_per_week: 7, every: 1m}
accounts:
  - name: admin-vk
    network: vk
    group_id: %d
    api_url: %s
    community_token_env: STRAZH_TEST_CADENCE_COMMUNITY
    user_token_env: STRAZH_TEST_CADENCE_USER
    long_poll_wait: 1s
`

// The daemon polls the VK page's own posts at start and exports the count
// of the last 7 days beside the norm the alert compares it with.
func TestDaemon_CadenceMetric(t *testing.T) {
	f := vktest.New(vktest.Options{})
	defer f.Close()
	now := time.Now()
	for _, age := range []time.Duration{time.Hour, 2 * 24 * time.Hour, 6 * 24 * time.Hour, 8 * 24 * time.Hour} {
		f.AddPostAt("новость", now.Add(-age))
	}
	f.AddPostBy(501, "пост жителя", now)
	t.Setenv("STRAZH_TEST_CADENCE_COMMUNITY", f.CommunityToken())
	t.Setenv("STRAZH_TEST_CADENCE_USER", f.UserToken())
	dir := t.TempDir()
	metrics := freePort(t)
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, fmt.Appendf(nil, cadenceVKConfig, filepath.Join(dir, "state"), metrics, f.GroupID(), f.MethodURL()), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan *pipeline.Pipeline, 1)
	go func() {
		done <- runDaemon(ctx, cfg, daemonHooks{logOut: io.Discard, onReady: func(p *pipeline.Pipeline) { ready <- p }})
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
		t.Fatalf("daemon did not start: %v", err)
	}
	var body string
	waitFor(t, "strazh_posts_week exported", func() bool {
		resp, err := http.Get("http://" + metrics + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return strings.Contains(body, `strazh_posts_week{account="admin-vk"}`)
	})
	for _, want := range []string{`strazh_posts_week{account="admin-vk"} 3`, "strazh_posts_week_min 7"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/review/telegramtest"
	"github.com/strazh/strazh/moderation/store"
	"github.com/strazh/strazh/report"
)

const registryTGConfig = `state_dir: %s
rules: {builtin: ru}
accounts:
  - name: rayon-telegram
    network: telegram
    chat_id: -1001234567890
    channel_id: -1009876543210
    api_url: %s
    token_env: STRAZH_TEST_REG_TG
    registry: {purpose: Новости района}
`

// A Telegram account's registry row has the channel's title, link and
// subscribers from the Bot API and its last post from the posts the
// daemon recorded (the database, the daemon stopped); when getChat fails
// the row is the configuration's, the gap said and the error named.
func TestCmdRegistry_Telegram(t *testing.T) {
	f := telegramtest.New("")
	defer f.Close()
	f.AddGroup(-1001234567890, telegramtest.Chat{ID: -1009876543210, Title: "Администрация района", Username: "adm_rayon"})
	f.SetChannelInfo(-1001234567890, telegramtest.ChannelInfo{Members: 4321})
	t.Setenv("STRAZH_TEST_REG_TG", f.Token())
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, fmt.Appendf(nil, registryTGConfig, dir, f.URL()), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	last := time.Now().Add(-5 * time.Hour).Truncate(time.Second)
	db, err := store.Open(cfg.DBPath(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PutPosts([]moderation.Post{{Network: "telegram", Account: "rayon-telegram", ID: "7", At: last}}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	type row struct {
		Name, URL, Purpose, Missing string
		Followers                   int
		Verified                    *bool
		LastPost                    *time.Time `json:"last_post"`
		NetworkData                 bool       `json:"network_data"`
	}
	render := func() (row, string) {
		t.Helper()
		out, errOut, code := runCLI(context.Background(), "registry", "-config", cfgPath, "-format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got struct{ Accounts []row }
		if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Accounts) != 1 {
			t.Fatalf("%v:\n%s", err, out)
		}
		return got.Accounts[0], errOut
	}
	r, _ := render()
	if r.Name != "Администрация района" || r.URL != "https://t.me/adm_rayon" || r.Followers != 4321 || r.Purpose != "Новости района" ||
		!r.NetworkData || r.LastPost == nil || !r.LastPost.Equal(last) || r.Missing != "" {
		t.Errorf("row %+v", r)
	}

	f.FailNext("getChat", 1, 400, "Bad Request: chat not found", 0)
	r, errOut := render()
	if r.Name != "rayon-telegram" || r.URL != "" || r.NetworkData || r.Verified != nil || r.LastPost != nil || r.Missing == "" {
		t.Errorf("after a getChat failure: row %+v", r)
	}
	if !strings.Contains(errOut, "rayon-telegram: telegram: page info: telegram: getChat: 400") || strings.Contains(errOut, f.Token()) {
		t.Errorf("stderr does not name the failure (or holds the token):\n%s", errOut)
	}
}

const cadenceTGConfig = `state_dir: %s
metrics: {listen: "%s"}
log: {level: error}
rules: {builtin: ru}
cadence: {min_per_week: 7, every: 1m}
accounts:
  - name: rayon-telegram
    network: telegram
    chat_id: -1001234567890
    channel_id: -1009876543210
    api_url: %s
    token_env: STRAZH_TEST_CADENCE_TG
    poll_timeout: 1s
`

// The daemon records a Telegram channel's posts as they arrive (the
// cadence gives the connector its store), says the first week is counted
// short, and `strazh registry` reads the last post through the admin
// socket while the daemon holds the database.
func TestDaemon_TelegramPosts(t *testing.T) {
	const group, chanID = int64(-1001234567890), int64(-1009876543210)
	f := telegramtest.New("")
	defer f.Close()
	f.AddGroup(group, telegramtest.Chat{ID: chanID, Title: "Администрация района", Username: "adm_rayon"})
	f.SetChannelAdmin(group, true)
	t.Setenv("STRAZH_TEST_CADENCE_TG", f.Token())
	dir := t.TempDir()
	metrics := freePort(t)
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, fmt.Appendf(nil, cadenceTGConfig, filepath.Join(dir, "state"), metrics, f.URL()), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		done <- runDaemon(ctx, cfg, daemonHooks{logOut: io.Discard, onReady: func(*pipeline.Pipeline) { close(ready) }})
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
	before := time.Now().Truncate(time.Second)
	_, fwd := f.PublishPost(group, "График вывоза мусора на декабрь")
	after := time.Now()
	f.Comment(group, telegramtest.User{ID: 501, FirstName: "Иван"}, fwd, "спасибо")

	var row struct {
		LastPost *time.Time `json:"last_post"`
		URL      string
	}
	waitFor(t, "the registry's last post", func() bool {
		out, _, code := runCLI(context.Background(), "registry", "-config", cfgPath, "-format", "json")
		var got struct{ Accounts []json.RawMessage }
		if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got.Accounts) != 1 {
			return false
		}
		return json.Unmarshal(got.Accounts[0], &row) == nil && row.LastPost != nil
	})
	if row.LastPost.Before(before) || row.LastPost.After(after) || row.URL != "https://t.me/adm_rayon" {
		t.Errorf("row %+v, want the post's date (%v to %v)", row, before, after)
	}
	_, body := get(t, "http://"+metrics+"/metrics")
	if !strings.Contains(body, `strazh_posts_week_partial{account="rayon-telegram"} 1`) {
		t.Errorf("/metrics does not say the first week is counted short")
	}
	// The report the daemon builds says it too: the week began before the
	// channel was counted.
	q := url.Values{"kind": {"week"}, "since": {time.Now().Add(-7 * 24 * time.Hour).Format(time.RFC3339)}, "until": {time.Now().Add(time.Hour).Format(time.RFC3339)}}
	var r report.Report
	if err := newSocketBackend(cfg.SocketPath()).call(context.Background(), http.MethodGet, "/v1/report?"+q.Encode(), nil, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Pages) != 1 || r.Pages[0].PostsSince.IsZero() || r.Pages[0].PostsSince.After(before.Add(time.Second)) {
		t.Errorf("report pages %+v: want rayon-telegram counted since the start", r.Pages)
	}
}

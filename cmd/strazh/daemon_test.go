package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
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
)

// syncBuffer is a log sink safe for the daemon's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

const daemonConfig = `state_dir: %s
metrics: {listen: "%s"}
log: {level: debug}
rules: {builtin: ru}
accounts:
  - name: page
    network: sim
    api_url: %s
    token_env: STRAZH_TEST_SIM_TOKEN
    poll_wait: 1s
`

type testDaemon struct {
	cfgPath string
	metrics string
	logs    *syncBuffer
	hup     chan os.Signal
	cancel  context.CancelFunc
	done    chan error
	pipe    *pipeline.Pipeline
}

func startTestDaemon(t *testing.T, net *simtest.Server) *testDaemon {
	t.Helper()
	t.Setenv("STRAZH_TEST_SIM_TOKEN", simtest.Token)
	dir := t.TempDir()
	td := &testDaemon{cfgPath: filepath.Join(dir, "config.yaml"), metrics: freePort(t), logs: &syncBuffer{},
		hup: make(chan os.Signal, 1), done: make(chan error, 1)}
	if err := os.WriteFile(td.cfgPath, []byte(fmt.Sprintf(daemonConfig, filepath.Join(dir, "state"), td.metrics, net.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(td.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	td.cancel = cancel
	ready := make(chan *pipeline.Pipeline, 1)
	go func() {
		td.done <- runDaemon(ctx, cfg, daemonHooks{logOut: td.logs, sighup: td.hup,
			onReady: func(p *pipeline.Pipeline) { ready <- p }})
	}()
	select {
	case td.pipe = <-ready:
	case err := <-td.done:
		t.Fatalf("daemon did not start: %v\n%s", err, td.logs)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-td.done; err != nil {
			t.Errorf("daemon: %v", err)
		}
	})
	return td
}

func (td *testDaemon) cli(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runMain(context.Background(), args, stdio{strings.NewReader(""), &out, &errb})
	return out.String(), errb.String(), code
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestDaemon_EndToEnd_CLIAndMetrics(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	td := startTestDaemon(t, net)
	clean := net.Post("p1", "u1", "Анна", "Спасибо за ремонт школы, дети довольны")
	bad := net.Post("p1", "u2", "Борис", "да вы охуели совсем, пиздец")
	waitFor(t, "obscene comment deleted", func() bool { return net.Deleted(bad) })

	// audit through the admin socket while the daemon runs: every decision, with ID and text.
	var out string
	waitFor(t, "both decided and the deletion recorded", func() bool {
		out, _, _ = td.cli(t, "audit", "-config", td.cfgPath)
		return strings.Count(out, "\n") == 2 && strings.Contains(out, "delete:done")
	})
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var first, second auditRecord
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal([]byte(lines[1]), &second)
	if first.CommentID != moderation.MakeID("sim", "page", clean) || first.Verdict != "allow" || first.Text == "" {
		t.Errorf("first audit line = %+v", first)
	}
	if second.Verdict != "delete" && second.Verdict != "ban" {
		t.Errorf("obscene comment verdict %q, want delete or ban", second.Verdict)
	}
	if len(second.Rules) == 0 || !strings.Contains(second.Actions, "delete:done") {
		t.Errorf("second audit line = %+v", second)
	}
	csvOut, _, code := td.cli(t, "audit", "-config", td.cfgPath, "-format", "csv", "-verdict", "delete,ban")
	if code != 0 || strings.Count(csvOut, "\n") != 2 || !strings.HasPrefix(csvOut, "id,decided_at") {
		t.Errorf("csv audit (code %d):\n%s", code, csvOut)
	}

	// metrics, health and readiness
	code, body := get(t, "http://"+td.metrics+"/metrics")
	for _, want := range []string{`strazh_comments_processed_total{account="page",verdict="allow"} 1`,
		`strazh_actions_total{account="page",action="delete",outcome="done"} 1`, "strazh_build_info",
		`strazh_review_backlog{account="page"}`, "strazh_connector_last_success_timestamp_seconds"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics (%d) lack %s", code, want)
		}
	}
	if code, _ := get(t, "http://"+td.metrics+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, _ := get(t, "http://"+td.metrics+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d", code)
	}

	// a bad reload keeps the running rules and says why
	if err := os.WriteFile(td.cfgPath+".bak", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(td.cfgPath)
	if err := os.WriteFile(td.cfgPath, append(orig, []byte("rules: {files: [missing-*.yaml, /nonexistent/x.yaml]}\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	td.hup <- os.Interrupt
	waitFor(t, "reload failure logged", func() bool { return strings.Contains(td.logs.String(), "reload failed") })
	bad2 := net.Post("p1", "u3", "Вера", "ну ты и мудак, блядь")
	waitFor(t, "still moderating after a bad reload", func() bool { return net.Deleted(bad2) })
	_ = os.WriteFile(td.cfgPath, orig, 0o600)
	td.hup <- os.Interrupt
	waitFor(t, "good reload logged", func() bool { return strings.Contains(td.logs.String(), "configuration reloaded") })
}

func TestDaemon_ReviewAndBlacklistFromTheShell(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	td := startTestDaemon(t, net)
	td.pipe.Pause("test") // everything the rules would delete goes to review
	id := net.Post("p1", "u9", "Глеб", "пошёл нахуй, пидор")
	waitFor(t, "review pending", func() bool {
		out, _, _ := td.cli(t, "review", "-config", td.cfgPath)
		return strings.Contains(out, "1 pending")
	})
	list, _ := td.pipe.PendingReviews()
	out, errOut, code := td.cli(t, "review", "-config", td.cfgPath, "-decide", fmt.Sprint(list[0].ID), "-verdict", "ban", "-ban", "7d")
	if code != 0 {
		t.Fatalf("review -decide: %d %s", code, errOut)
	}
	if !strings.Contains(out, "ban:done") && !strings.Contains(out, "ban: done") {
		t.Errorf("decide output: %s", out)
	}
	if !net.Deleted(id) {
		t.Error("comment not deleted after the shell decision")
	}
	if b, ok := net.Banned("u9"); !ok || b.Until == 0 {
		t.Errorf("ban on the network: %+v %v", b, ok)
	}
	_, errOut, code = td.cli(t, "review", "-config", td.cfgPath, "-decide", fmt.Sprint(list[0].ID), "-verdict", "allow")
	if code == 0 || !strings.Contains(errOut, "already decided") {
		t.Errorf("second decision: code %d, %s", code, errOut)
	}
	out, _, _ = td.cli(t, "blacklist", "-config", td.cfgPath)
	if !strings.Contains(out, "u9") {
		t.Errorf("blacklist lacks u9:\n%s", out)
	}
	out, errOut, code = td.cli(t, "blacklist", "-config", td.cfgPath, "-unban", "u9", "-network", "sim")
	if code != 0 || !strings.Contains(out, "unbanned u9 on 1") {
		t.Errorf("unban: %d %s %s", code, out, errOut)
	}
	if _, ok := net.Banned("u9"); ok {
		t.Error("still banned on the network")
	}
}

func TestCheck_Configs(t *testing.T) {
	var out, errb bytes.Buffer
	code := runMain(context.Background(), []string{"check", "-config", "../../config.example.yaml"}, stdio{nil, &out, &errb})
	if code != 0 {
		t.Errorf("check config.example.yaml: exit %d\n%s%s", code, out.String(), errb.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("state_dir: /x\nmetrics: {listen: nowhere}\naccounts:\n  - name: a\n    network: sim\n    api_url: http://x:1\n    token_env: T\n    colour: red\n"), 0o600)
	out.Reset()
	errb.Reset()
	code = runMain(context.Background(), []string{"check", "-config", bad}, stdio{nil, &out, &errb})
	if code != 1 {
		t.Errorf("broken config: exit %d, want 1", code)
	}
	for _, want := range []string{bad + ":8: accounts[0].colour: unknown key", "metrics.listen", "2 problem(s) found"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, errb.String())
		}
	}
}

func TestClassify_Contract(t *testing.T) {
	var out, errb bytes.Buffer
	in := strings.NewReader("Спасибо за новый парк\nх.у.й вам а не дороги\n")
	if code := runMain(context.Background(), []string{"classify"}, stdio{in, &out, &errb}); code != 0 {
		t.Fatalf("classify: %d %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("classify printed %d lines:\n%s", len(lines), out.String())
	}
	var v []struct {
		Verdict string   `json:"verdict"`
		Labels  []string `json:"labels"`
		Rules   []string `json:"rules"`
		Reason  *string  `json:"reason"`
	}
	for _, l := range lines {
		var x struct {
			Verdict string   `json:"verdict"`
			Labels  []string `json:"labels"`
			Rules   []string `json:"rules"`
			Reason  *string  `json:"reason"`
		}
		if err := json.Unmarshal([]byte(l), &x); err != nil || x.Labels == nil || x.Rules == nil || x.Reason == nil {
			t.Errorf("line %q does not follow the contract (%v)", l, err)
		}
		v = append(v, x)
	}
	if v[0].Verdict != "allow" || (v[1].Verdict != "delete" && v[1].Verdict != "ban") {
		t.Errorf("verdicts %q, %q", v[0].Verdict, v[1].Verdict)
	}
}

package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation/pipeline"
)

var screenshots = flag.Bool("screenshots", false, "TestWebConsole_Browser: write docs/console-*.png")

// The review console in a real browser: headless Chromium (Debian's
// chromium package) driven by chromedp signs in, decides a card and the
// deletion reaches the network fake, searches the audit, presses
// «Повторить» on a deletion the network refused and «Ответить» on an
// appeal (web_browser_more_test.go), and is refused without a session and
// with the wrong role. Skipped only when there is no
// Chromium and CI is not set (CI=true: a missing browser fails).
//
//	go test ./cmd/strazh -run TestWebConsole_Browser -args -screenshots
func TestWebConsole_Browser(t *testing.T) {
	browser := findChromium()
	if browser == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium binary found under CI: .ci/run installs Debian's chromium package")
		}
		t.Skip("no chromium binary (apt-get install chromium) and not under CI: skipping the browser test")
	}
	c := newConsoleRig(t, "appeals: {enabled: true}\n")
	c.addUser(t, "anna", "moderator", "anna-password-1")
	c.addUser(t, "olga", "viewer", "olga-password-1")
	ids := map[string]string{
		"threat": c.net.Post("p1", "u79", "Пётр", threat),
	}
	c.net.Post("p1", "u80", "Светлана", "Спасибо за новую остановку у школы!")
	ids["appeal"] = c.net.Post("p2", "u81", "Игорь", "Когда отремонтируют дорогу на Садовой?")
	ids["spam"] = c.net.Post("p2", "u82", "Заработок", "Раздаю 3000 рублей первым пятерым, пишите + в личку")
	waitFor(t, "the spam deleted automatically", func() bool { return c.net.Deleted(ids["spam"]) })
	waitFor(t, "the threat in review", func() bool {
		p, _ := c.pipe.PendingReviews()
		return len(p) == 1
	})
	pending, _ := c.pipe.PendingReviews()
	card := fmt.Sprintf("#card-%d", pending[0].ID)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 900), chromedp.Flag("headless", "new"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	newTab := func() (context.Context, context.CancelFunc) {
		ctx, cancel := chromedp.NewContext(actx) // a new browser context: its own cookies
		ctx, cancel2 := context.WithTimeout(ctx, 60*time.Second)
		return ctx, func() { cancel2(); cancel() }
	}
	base := "http://" + c.addr

	t.Run("no session is sent to sign in", func(t *testing.T) {
		ctx, cancel := newTab()
		defer cancel()
		run(t, ctx, chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(chromedp.ID("signin")))
		loc := browse(t, ctx, chromedp.Location())
		if !strings.Contains(loc, "/login") {
			t.Errorf("without a session /audit shows %s, want the sign-in page", loc)
		}
	})

	t.Run("moderator decides, audit finds it", func(t *testing.T) {
		ctx, cancel := newTab()
		defer cancel()
		run(t, ctx, chromedp.Navigate(base+"/queue"), chromedp.WaitVisible(chromedp.ID("user")),
			chromedp.SendKeys(chromedp.ID("user"), "anna"), chromedp.SendKeys(chromedp.ID("password"), "anna-password-1"),
			chromedp.Click(chromedp.ID("signin")), chromedp.WaitVisible(chromedp.CSS(card)))
		if n := browse(t, ctx, chromedp.Text(chromedp.CSS("article.notice"))); !strings.Contains(n, "Раздаю") || !strings.Contains(n, "Восстановить") {
			t.Errorf("the automatic deletion is not listed with «Восстановить»: %q", n)
		}
		if *screenshots {
			// The ban lengths open, as after a tap on «Удалить и забанить».
			run(t, ctx, chromedp.Click(chromedp.CSS(card+" details.ban summary")), chromedp.WaitVisible(chromedp.CSS(card+` button[value="ban-week"]`)))
			shot(t, ctx, "console-queue.png")
		}
		run(t, ctx, chromedp.Click(chromedp.CSS(card+" button.delete")), chromedp.WaitVisible(chromedp.ID("outcome")))
		outcome := browse(t, ctx, chromedp.Text(chromedp.ID("outcome")))
		if !strings.Contains(outcome, "удалён") || !strings.Contains(outcome, "web:anna") {
			t.Errorf("outcome %q, want the deletion by web:anna", outcome)
		}
		waitFor(t, "the deletion on the network fake", func() bool { return c.net.Deleted(ids["threat"]) })
		run(t, ctx, chromedp.Navigate(base+"/audit"), chromedp.SendKeys(chromedp.ID("q"), "УБЬЮ"),
			chromedp.Click(chromedp.ID("search")))
		waitFor(t, "the search results page", func() bool { return strings.Contains(browse(t, ctx, chromedp.Location()), "q=") })
		run(t, ctx, chromedp.WaitVisible(chromedp.ID("log")))
		log := browse(t, ctx, chromedp.Text(chromedp.ID("log")))
		if !strings.Contains(log, "убью") || strings.Contains(log, "Садовой") || !strings.Contains(log, "web:anna") {
			t.Errorf("audit search for УБЬЮ shows:\n%s", log)
		}
		if *screenshots {
			run(t, ctx, chromedp.Navigate(base+"/stats"), chromedp.WaitVisible(chromedp.ID("chart-comments")))
			shot(t, ctx, "console-stats.png")
		}
	})

	signIn := func(t *testing.T, ctx context.Context, next string) {
		t.Helper()
		run(t, ctx, chromedp.Navigate(base+next), chromedp.WaitVisible(chromedp.ID("user")),
			chromedp.SendKeys(chromedp.ID("user"), "anna"), chromedp.SendKeys(chromedp.ID("password"), "anna-password-1"),
			chromedp.Click(chromedp.ID("signin")), chromedp.WaitNotPresent(chromedp.ID("signin")),
			chromedp.WaitVisible(chromedp.CSS("main h1")))
	}
	t.Run("«Повторить» redoes a deletion the network refused", func(t *testing.T) {
		ctx, cancel := newTab()
		defer cancel()
		signIn(t, ctx, "/queue")
		browserRetry(t, ctx, c, base)
	})
	t.Run("«Ответить» answers an appeal on the network", func(t *testing.T) {
		ctx, cancel := newTab()
		defer cancel()
		signIn(t, ctx, "/appeals")
		browserAnswer(t, ctx, c, base, ids["appeal"])
	})

	t.Run("viewer is refused the queue", func(t *testing.T) {
		ctx, cancel := newTab()
		defer cancel()
		run(t, ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("user")),
			chromedp.SendKeys(chromedp.ID("user"), "olga"), chromedp.SendKeys(chromedp.ID("password"), "olga-password-1"),
			chromedp.Click(chromedp.ID("signin")), chromedp.WaitVisible(chromedp.ID("chart-comments")),
			chromedp.Navigate(base+"/queue"), chromedp.WaitVisible(chromedp.ID("error")))
		msg := browse(t, ctx, chromedp.Text(chromedp.ID("error")))
		if !strings.Contains(msg, "Недостаточно прав") {
			t.Errorf("viewer on /queue sees %q, want the refusal", msg)
		}
	})

	t.Run("wrong password stays out", func(t *testing.T) {
		ctx, cancel := newTab()
		defer cancel()
		run(t, ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("user")),
			chromedp.SendKeys(chromedp.ID("user"), "anna"), chromedp.SendKeys(chromedp.ID("password"), "not-her-password"),
			chromedp.Click(chromedp.ID("signin")), chromedp.WaitVisible(chromedp.ID("login-failed")))
	})
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

func browse[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// shot saves a full-page screenshot into docs/ at the repository's root.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := browse(t, ctx, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join("..", "..", "docs", name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func findChromium() string {
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// consoleRig is a daemon with the review console on a free port, a sim
// network and, when tgURL is given, the Telegram chat too.
type consoleRig struct {
	net     *simtest.Server
	cfgPath string
	addr    string
	pipe    *pipeline.Pipeline
	logs    *syncBuffer
}

const consoleConfig = `state_dir: %s
metrics: {listen: ""}
rules: {builtin: ru}
review:
  web:
    listen: "127.0.0.1:0"
    refresh: 5s
%saccounts:
  - name: page
    network: sim
    api_url: %s
    token_env: STRAZH_E2E_SIM_TOKEN
    poll_wait: 1s
`

func newConsoleRig(t *testing.T, extra string) *consoleRig {
	t.Helper()
	c := &consoleRig{net: simtest.New(), logs: &syncBuffer{}}
	t.Cleanup(c.net.Close)
	t.Setenv("STRAZH_E2E_SIM_TOKEN", simtest.Token)
	dir := t.TempDir()
	c.cfgPath = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(c.cfgPath, fmt.Appendf(nil, consoleConfig, filepath.Join(dir, "state"), extra, c.net.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(c.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan *pipeline.Pipeline, 1)
	addr := make(chan string, 1)
	go func() {
		done <- runDaemon(ctx, cfg, daemonHooks{logOut: c.logs, onReady: func(p *pipeline.Pipeline) { ready <- p },
			onWebListen: func(a net.Addr) { addr <- a.String() }, timing: e2eTiming})
	}()
	select {
	case c.pipe = <-ready:
		c.addr = <-addr
	case err := <-done:
		t.Fatalf("daemon: %v\n%s", err, c.logs)
	}
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("daemon: %v\n%s", err, c.logs)
			}
		})
	})
	return c
}

// addUser runs `strazh users add` against the running daemon (through
// its admin socket).
func (c *consoleRig) addUser(t *testing.T, name, role, pw string) {
	t.Helper()
	if _, errOut, code := runCLIStdin(pw+"\n", "users", "add", "-config", c.cfgPath, "-role", role, name); code != 0 {
		t.Fatalf("users add %s: %d %s", name, code, errOut)
	}
}

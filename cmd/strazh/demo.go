package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/duration"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// demoNet is a simulated network the demo runs the real daemon against.
type demoNet interface {
	// Account returns the account's YAML keys (besides name/network)
	// pointing at the fake.
	Account() map[string]any
	// Env returns environment variables (tokens) the account refers to.
	Env() map[string]string
	// Post publishes a comment as a citizen: kind is "wall", "photo",
	// "video", "market", "board" or "message"; author is a positive user id.
	// It returns the network-local comment id.
	Post(ctx context.Context, kind string, author int, authorName, text string) (int, error)
	// Summary reports what reached the fake: comments deleted, authors banned.
	Summary() (deleted, banned int)
	Close()
}

// demoNets are the networks `strazh demo -network` offers besides sim.
var demoNets = map[string]func() (demoNet, error){}

//go:embed demo_comments.txt
var demoScript string

// demoLine is one scripted comment: who writes what, and how the moderator
// of the demo answers if it goes to review.
type demoLine struct {
	author int
	name   string
	kind   string
	text   string
	expect moderation.Verdict // what the rules must decide (the demo test checks it)
	tap    string             // label the simulated moderator presses on its card
}

func parseDemoScript(s string) ([]demoLine, error) {
	var out []demoLine
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "|", 6)
		if len(parts) != 6 {
			return nil, fmt.Errorf("demo_comments.txt:%d: want author|name|kind|expect|tap|text", i+1)
		}
		want, ok := map[string]moderation.Verdict{"allow": moderation.Allow, "review": moderation.Review,
			"delete": moderation.Delete, "ban": moderation.Ban}[parts[3]]
		if !ok {
			return nil, fmt.Errorf("demo_comments.txt:%d: expect %q: want allow, review, delete or ban", i+1, parts[3])
		}
		var id int
		if _, err := fmt.Sscan(parts[0], &id); err != nil || id <= 0 {
			return nil, fmt.Errorf("demo_comments.txt:%d: author %q is not a positive number", i+1, parts[0])
		}
		out = append(out, demoLine{author: id, name: parts[1], kind: parts[2], expect: want, tap: parts[4], text: parts[5]})
	}
	return out, nil
}

// simDemo runs the demo against connectors/sim/simtest.
type simDemo struct{ srv *simtest.Server }

func (s *simDemo) Account() map[string]any {
	return map[string]any{"api_url": s.srv.URL, "token_env": "STRAZH_DEMO_SIM_TOKEN", "poll_wait": "5s"}
}
func (s *simDemo) Env() map[string]string {
	return map[string]string{"STRAZH_DEMO_SIM_TOKEN": simtest.Token}
}
func (s *simDemo) Post(_ context.Context, kind string, author int, name, text string) (int, error) {
	id := s.srv.Post("post-1", fmt.Sprint(author), name, text)
	var n int
	_, err := fmt.Sscanf(id, "c%d", &n)
	return n, err
}
func (s *simDemo) Summary() (int, int) { _, d, b := s.srv.Counts(); return d, b }
func (s *simDemo) Close()              { s.srv.Close() }

const (
	demoChatID      = -1001234567890
	demoModeratorID = 700001
)

func cmdDemo(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("demo", "[-network sim|vk|ok|max|all] [-duration 60s]",
		"Runs the real daemon end to end against a simulated network and a simulated\nTelegram chat: realistic comments arrive, strazh decides, deletes, bans and\nsends doubtful ones to review, where a simulated moderator taps the buttons.\nNo tokens, no network. The state stays in a temporary directory that\n`strazh audit` can read.", s)
	network := fs.String("network", "sim", "simulated network: "+strings.Join(append(append([]string{"sim"}, demoNetNames()...), "all"), ", "))
	runFor := new(time.Duration)
	*runFor = 60 * time.Second
	fs.Var(duration.Value{D: runFor}, "duration", "how long the comments keep arriving")
	dir := fs.String("dir", "", "state directory to use (default: a new temporary one)")
	metrics := fs.String("metrics", "", "serve /metrics on this `address` during the demo (e.g. 127.0.0.1:9464)")
	language := fs.String("language", "ru", "language of the review chat and of this output: ru or en")
	webListen := fs.String("web", "127.0.0.1:0", "the review console's `address` (port 0: any free one; \"\": no console)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, ok := demoTexts[*language]; !ok {
		fmt.Fprintf(s.err, "strazh demo: -language %q: want ru or en\n", *language)
		return errUsage
	}
	script, err := parseDemoScript(demoScript)
	if err != nil {
		return err
	}
	pages, err := demoPages(*network)
	if err != nil {
		fmt.Fprintf(s.err, "strazh demo: %v\n", err)
		return errUsage
	}
	net := multiDemo(pages)
	defer net.Close()
	tg := telegramtest.New("")
	defer tg.Close()
	mx := newDemoMAX() // the second review chat (demo_max.go)
	defer mx.Close()

	if *dir, err = demoDir(*dir); err != nil {
		return err
	}
	cfgPath, err := writeDemoConfig(*dir, pages, tg, demoSettings{metrics: *metrics, language: *language, review: mx.section(*language), web: *webListen})
	if err != nil {
		return err
	}
	for k, v := range net.Env() {
		os.Setenv(k, v)
	}
	os.Setenv("STRAZH_DEMO_TELEGRAM_TOKEN", tg.Token())
	os.Setenv("STRAZH_DEMO_MAX_TOKEN", maxtest.Token)
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	logFile, err := os.Create(filepath.Join(*dir, "strazh.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()

	var webPassword string
	if cfg.ReviewWeb != nil {
		if webPassword, err = addDemoUser(cfg); err != nil {
			return fmt.Errorf("demo console user: %w", err)
		}
	}
	view := newDemoView(s.out, cfg.Telegram.Language)
	view.pages = len(pages) > 1
	fmt.Fprintf(s.out, view.tx.intro+"\n", len(script), *runFor, *network)
	fmt.Fprintf(s.out, view.tx.state+"\n", *dir, logFile.Name())
	if cfg.Metrics.Listen != "" {
		fmt.Fprintf(s.out, "metrics: http://%s/metrics\n", cfg.Metrics.Listen)
	}
	fmt.Fprintln(s.out)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := make(chan *pipeline.Pipeline, 1)
	done := make(chan error, 1)
	webAddr := make(chan string, 1)
	go func() {
		done <- runDaemon(ctx, cfg, daemonHooks{
			onWebListen: func(a netAddr) { webAddr <- "http://" + a.String() },
			logOut:      logFile,
			onDecision:  view.decision,
			onReady:     func(p *pipeline.Pipeline) { ready <- p },
			timing: review.Timing{PollTimeout: 2 * time.Second, Tick: time.Second, MinGap: 50 * time.Millisecond,
				PerMinute: 600, Retry: moderation.RetryPolicy{InitialInterval: 100 * time.Millisecond, MaxInterval: time.Second}},
		})
	}()
	var pipe *pipeline.Pipeline
	select {
	case pipe = <-ready:
	case err := <-done:
		return fmt.Errorf("daemon did not start: %w (see %s)", err, logFile.Name())
	}

	var console *demoConsole
	if cfg.ReviewWeb != nil {
		base := <-webAddr
		tx := demoConsoleTexts[*language]
		fmt.Fprintf(s.out, tx.address+"\n\n", base, demoWebUser, webPassword)
		if console, err = newDemoConsole(ctx, base, webPassword); err != nil {
			fmt.Fprintf(s.err, "strazh demo: %v\n", err)
		} else {
			console.pipe, console.view, console.tx = pipe, view, tx
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); moderateInDemo(ctx, tg, script, view, console) }()
	go func() { defer wg.Done(); answerAppealsInDemo(ctx, tg, view) }() // demo_appeals.go

	gap := *runFor / time.Duration(len(script))
	for i, l := range script {
		if ctx.Err() != nil {
			break
		}
		if _, err := net.Post(ctx, l.kind, l.author, l.name, l.text); err != nil {
			fmt.Fprintf(s.err, "post %d: %v\n", i+1, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(gap):
		}
	}
	// Let the last decisions, actions and taps land.
	settle := time.Now().Add(15 * time.Second)
	for time.Now().Before(settle) && ctx.Err() == nil {
		pending, _ := pipe.PendingReviews()
		if len(pending) == 0 && view.count() >= len(script) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	cancel()
	wg.Wait()
	if err := <-done; err != nil {
		return err
	}
	deleted, banned := net.Summary()
	view.summary(deleted, banned, len(tg.BotMessages(demoChatID)))
	mx.summary(s.out, *language)
	fmt.Fprintf(s.out, "\n%s\n  %s audit -config %s\n", view.tx.audit, selfCommand(), shellQuote(cfgPath))
	return nil
}

// demoDir is the demo's state directory: a new temporary one, or dir,
// created when it does not exist yet.
func demoDir(dir string) (string, error) {
	if dir == "" {
		return os.MkdirTemp("", "strazh-demo-")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("-dir: %w", err)
	}
	return dir, nil
}

func demoNetNames() []string {
	names := make([]string, 0, len(demoNets))
	for n := range demoNets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// demoSettings are the demo's choices that go into its configuration.
type demoSettings struct {
	metrics  string         // metrics.listen; "": off
	language string         // telegram.language
	review   map[string]any // review: (the MAX chat); nil: none
	web      string         // review.web.listen; "": no console
}

func writeDemoConfig(dir string, pages []demoPage, tg *telegramtest.Server, set demoSettings) (string, error) {
	var accounts []any
	for _, p := range pages {
		acc := map[string]any{"name": "admin-" + p.network, "network": p.network,
			"ban": map[string]any{"duration": "720h", "comment": "Нарушение правил сообщества"}}
		for k, v := range p.net.Account() {
			acc[k] = v
		}
		accounts = append(accounts, acc)
	}
	cfg := map[string]any{
		"state_dir": filepath.Join(dir, "state"),
		"metrics":   map[string]any{"listen": set.metrics},
		"log":       map[string]any{"level": "info", "format": "text"},
		"rules":     map[string]any{"builtin": "ru"},
		"telegram": map[string]any{"api_url": tg.URL(), "token_env": "STRAZH_DEMO_TELEGRAM_TOKEN",
			"chat_id": demoChatID, "moderators": []int64{demoModeratorID}, "language": set.language, "notify_auto": "each"},
		"accounts": accounts,
	}
	if set.review != nil || set.web != "" {
		rv := map[string]any{}
		for k, v := range set.review {
			rv[k] = v
		}
		if set.web != "" {
			rv["web"] = map[string]any{"listen": set.web, "refresh": "5s"}
		}
		cfg["review"] = rv
	}
	b, err := yaml.Marshal(cfg)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "config.yaml")
	header := "# Written by `strazh demo`: the daemon's configuration against simulated services.\n"
	return path, os.WriteFile(path, append([]byte(header), b...), 0o600)
}

// moderateInDemo plays the press secretary: it watches the chat for review
// cards and taps what the script says (a second tap for the ban length).
func moderateInDemo(ctx context.Context, tg *telegramtest.Server, script []demoLine, view *demoView, console *demoConsole) {
	taps := make(map[string]string, len(script))
	for _, l := range script {
		if l.tap != "" && l.tap != "-" {
			taps[prefixRunes(l.text, 30)] = l.tap
		}
	}
	user := telegramtest.User{ID: demoModeratorID, FirstName: "Мария", LastName: "Пресс-секретарь"}
	handled := map[int64]bool{}
	for ctx.Err() == nil {
		for _, m := range tg.BotMessages(demoChatID) {
			if handled[m.ID] || !hasButton(m, view.button("Оставить")) {
				continue
			}
			tap := ""
			for key, t := range taps {
				if strings.Contains(strings.Join(strings.Fields(m.Text), " "), key) {
					tap = t
					break
				}
			}
			if tap == "" {
				tap = "Оставить"
			}
			handled[m.ID] = true
			time.Sleep(700 * time.Millisecond) // a human takes a moment
			if console != nil && console.decide(ctx, m.Text, tap) {
				continue
			}
			first, second, _ := strings.Cut(tap, "/")
			first, second = view.button(first), view.button(second)
			if err := tg.Press(demoChatID, m.ID, first, user); err != nil {
				view.note(view.tx.noTap, first, err)
				continue
			}
			if second != "" {
				_ = tg.Wait(ctx, func() bool { mm, _ := tg.Message(demoChatID, m.ID); return hasButton(mm, second) })
				if err := tg.Press(demoChatID, m.ID, second, user); err != nil {
					view.note(view.tx.noTap, second, err)
					continue
				}
				view.note(view.tx.pressed2, first, second)
			} else {
				view.note(view.tx.pressed, first)
			}
		}
		wait, cancel := context.WithTimeout(ctx, time.Second)
		select {
		case <-tg.Changed():
		case <-wait.Done():
		}
		cancel()
	}
}

// prefixRunes is the start of a text, white space folded, for matching it
// on a card.
func prefixRunes(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	return string(r[:min(n, len(r))])
}

func hasButton(m telegramtest.Message, label string) bool {
	for _, b := range m.Buttons() {
		if strings.Contains(b, label) {
			return true
		}
	}
	return false
}

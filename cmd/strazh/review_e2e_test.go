package main

import (
	"context"
	"fmt"
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
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// These tests run the whole daemon (pipeline, bbolt, sim network) with the
// Telegram reviewer against the Bot API fake, and tap as a press secretary.

const (
	e2eChat      = -100777
	e2eModerator = 4242
)

const reviewConfig = `state_dir: %s
metrics: {listen: ""}
rules: {builtin: ru}
telegram:
  api_url: %s
  token_env: STRAZH_E2E_TG_TOKEN
  chat_id: %d
  moderators: [%d]
accounts:
  - name: page
    network: sim
    api_url: %s
    token_env: STRAZH_E2E_SIM_TOKEN
    poll_wait: 1s
`

type reviewRig struct {
	net     *simtest.Server
	tg      *telegramtest.Server
	cfgPath string
	stop    func()
	pipe    *pipeline.Pipeline
	logs    *syncBuffer // the running daemon's log
}

func newReviewRig(t *testing.T) *reviewRig {
	t.Helper()
	return newReviewRigConfig(t, reviewConfig)
}

// newReviewRigConfig is newReviewRig with another configuration template
// (the same verbs as reviewConfig).
func newReviewRigConfig(t *testing.T, tmpl string) *reviewRig {
	t.Helper()
	return newReviewRigBefore(t, tmpl, nil)
}

// e2eTiming makes the review chats quick for the end-to-end tests: short
// long polls (a fake records a poll when it returns), ticks and retries.
var e2eTiming = review.Timing{PollTimeout: time.Second, Tick: 100 * time.Millisecond, MinGap: time.Millisecond,
	PerMinute: 1000, Retry: moderation.RetryPolicy{InitialInterval: 20 * time.Millisecond, MaxInterval: 200 * time.Millisecond}}

// newReviewRigBefore is newReviewRigConfig calling before (when set) just
// before the daemon starts (to take the Telegram fake down for the run).
func newReviewRigBefore(t *testing.T, tmpl string, before func(*reviewRig)) *reviewRig {
	t.Helper()
	r := &reviewRig{net: simtest.New(), tg: telegramtest.New("")}
	t.Cleanup(func() { r.tg.Close(); r.net.Close() })
	t.Setenv("STRAZH_E2E_SIM_TOKEN", simtest.Token)
	t.Setenv("STRAZH_E2E_TG_TOKEN", r.tg.Token())
	dir := t.TempDir()
	r.cfgPath = filepath.Join(dir, "config.yaml")
	body := fmt.Sprintf(tmpl, filepath.Join(dir, "state"), r.tg.URL(), e2eChat, e2eModerator, r.net.URL)
	if err := os.WriteFile(r.cfgPath, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(r)
	}
	r.start(t)
	return r
}

// start runs the daemon until stop is called (or the test ends).
func (r *reviewRig) start(t *testing.T) {
	t.Helper()
	cfg, err := config.Load(r.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan *pipeline.Pipeline, 1)
	logs := &syncBuffer{}
	r.logs = logs
	go func() {
		done <- runDaemon(ctx, cfg, daemonHooks{logOut: logs, onReady: func(p *pipeline.Pipeline) { ready <- p },
			timing: e2eTiming})
	}()
	select {
	case r.pipe = <-ready:
	case err := <-done:
		t.Fatalf("daemon: %v\n%s", err, logs)
	}
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("daemon: %v\n%s", err, logs)
			}
		})
	}
	t.Cleanup(r.stop)
}

// card waits for the review card that shows text.
func (r *reviewRig) card(t *testing.T, text string) telegramtest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	m, err := r.tg.WaitMessage(ctx, e2eChat, func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, text) && hasButton(m, "Оставить")
	})
	if err != nil {
		t.Fatalf("no review card for %q: %v", text, err)
	}
	return m
}

func (r *reviewRig) waitCard(t *testing.T, id int64, what string, cond func(telegramtest.Message) bool) telegramtest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got telegramtest.Message
	err := r.tg.Wait(ctx, func() bool {
		m, ok := r.tg.Message(e2eChat, id)
		got = m
		return ok && cond(m)
	})
	if err != nil {
		t.Fatalf("card %d never %s; it reads:\n%s\nbuttons %v", id, what, got.Text, got.Buttons())
	}
	return got
}

var secretary = telegramtest.User{ID: e2eModerator, FirstName: "Мария", LastName: "Иванова"}

// A threat goes to review; it names no obscenity, so only a human bans.
const threat = "Я знаю где ты живёшь, приду и убью тебя"

func TestReviewE2E_DeleteAndBanWithTwoTaps(t *testing.T) {
	r := newReviewRig(t)
	id := r.net.Post("p1", "u77", "Пётр", threat)
	m := r.card(t, "убью")
	if err := r.tg.Press(e2eChat, m.ID, "Удалить и забанить", secretary); err != nil {
		t.Fatal(err)
	}
	m = r.waitCard(t, m.ID, "offers the ban lengths", func(m telegramtest.Message) bool { return hasButton(m, "1 неделя") })
	if r.net.Deleted(id) {
		t.Fatal("the first tap acted")
	}
	if err := r.tg.Press(e2eChat, m.ID, "1 неделя", secretary); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "deleted and banned on the network", func() bool {
		b, ok := r.net.Banned("u77")
		return r.net.Deleted(id) && ok && b.Until > 0
	})
	if b, _ := r.net.Banned("u77"); time.Until(time.Unix(b.Until, 0)) < 6*24*time.Hour {
		t.Errorf("ban until %v, want about a week", time.Unix(b.Until, 0))
	}
	m = r.waitCard(t, m.ID, "shows the outcome", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Мария") && len(m.Buttons()) == 0
	})
	waitFor(t, "both taps answered", func() bool { return len(r.tg.Answers()) >= 2 })
	list, _ := r.pipe.PendingReviews()
	if len(list) != 0 {
		t.Errorf("%d reviews still pending", len(list))
	}
}

func TestReviewE2E_UnauthorisedAndRacingTaps(t *testing.T) {
	r := newReviewRig(t)
	id := r.net.Post("p1", "u78", "Пётр", threat)
	m := r.card(t, "убью")
	stranger := telegramtest.User{ID: 999, FirstName: "Чужой"}
	if err := r.tg.Press(e2eChat, m.ID, "Удалить", stranger); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "stranger answered", func() bool {
		for _, a := range r.tg.Answers() {
			if strings.Contains(strings.ToLower(a.Text), "нет прав") {
				return true
			}
		}
		return false
	})
	if r.net.Deleted(id) {
		t.Fatal("a stranger's tap acted")
	}
	// Two moderators' taps at the same moment: one wins, the comment is deleted once.
	var wg sync.WaitGroup
	qids := make([]string, 2)
	for i, label := range []string{"Удалить", "Оставить"} {
		wg.Add(1)
		go func() { defer wg.Done(); qids[i], _ = r.tg.PressQuery(e2eChat, m.ID, label, secretary) }()
	}
	wg.Wait()
	m = r.waitCard(t, m.ID, "decided", func(m telegramtest.Message) bool { return len(m.Buttons()) == 0 })
	// A tap is answered after its decision and actions returned: once both
	// are answered, every delete they caused has reached the network.
	waitFor(t, "both racing taps answered", func() bool {
		n := 0
		for _, a := range r.tg.Answers() {
			if a.QueryID == qids[0] || a.QueryID == qids[1] {
				n++
			}
		}
		return n == 2
	})
	if n := r.net.Calls("delete", id); n > 1 {
		t.Errorf("delete reached the network %d times", n)
	}
	st, _ := r.pipe.Stats(time.Time{})
	if decided := st.Reviewed - st.Pending; decided != 1 {
		t.Errorf("decided reviews = %d, want 1", decided)
	}
}

func TestReviewE2E_TelegramDownThenRestartWithPendingCards(t *testing.T) {
	r := newReviewRig(t)
	r.tg.Down()
	id := r.net.Post("p1", "u79", "Пётр", threat)
	clean := r.net.Post("p1", "u80", "Анна", "хуйня полная, а не ремонт") // automatic: must not wait for Telegram
	waitFor(t, "automatic deletion while Telegram is down", func() bool { return r.net.Deleted(clean) })
	waitFor(t, "review recorded", func() bool { l, _ := r.pipe.PendingReviews(); return len(l) == 1 })
	r.stop() // restart while the card has not reached Telegram
	r.tg.Up()
	r.start(t)
	m := r.card(t, "убью")
	r.stop() // the secretary taps while strazh is down
	if err := r.tg.Press(e2eChat, m.ID, "Удалить", secretary); err != nil {
		t.Fatal(err)
	}
	r.start(t)
	waitFor(t, "tap made while down is processed", func() bool { return r.net.Deleted(id) })
	cards := 0
	for _, msg := range r.tg.BotMessages(e2eChat) {
		if strings.Contains(msg.Text, "убью") && msg.Keyboard != nil {
			cards++
		}
	}
	if cards > 1 {
		t.Errorf("%d open cards for one review after restarts", cards)
	}
}

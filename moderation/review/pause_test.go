package review_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation/review"
)

// /pause takes a length in the shared duration syntax: automatic actions
// resume by themselves when it has passed, and the chat is told; a bad
// length is refused in words and changes nothing.
func TestTelegram_Pause_Timed(t *testing.T) {
	e := newEnv(t, nil)
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	r, err := review.New(e.cfg, review.Deps{Moderation: e.mod, Store: e.store, Timing: e.tm, Now: clock, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	e.rv = r
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.rv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	e.tg.SendCommand(chatID, maria, "/pause 2x")
	m := e.card("Использование: /pause")
	if !strings.Contains(m.Text, "неизвестная единица") || e.mod.Paused() {
		t.Fatalf("a bad length: %q, paused %v; want the reason in words and no pause", m.Text, e.mod.Paused())
	}
	e.tg.SendCommand(chatID, maria, "/pause 2h")
	m = e.card("до 01.12 12:00")
	if !e.mod.Paused() {
		t.Fatalf("/pause 2h answered %q but did not pause", m.Text)
	}
	advance(119 * time.Minute)
	e.tg.SendCommand(chatID, maria, "/help")
	e.card("эта справка") // a tick has run since: still paused before the deadline
	if !e.mod.Paused() {
		t.Fatal("resumed before the two hours passed")
	}
	advance(2 * time.Minute)
	e.card("Пауза истекла")
	if e.mod.Paused() {
		t.Fatal("the chat was told, but actions are still paused")
	}

	// An untimed /pause after a timed one stays until /resume.
	e.tg.SendCommand(chatID, maria, "/pause 1h")
	e.card("до 01.12 13:01")
	e.tg.SendCommand(chatID, maria, "/pause")
	e.card("/resume — возобновить.")
	advance(3 * time.Hour)
	e.tg.SendCommand(chatID, maria, "/help")
	e.card("Сейчас автоматические действия остановлены")
	if !e.mod.Paused() {
		t.Fatal("an untimed pause ended by the earlier timer")
	}
}

// timedMod keeps a timed pause's deadline with the pause, as the pipeline
// does in its store: a new reviewer over it is a restarted daemon.
type timedMod struct {
	*fakeMod
	mu    sync.Mutex
	until time.Time
}

func (m *timedMod) Pause(by string) { m.PauseUntil(by, time.Time{}) }

func (m *timedMod) PauseUntil(by string, until time.Time) {
	m.mu.Lock()
	m.until = until
	m.mu.Unlock()
	m.fakeMod.Pause(by)
}

func (m *timedMod) Resume(by string) {
	m.mu.Lock()
	m.until = time.Time{}
	m.mu.Unlock()
	m.fakeMod.Resume(by)
}

func (m *timedMod) PausedUntil() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.Paused() {
		return time.Time{}
	}
	return m.until
}

func (m *timedMod) ResumeTimed(until time.Time, by string) bool {
	if u := m.PausedUntil(); u.IsZero() || !u.Equal(until) {
		return false
	}
	m.Resume(by)
	return true
}

// A timed /pause outlives a restart: the pipeline keeps its deadline, and
// the restarted reviewer (behind the fan-out, as the daemon wires it) ends
// it then and tells the chat.
func TestTelegram_Pause_TimedOutlivesARestart(t *testing.T) {
	e := newEnv(t, nil)
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	mod := &timedMod{fakeMod: e.mod}
	mod.PauseUntil("telegram:1", now.Add(2*time.Hour)) // kept from before the restart
	fan := review.NewFanout(testLogger(t))
	r, err := review.New(e.cfg, review.Deps{Moderation: fan.Moderation(review.ChannelTelegram, mod), Store: e.store,
		Timing: e.tm, Now: clock, Location: time.UTC, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	e.rv = r
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.rv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	e.tg.SendCommand(chatID, maria, "/help")
	e.card("Сейчас автоматические действия остановлены") // a tick has run since
	if !mod.Paused() {
		t.Fatal("resumed before the deadline")
	}
	advance(2*time.Hour + time.Minute)
	e.card("Пауза истекла")
	if mod.Paused() {
		t.Fatal("the chat was told, but actions are still paused")
	}

	// A timed /pause given now is kept with the pipeline's pause too.
	e.tg.SendCommand(chatID, maria, "/pause 1h")
	e.card("до 01.12 13:01")
	if got := mod.PausedUntil(); !got.Equal(now.Add(time.Hour)) {
		t.Errorf("the pipeline keeps deadline %v, want %v", got, now.Add(time.Hour))
	}
}

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// The crash test runs the real daemon as a child process (this test binary
// re-executed), kills it with SIGKILL at random moments while a stream of
// comments arrives, restarts it, and then checks the store and the network:
// every comment decided exactly once, every delete and ban carried out,
// nothing deleted that should not be.

func TestMain(m *testing.M) {
	if os.Getenv("STRAZH_CRASH_CHILD") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := runMain(ctx, strings.Fields(os.Getenv("STRAZH_CRASH_ARGS")), stdio{os.Stdin, os.Stdout, os.Stderr})
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

const crashConfig = `state_dir: %s
metrics: {listen: ""}
log: {level: debug, format: text}
rules: {builtin: ru}
pipeline: {initial_interval: 10ms, max_interval: 100ms, max_retries: 50}
accounts:
  - name: page
    network: sim
    api_url: %s
    token_env: STRAZH_CRASH_TOKEN
    poll_wait: 1s
`

// crashTexts mixes clean comments with obscene ones the shipped rules
// delete; crashVerdicts is what each must get. The clean ones repeat with
// other numbers from 37 authors: residents asking the same question, a hot
// topic, never copy-paste spam (issue 8).
var crashTexts = []string{
	"Когда отремонтируют дорогу на улице %d?",
	"Спасибо за благоустройство двора номер %d",
	"Почему в доме %d опять нет горячей воды?",
	"%d раз пишу про мусор, никто не вывозит",
	"да вы охуели, %d дней без света",
	"пиздец какой-то, %d часов ждали автобус",
	"ебаный стыд, уже %d лет одни обещания",
}

var crashVerdicts = []moderation.Verdict{
	moderation.Allow, moderation.Allow, moderation.Allow, moderation.Allow,
	moderation.Delete, moderation.Delete, moderation.Delete,
}

func TestDaemon_SurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test runs the daemon as a process")
	}
	kills := 6
	if s := os.Getenv("STRAZH_CRASH_KILLS"); s != "" {
		fmt.Sscan(s, &kills)
	}
	net := simtest.New()
	defer net.Close()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf(crashConfig, state, net.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "daemon.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "STRAZH_CRASH_CHILD=1", "STRAZH_CRASH_ARGS=run -config "+cfgPath,
			"STRAZH_CRASH_TOKEN="+simtest.Token)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	waitSocket := func() {
		deadline := time.Now().Add(20 * time.Second)
		for {
			if _, err := os.Stat(filepath.Join(state, "strazh.sock")); err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("daemon did not start; see daemon.log")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	cmd := start()
	waitSocket()
	// A stream of comments, some obscene, arriving while the daemon dies.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var mu sync.Mutex
	var posted []string
	kind := map[string]int{} // comment → index into crashTexts
	stream := make(chan struct{})
	streamRng := rand.New(rand.NewPCG(rng.Uint64(), 11)) // its own: rand.Rand is not safe for two goroutines
	go func() {
		defer close(stream)
		for i := range 400 {
			text := fmt.Sprintf(crashTexts[i%len(crashTexts)], i)
			id := net.Post(fmt.Sprintf("p%d", i%9), fmt.Sprintf("u%d", i%37), "Житель", text)
			mu.Lock()
			posted = append(posted, id)
			kind[id] = i % len(crashTexts)
			mu.Unlock()
			time.Sleep(time.Duration(streamRng.IntN(4)) * time.Millisecond)
		}
	}()
	for k := range kills {
		time.Sleep(time.Duration(30+rng.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill %d: %v", k, err)
		}
		_ = cmd.Wait()
		os.Remove(filepath.Join(state, "strazh.sock")) // a killed daemon leaves it behind
		cmd = start()
		waitSocket()
	}
	<-stream

	// Let the last instance finish, then stop it gently.
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, deleted, _ := net.Counts()
		if deleted > 0 && allDecided(t, filepath.Join(state, "strazh.sock"), len(posted)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not everything was decided in time; see daemon.log")
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("daemon exit after SIGTERM: %v", err)
	}

	s, err := store.Open(filepath.Join(state, "strazh.db"), &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		t.Fatalf("store check: %v", err)
	}
	byComment := map[string][]*moderation.Decision{}
	if err := s.Query(moderation.Query{}, func(d *moderation.Decision) error {
		byComment[d.Comment.Ref] = append(byComment[d.Comment.Ref], d)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	acted, bans := 0, map[string]bool{}
	for _, id := range posted {
		ds := byComment[id]
		if len(ds) != 1 {
			t.Errorf("comment %s has %d decisions, want exactly 1", id, len(ds))
			continue
		}
		d := ds[0]
		if d.HasPendingActions() {
			t.Errorf("comment %s: actions still pending: %+v", id, d.Actions)
		}
		calls := net.Calls("delete", id)
		switch want, got := crashVerdicts[kind[id]], d.Final(); {
		case want == moderation.Allow && got != moderation.Allow:
			t.Errorf("comment %s (%q) decided %v, want allow: %+v", id, d.Comment.Text, got, d.Matches)
		case want == moderation.Delete && got != moderation.Delete && got != moderation.Ban:
			t.Errorf("comment %s (%q) decided %v, want delete or ban", id, d.Comment.Text, got)
		}
		switch d.Final() {
		case moderation.Delete, moderation.Ban:
			acted++
			if !net.Deleted(id) || calls < 1 {
				t.Errorf("comment %s decided %v but not deleted on the network (calls %d)", id, d.Final(), calls)
			}
			if calls > 1 {
				t.Logf("comment %s: delete called %d times (a crash between the call and its record; idempotent)", id, calls)
			}
			if d.Final() == moderation.Ban {
				bans[d.Comment.Author.ID] = true
			}
		default:
			if calls != 0 || net.Deleted(id) {
				t.Errorf("comment %s decided %v but deleted on the network", id, d.Final())
			}
		}
	}
	for author := range bans {
		if _, ok := net.Banned(author); !ok {
			t.Errorf("author %s: ban decided but not on the network", author)
		}
	}
	if len(byComment) != len(posted) {
		t.Errorf("%d comments decided, %d posted", len(byComment), len(posted))
	}
	if acted == 0 {
		t.Error("no comment was deleted: the stream did not exercise actions")
	}
	t.Logf("%d comments, %d kills, %d deleted", len(posted), kills, acted)
}

// allDecided asks the running daemon, through its admin socket, whether
// every comment has a decision and no action is pending.
func allDecided(t *testing.T, sock string, want int) bool {
	t.Helper()
	b := newSocketBackend(sock)
	n, pending := 0, 0
	err := b.Query(moderation.Query{}, func(d *moderation.Decision) error {
		n++
		if d.HasPendingActions() {
			pending++
		}
		return nil
	})
	return err == nil && n >= want && pending == 0
}

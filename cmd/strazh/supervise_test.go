package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation/pipeline"
)

// journal records what the components saw, in order.
type journal struct {
	mu    sync.Mutex
	lines []string
}

func (j *journal) add(s string) {
	j.mu.Lock()
	j.lines = append(j.lines, s)
	j.mu.Unlock()
}

func (j *journal) get() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.lines)
}

// waiter runs until told to stop and notes when it is told and when it is done.
func waiter(j *journal, name string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		<-ctx.Done()
		j.add(name + " told")
		j.add(name + " done")
		return ctx.Err()
	}
}

func TestSupervisor_Wait_FailureStopsTheOthersInOrder(t *testing.T) {
	j := &journal{}
	s := newSupervisor(context.Background(), slog.New(slog.DiscardHandler))
	fail := make(chan struct{})
	boom := errors.New("boom")
	s.Go("pipeline", waiter(j, "pipeline"))
	s.Go("telegram", func(context.Context) error { <-fail; j.add("telegram failed"); return boom })
	s.Go("admin", waiter(j, "admin"))
	s.Go("metrics", waiter(j, "metrics"))
	close(fail)
	err := s.Wait(func() { j.add("stopping") })
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "telegram: ") {
		t.Errorf("Wait = %v, want the failure, named", err)
	}
	want := []string{"telegram failed", "stopping", "pipeline told", "pipeline done", "admin told", "admin done", "metrics told", "metrics done"}
	if got := j.get(); !slices.Equal(got, want) {
		t.Errorf("journal:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSupervisor_Wait_ParentEndIsACleanStop(t *testing.T) {
	j := &journal{}
	ctx, cancel := context.WithCancel(context.Background())
	s := newSupervisor(ctx, slog.New(slog.DiscardHandler))
	s.Go("pipeline", waiter(j, "pipeline"))
	s.Go("done early", func(context.Context) error { j.add("done early"); return nil })
	s.Go("metrics", waiter(j, "metrics"))
	cancel()
	if err := s.Wait(nil); err != nil {
		t.Errorf("Wait after the parent ended = %v, want nil (context.Canceled is a clean stop)", err)
	}
	got := j.get()
	if i, k := slices.Index(got, "pipeline done"), slices.Index(got, "metrics told"); i < 0 || k < i || len(got) != 5 {
		t.Errorf("journal %v: want pipeline stopped before metrics is told", got)
	}
}

func TestSupervisor_Wait_OwnCanceledIsAFailure(t *testing.T) {
	// A component that meets a cancelled context of its own making failed:
	// only a stop the supervisor asked for is clean.
	s := newSupervisor(context.Background(), slog.New(slog.DiscardHandler))
	s.Go("telegram", func(context.Context) error { return fmt.Errorf("call: %w", context.Canceled) })
	if err := s.Wait(nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait = %v, want the component's failure", err)
	}
}

func TestDaemon_FailedComponentStopsTheDaemon(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	t.Setenv("STRAZH_TEST_SIM_TOKEN", simtest.Token)
	dir := t.TempDir()
	cfgPath, metrics := filepath.Join(dir, "config.yaml"), freePort(t)
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf(daemonConfig, filepath.Join(dir, "state"), metrics, net.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	fail, ready, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	boom := errors.New("disk on fire")
	go func() {
		done <- runDaemon(context.Background(), cfg, daemonHooks{logOut: logs,
			onReady:   func(*pipeline.Pipeline) { close(ready) },
			component: func(ctx context.Context) error { <-fail; return boom }})
	}()
	<-ready
	if code, _ := get(t, "http://"+metrics+"/healthz"); code != 200 {
		t.Fatalf("/healthz = %d before the failure", code)
	}
	close(fail)
	if err := <-done; !errors.Is(err, boom) {
		t.Fatalf("runDaemon = %v, want the component's failure", err)
	}
	var order []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if _, name, ok := strings.Cut(line, `msg="component stopped" component=`); ok {
			order = append(order, strings.Trim(name, `"`))
		}
	}
	want := []string{"pipeline", "test component", "admin socket", "model learner", "reload", "watchdog", "store maintenance", "metrics"}
	if !slices.Equal(order, want) {
		t.Errorf("components stopped in order %v, want %v\n%s", order, want, logs)
	}
	if !strings.Contains(logs.String(), "disk on fire") || !strings.Contains(logs.String(), "strazh stopped") {
		t.Errorf("logs lack the failure or the stop:\n%s", logs)
	}
	if _, _, code := runCLI(context.Background(), "audit", "-config", cfgPath); code != 0 {
		t.Errorf("audit after the stop: exit %d (the store was not released?)", code)
	}
}

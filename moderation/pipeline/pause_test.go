package pipeline_test

import (
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
)

// /pause is kept in the store: a restart keeps automatic actions stopped
// (a violation goes to review, nothing is deleted) until /resume, which a
// restart keeps too.
func TestPipeline_Pause_SurvivesRestart(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	dir := t.TempDir()
	h := newHarness(t, net, dir, nil)
	h.pipe.Pause("telegram:1")
	h.stop()

	h = newHarness(t, net, dir, nil)
	if !h.pipe.Paused() {
		t.Fatal("a restart resumed automatic actions a moderator paused")
	}
	id := net.Post("p1", "u1", "Анна", "DELETE me")
	eventually(t, "decided", h.decided(id, 1))
	if d := h.decisions(id)[0]; d.Final() != moderation.Review || len(d.Actions) != 0 {
		t.Errorf("while paused after a restart: decided %s, actions %+v; want review, nothing done", d.Final(), d.Actions)
	}
	h.pipe.Resume("telegram:1")
	h.stop()

	h = newHarness(t, net, dir, nil)
	if h.pipe.Paused() {
		t.Fatal("paused after /resume and a restart")
	}
	id = net.Post("p1", "u2", "Борис", "DELETE now")
	eventually(t, "deleted once resumed", func() bool { return net.Deleted(id) })
}

// A timed pause keeps its deadline across a restart, and only that
// deadline ends it.
func TestPipeline_PauseUntil_SurvivesRestart(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	dir := t.TempDir()
	until := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	h := newHarness(t, net, dir, nil)
	h.pipe.PauseUntil("telegram:1", until)
	h.stop()

	h = newHarness(t, net, dir, nil)
	if !h.pipe.Paused() || !h.pipe.PausedUntil().Equal(until) {
		t.Fatalf("after a restart: paused %v until %v; want paused until %v", h.pipe.Paused(), h.pipe.PausedUntil(), until)
	}
	if h.pipe.ResumeTimed(until.Add(time.Hour), "timer") || !h.pipe.Paused() {
		t.Fatal("another deadline ended the pause")
	}
	if !h.pipe.ResumeTimed(until, "timer") || h.pipe.Paused() {
		t.Fatal("its own deadline did not end the pause")
	}
	h.stop()
	h = newHarness(t, net, dir, nil)
	if h.pipe.Paused() {
		t.Fatal("paused after the timed pause ended and a restart")
	}
}

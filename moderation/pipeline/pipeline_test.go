package pipeline_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/sim"
	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// keywordEngine decides by marker words, so tests read plainly.
type keywordEngine struct{}

func (keywordEngine) Evaluate(c *moderation.Comment, _ moderation.History, out *moderation.Result) {
	if strings.Contains(c.Text, "PANIC") {
		panic("engine bug")
	}
	if strings.Contains(c.Text, "CONFIRM") { // a rule's review the page's model confirmed
		out.Verdict = moderation.Delete
		out.Labels = append(out.Labels, "test")
		out.Matches = append(out.Matches, moderation.Match{Rule: "kw.review", Label: "test", Action: moderation.Review},
			moderation.Match{Rule: "model.confirm.test", Label: "test", Action: moderation.Delete})
		return
	}
	for _, k := range []struct {
		word string
		v    moderation.Verdict
	}{{"BAN", moderation.Ban}, {"DELETE", moderation.Delete}, {"REVIEW", moderation.Review}} {
		if strings.Contains(c.Text, k.word) {
			out.Verdict = k.v
			out.BanDistrict = k.v == moderation.Ban && strings.Contains(c.Text, "EVERYWHERE")
			out.Labels = append(out.Labels, "test")
			out.Matches = append(out.Matches, moderation.Match{Rule: "kw." + strings.ToLower(k.word), Label: "test", Action: k.v, Reason: "marker " + k.word})
			return
		}
	}
}

// reviewRecorder is a Reviewer that remembers what it was given.
type reviewRecorder struct {
	mu        sync.Mutex
	submitted []uint64
	notified  []uint64
}

func (r *reviewRecorder) Submit(_ context.Context, d *moderation.Decision) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.submitted = append(r.submitted, d.ID)
	return nil
}

func (r *reviewRecorder) Notify(_ context.Context, d *moderation.Decision) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notified = append(r.notified, d.ID)
	return nil
}

func (r *reviewRecorder) counts() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.submitted), len(r.notified)
}

type harness struct {
	t      *testing.T
	net    *simtest.Server
	db     *store.DB
	pipe   *pipeline.Pipeline
	rev    *reviewRecorder
	cancel context.CancelFunc
	done   chan struct{}
	dir    string
}

func newHarness(t *testing.T, net *simtest.Server, dir string, tune func(*pipeline.Options, *pipeline.Account)) *harness {
	t.Helper()
	t.Setenv("SIM_TOKEN", simtest.Token)
	db, err := store.Open(filepath.Join(dir, "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.APIURL, cfg.TokenEnv, cfg.PollWait = net.URL, "SIM_TOKEN", time.Second
	conn, err := sim.New(cfg, connectors.Deps{Account: "page", Epoch: db.Epoch()})
	if err != nil {
		t.Fatal(err)
	}
	rev := &reviewRecorder{}
	opts := pipeline.Options{Store: db, Reviewer: rev, RescanEvery: 50 * time.Millisecond,
		CredentialsRecheck: 50 * time.Millisecond, ShutdownGrace: time.Second,
		Retry: moderation.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond, MaxRetries: 3}}
	acc := pipeline.Account{Name: "page", Network: "sim", Conn: conn}
	if tune != nil {
		tune(&opts, &acc)
	}
	p, err := pipeline.New(opts, keywordEngine{}, []pipeline.Account{acc})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, net: net, db: db, pipe: p, rev: rev, cancel: cancel, done: make(chan struct{}), dir: dir}
	go func() {
		defer close(h.done)
		if err := p.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) stop() {
	select {
	case <-h.done:
		return
	default:
	}
	h.cancel()
	<-h.done
	if err := h.db.Check(); err != nil {
		h.t.Errorf("store check: %v", err)
	}
	h.db.Close()
}

// eventually polls cond for up to 10 s: the pipeline runs asynchronously.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *harness) decisions(commentID string) []*moderation.Decision {
	var out []*moderation.Decision
	_ = h.db.Query(moderation.Query{}, func(d *moderation.Decision) error {
		if d.Comment.ID == moderation.MakeID("sim", "page", commentID) {
			out = append(out, d)
		}
		return nil
	})
	return out
}

func (h *harness) decided(commentID string, n int) func() bool {
	return func() bool { return len(h.decisions(commentID)) >= n }
}

func TestPipeline_Run_DeletesBansAndKeeps(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), nil)
	clean := net.Post("p1", "u1", "Анна", "Когда починят дорогу на Лесной?")
	del := net.Post("p1", "u2", "Борис", "DELETE me")
	ban := net.Post("p1", "u3", "Вера", "BAN me")
	rev := net.Post("p1", "u4", "Глеб", "REVIEW me")
	page := net.Post("p1", simtest.PageID, "Администрация", "BAN-worthy words from the page itself")

	eventually(t, "delete reaches the network", func() bool { return net.Deleted(del) && net.Deleted(ban) })
	eventually(t, "ban reaches the network", func() bool { _, ok := net.Banned("u3"); return ok })
	for _, id := range []string{clean, rev, page} {
		eventually(t, "decided "+id, h.decided(id, 1))
	}
	if net.Deleted(clean) || net.Deleted(rev) || net.Deleted(page) {
		t.Error("a clean, reviewed or page comment was deleted")
	}
	if d := h.decisions(page)[0]; d.Final() != moderation.Allow || d.Matches[0].Rule != "author.exempt" {
		t.Errorf("page's own comment: got %v %+v, want allow by author.exempt", d.Final(), d.Matches)
	}
	d := h.decisions(rev)[0]
	if d.Final() != moderation.Review || d.Review == nil || d.Review.Status != moderation.ReviewPending {
		t.Fatalf("review comment: got %+v", d)
	}
	eventually(t, "review submitted and actions notified", func() bool { s, n := h.rev.counts(); return s == 1 && n == 2 })
	eventually(t, "blacklist has the banned author", func() bool {
		l, _ := h.db.Blacklist("page")
		return len(l) == 1 && l[0].Author.ID == "u3"
	})
	if n := net.Calls("delete", ban); n != 1 {
		t.Errorf("delete calls for the banned author's comment = %d, want 1", n)
	}
}

func TestPipeline_Run_EditRemoderatesRestoreDoesNot(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), nil)
	id := net.Post("p1", "u1", "Анна", "Спасибо за новую площадку")
	eventually(t, "first version decided", h.decided(id, 1))
	if err := net.Edit(id, "DELETE after edit"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "edit deleted", func() bool { return net.Deleted(id) })
	net.RestoreByHand(id) // an admin brings it back by hand
	other := net.Post("p1", "u2", "Борис", "later comment")
	eventually(t, "later comment decided", h.decided(other, 1))
	if got := len(h.decisions(id)); got != 2 {
		t.Errorf("decisions for the comment = %d, want 2 (original and edit; not the restore)", got)
	}
	if net.Deleted(id) {
		t.Error("the restored comment was deleted again")
	}
	if n := net.Calls("delete", id); n != 1 {
		t.Errorf("delete calls = %d, want 1", n)
	}
}

func TestPipeline_Run_SkipsCommentsFromBeforeTheFirstStart(t *testing.T) {
	for _, backfill := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "backfill"}[backfill], func(t *testing.T) {
			net := simtest.New()
			defer net.Close()
			old := net.PostAt("p1", "u1", "Анна", "DELETE old", time.Now().Add(-time.Hour))
			h := newHarness(t, net, t.TempDir(), func(_ *pipeline.Options, a *pipeline.Account) { a.Backfill = backfill })
			marker := net.Post("p1", "u2", "Борис", "new")
			eventually(t, "new comment decided", h.decided(marker, 1))
			if got := len(h.decisions(old)); got != map[bool]int{false: 0, true: 1}[backfill] {
				t.Errorf("decisions of the old comment = %d", got)
			}
			if backfill {
				eventually(t, "old comment deleted with backfill", func() bool { return net.Deleted(old) })
			} else if net.Deleted(old) {
				t.Error("old comment deleted without backfill")
			}
		})
	}
}

func TestPipeline_Run_RetriesRateLimitsAndRecordsItemFailures(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	net.FailNext("/api/comments/delete", 2, 429, 0)
	h := newHarness(t, net, t.TempDir(), nil)
	id := net.Post("p1", "u1", "Анна", "DELETE me")
	eventually(t, "deleted after retries", func() bool { return net.Deleted(id) })
	eventually(t, "outcome recorded", func() bool {
		ds := h.decisions(id)
		return len(ds) == 1 && ds[0].Actions[0].State == moderation.ActionDone
	})
	if a := h.decisions(id)[0].Actions[0]; a.Attempts != 3 {
		t.Errorf("attempts = %d, want 3", a.Attempts)
	}

	net.FailNext("/api/bans", 1, 403, 0) // forbidden: credentials class, held then retried
	b := net.Post("p1", "u2", "Борис", "BAN me")
	eventually(t, "ban done once credentials work", func() bool { _, ok := net.Banned("u2"); return ok })
	_ = b
}

func TestPipeline_Resolve_FirstDecisionWins(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), nil)
	id := net.Post("p1", "u1", "Анна", "REVIEW me")
	eventually(t, "review pending", h.decided(id, 1))
	dec := h.decisions(id)[0]

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, v := range []moderation.Verdict{moderation.Ban, moderation.Allow} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = h.pipe.Resolve(context.Background(), dec.ID, v, 24*time.Hour, "telegram:1", "M")
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, moderation.ErrAlreadyDecided):
			t.Errorf("loser got %v, want ErrAlreadyDecided", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d resolutions won, want 1", won)
	}
	got, _ := h.db.Get(dec.ID)
	if got.Final() == moderation.Ban {
		if !net.Deleted(id) || net.Calls("ban", "u1") != 1 {
			t.Errorf("ban won but network shows deleted=%v bans=%d", net.Deleted(id), net.Calls("ban", "u1"))
		}
		if got.Actions[1].Until.IsZero() {
			t.Error("a 24h ban was recorded as forever")
		}
	} else if net.Deleted(id) {
		t.Error("keep won but the comment was deleted")
	}
}

func TestPipeline_Undo_RestoresAndUnbans(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), nil)
	id := net.Post("p1", "u1", "Анна", "BAN me")
	eventually(t, "banned", func() bool { _, ok := net.Banned("u1"); return ok })
	eventually(t, "outcome recorded", func() bool {
		ds := h.decisions(id)
		return len(ds) == 1 && !ds[0].HasPendingActions()
	})
	d, err := h.pipe.Undo(context.Background(), h.decisions(id)[0].ID, "telegram:1", "M")
	if err != nil {
		t.Fatal(err)
	}
	if net.Deleted(id) {
		t.Error("comment still deleted after undo")
	}
	if _, ok := net.Banned("u1"); ok {
		t.Error("author still banned after undo")
	}
	if l, _ := h.db.Blacklist("page"); len(l) != 0 {
		t.Errorf("blacklist after undo: %+v", l)
	}
	if d.UndoneBy != "telegram:1" {
		t.Errorf("UndoneBy = %q", d.UndoneBy)
	}
	if _, err := h.pipe.Undo(context.Background(), d.ID, "telegram:2", "N"); !errors.Is(err, moderation.ErrAlreadyDecided) {
		t.Errorf("second undo: %v, want ErrAlreadyDecided", err)
	}
	// The restore comes back as an event; it must not be decided again.
	other := net.Post("p1", "u2", "Борис", "after")
	eventually(t, "later comment decided", h.decided(other, 1))
	if len(h.decisions(id)) != 1 || net.Deleted(id) {
		t.Error("the restored comment was moderated again")
	}
}

func TestPipeline_Pause_SendsWouldBeDeletionsToReview(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), nil)
	h.pipe.Pause("telegram:1")
	id := net.Post("p1", "u1", "Анна", "DELETE me")
	eventually(t, "decided", h.decided(id, 1))
	d := h.decisions(id)[0]
	if d.Final() != moderation.Review || d.Verdict != moderation.Delete || net.Deleted(id) {
		t.Errorf("paused: final %v engine %v deleted %v", d.Final(), d.Verdict, net.Deleted(id))
	}
	h.pipe.Resume("telegram:1")
	id2 := net.Post("p1", "u1", "Анна", "DELETE again")
	eventually(t, "deleted after resume", func() bool { return net.Deleted(id2) })
}

func TestPipeline_Run_DryRunActsOnNothing(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, _ *pipeline.Account) { o.DryRun = true })
	id := net.Post("p1", "u1", "Анна", "BAN me")
	eventually(t, "decided", h.decided(id, 1))
	d := h.decisions(id)[0]
	if !d.DryRun || d.HasPendingActions() || net.Deleted(id) || net.Calls("ban", "u1") != 0 {
		t.Errorf("dry run acted: %+v", d.Actions)
	}
}

func TestPipeline_Run_RestartResumesPendingActionsAndCursor(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	dir := t.TempDir()
	// The network refuses deletes while the first instance runs.
	net.FailNext("/api/comments/delete", 1000, 500, 0)
	h := newHarness(t, net, dir, func(o *pipeline.Options, _ *pipeline.Account) {
		o.Retry = moderation.RetryPolicy{InitialInterval: time.Hour, MaxInterval: time.Hour, MaxRetries: 100}
	})
	id := net.Post("p1", "u1", "Анна", "DELETE me")
	eventually(t, "decided", h.decided(id, 1))
	eventually(t, "delete attempted", func() bool { return net.FaultsFired() >= 1 })
	h.stop()
	net.ClearFaults()
	h2 := newHarness(t, net, dir, nil)
	eventually(t, "pending delete done after restart", func() bool { return net.Deleted(id) })
	eventually(t, "outcome recorded", func() bool {
		ds := h2.decisions(id)
		return len(ds) == 1 && ds[0].Actions[0].State == moderation.ActionDone
	})
	later := net.Post("p1", "u2", "Борис", "next")
	eventually(t, "next decided", h2.decided(later, 1))
	if n := len(h2.decisions(id)); n != 1 {
		t.Errorf("decisions after restart = %d, want 1", n)
	}
}

func TestPipeline_Run_DropsExpiredBans(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "strazh.db"), &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, e := range []moderation.BlacklistEntry{
		{Account: "page", Network: "sim", Author: moderation.Author{ID: "old"}, Until: now.Add(-time.Hour), At: now.Add(-48 * time.Hour)},
		{Account: "page", Network: "sim", Author: moderation.Author{ID: "forever"}, At: now},
		{Account: "page", Network: "sim", Author: moderation.Author{ID: "later"}, Until: now.Add(time.Hour), At: now},
	} {
		if err := db.PutBan(e); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	h := newHarness(t, net, dir, nil)
	eventually(t, "expired ban dropped", func() bool {
		l, _ := h.db.Blacklist("page")
		return len(l) == 2
	})
	l, _ := h.db.Blacklist("page")
	for _, e := range l {
		if e.Author.ID == "old" {
			t.Errorf("expired ban kept: %+v", e)
		}
	}
}

// countingConn delivers a batch on every Fetch and counts the calls.
type countingConn struct {
	floodConn
	fetches atomic.Int64
}

func (c *countingConn) Fetch(ctx context.Context, cursor []byte) ([]moderation.Update, []byte, error) {
	c.fetches.Add(1)
	return c.floodConn.Fetch(ctx, cursor)
}

// gateEngine blocks every evaluation until the gate opens.
type gateEngine struct{ gate chan struct{} }

func (g gateEngine) Evaluate(*moderation.Comment, moderation.History, *moderation.Result) { <-g.gate }

func TestPipeline_Run_BackPressureStopsReading(t *testing.T) {
	// In a synctest bubble (every part is in-process here) synctest.Wait
	// returns once each goroutine is blocked: the moment after which a
	// reader without back-pressure would already have fetched more.
	synctest.Test(t, func(t *testing.T) {
		db, err := store.Open(filepath.Join(t.TempDir(), "strazh.db"), &store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		const batches, perBatch = 10, 10 // more batches than the queue holds
		conn := &countingConn{floodConn: floodConn{n: batches * perBatch, batch: perBatch, text: "flood"}}
		gate := gateEngine{gate: make(chan struct{})}
		p, err := pipeline.New(pipeline.Options{Store: db, QueueSize: 2}, gate,
			[]pipeline.Account{{Name: "page", Network: "bench", Conn: conn, Backfill: true}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		// The decider is stuck in the rule engine: the reader may fill the
		// queue (2 batches) and hold one more, then it must stop fetching.
		synctest.Wait()
		if n := conn.fetches.Load(); n > 4 {
			t.Errorf("%d fetches while deciding was blocked, want at most 4", n)
		}
		close(gate.gate)
		synctest.Wait() // everything read and decided; the reader waits in Fetch
		if n := conn.fetches.Load(); n != batches+1 {
			t.Errorf("%d fetches after deciding resumed, want %d (every batch, then a wait)", n, batches+1)
		}
		decided := 0
		if err := db.Query(moderation.Query{}, func(*moderation.Decision) error { decided++; return nil }); err != nil {
			t.Fatal(err)
		}
		if decided != batches*perBatch {
			t.Errorf("%d decisions recorded, want %d", decided, batches*perBatch)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

func TestPipeline_BanLength_RuleDefaultAndHumanForever(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), func(_ *pipeline.Options, a *pipeline.Account) {
		a.Ban.Duration = 720 * time.Hour
	})
	net.Post("p1", "u1", "Анна", "BAN me") // the keyword rule gives no length
	eventually(t, "automatic ban", func() bool { _, ok := net.Banned("u1"); return ok })
	if b, _ := net.Banned("u1"); b.Until == 0 || time.Until(time.Unix(b.Until, 0)) < 29*24*time.Hour {
		t.Errorf("automatic ban without a rule length: until %d, want the account's 30 days", b.Until)
	}
	rev := net.Post("p1", "u2", "Борис", "REVIEW me")
	eventually(t, "review pending", h.decided(rev, 1))
	if _, err := h.pipe.Resolve(context.Background(), h.decisions(rev)[0].ID, moderation.Ban, 0, "telegram:1", "M"); err != nil {
		t.Fatal(err)
	}
	if b, ok := net.Banned("u2"); !ok || b.Until != 0 {
		t.Errorf("«Навсегда» gave %+v, want a ban with no end", b)
	}
}

func TestPipeline_Resolve_RejectsBadBanLengths(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), nil)
	id := net.Post("p1", "u1", "Анна", "REVIEW me")
	eventually(t, "review pending", h.decided(id, 1))
	dec := h.decisions(id)[0]
	for _, d := range []time.Duration{-time.Hour, time.Second} {
		if _, err := h.pipe.Resolve(context.Background(), dec.ID, moderation.Ban, d, "cli:x", "x"); err == nil {
			t.Errorf("ban for %s accepted", d)
		}
	}
	if _, err := h.pipe.Resolve(context.Background(), dec.ID, moderation.Review, 0, "cli:x", "x"); err == nil {
		t.Error("a human verdict of review accepted")
	}
	if net.Calls("ban", "u1") != 0 || h.decisions(id)[0].Review.Status != moderation.ReviewPending {
		t.Error("a rejected resolution acted")
	}
}

func TestPipeline_Run_EnginePanicGoesToReview(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), nil)
	bad := net.Post("p1", "u1", "Анна", "PANIC in the engine")
	next := net.Post("p1", "u2", "Борис", "DELETE me")
	eventually(t, "next comment still moderated", func() bool { return net.Deleted(next) })
	ds := h.decisions(bad)
	if len(ds) != 1 || ds[0].Final() != moderation.Review || ds[0].Matches[0].Rule != "engine.error" {
		t.Fatalf("panicking comment: %+v", ds)
	}
}

func TestPipeline_Run_OneFailingItemDoesNotHoldTheOthers(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, _ *pipeline.Account) {
		o.Retry = moderation.RetryPolicy{InitialInterval: 200 * time.Millisecond, MaxInterval: time.Second, MaxRetries: 100}
		o.RescanEvery = time.Hour // only the deferral lets the next one through
	})
	// Broken before the reader can see it: posting first raced the delete.
	stuck := net.PostBroken("p1", "u1", "Анна", "DELETE me first", 502)
	eventually(t, "stuck item decided", h.decided(stuck, 1))
	next := net.Post("p1", "u2", "Борис", "DELETE me next")
	eventually(t, "the next deletion goes through while the first keeps failing", func() bool { return net.Deleted(next) })
	if net.Deleted(stuck) {
		t.Fatal("the broken item was deleted")
	}
	d := h.decisions(stuck)[0]
	if !d.HasPendingActions() || d.Actions[0].Attempts == 0 || d.Actions[0].Error == "" {
		t.Errorf("the deferred action should stay pending with its attempts recorded: %+v", d.Actions[0])
	}
}

// A deletion the network rate-limited with a long wait is deferred; a
// moderator's retry goes ahead of the wait, and once it is done the wait
// is forgotten (the map held every such decision for good before).
func TestPipeline_Retry_AheadOfALimitForgetsTheWait(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), func(o *pipeline.Options, _ *pipeline.Account) {
		o.Retry = moderation.RetryPolicy{InitialInterval: 100 * time.Millisecond, MaxInterval: 2 * time.Hour, MaxRetries: 100}
		o.RescanEvery = time.Hour
	})
	net.FailNext("/api/comments/delete", 1, 429, 3600)
	id := net.Post("p1", "u1", "Анна", "DELETE me")
	eventually(t, "the limited deletion deferred", func() bool { return pipeline.Deferred(h.pipe, "page") == 1 })
	d := h.decisions(id)[0]
	if _, err := h.pipe.Retry(context.Background(), d.ID, "cli:x"); err != nil {
		t.Fatal(err)
	}
	if !net.Deleted(id) {
		t.Fatal("the moderator's retry did not go ahead of the limit")
	}
	if n := pipeline.Deferred(h.pipe, "page"); n != 0 {
		t.Errorf("%d decisions still marked as waiting after their actions were done", n)
	}
}

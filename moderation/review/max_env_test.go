package review_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// The Telegram reviewer's end-to-end tests, repeated for the MAX review
// chat against the stateful MAX fake: the same reviewer logic over the MAX
// transport.

const maxChat int64 = -70000000000001

var (
	mMaria = maxapi.User{UserID: 501, FirstName: "Мария", LastName: "Иванова", Name: "Мария Иванова"}
	mOleg  = maxapi.User{UserID: 502, Name: "Олег"}
	mEve   = maxapi.User{UserID: 666, Name: "Eve"}
)

// maxEnv is a MAX reviewer wired to the MAX fake and a fake pipeline.
type maxEnv struct {
	t     *testing.T
	mx    *maxtest.Server
	url   string
	mod   *fakeMod
	store *cardstore.Mem
	cfg   review.MAXConfig
	pol   review.Config // the policy NewMAX gets (reminders, time-outs)
	tm    review.Timing
	rv    *review.Reviewer
	reg   *prometheus.Registry

	cancel context.CancelFunc
	done   chan struct{}
}

func newMAXEnv(t *testing.T, edit func(*review.MAXConfig)) *maxEnv {
	t.Helper()
	mx := maxtest.New(maxtest.Options{})
	srv := httptest.NewServer(mx)
	t.Cleanup(srv.Close)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(maxtest.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := review.DefaultMAXConfig()
	cfg.APIURL, cfg.TokenEnv, cfg.TokenFile = srv.URL, "", tokenFile
	cfg.ChatID, cfg.Moderators = maxChat, []int64{mMaria.UserID, mOleg.UserID}
	if edit != nil {
		edit(&cfg)
	}
	return &maxEnv{t: t, mx: mx, url: srv.URL, mod: newFakeMod(), store: cardstore.NewMem(), cfg: cfg, pol: review.DefaultConfig(), tm: fastTiming()}
}

func (e *maxEnv) start() {
	e.t.Helper()
	e.reg = prometheus.NewRegistry()
	polls := len(e.mx.Calls("/updates"))
	if err := e.startNoPoll(); err != nil {
		e.t.Fatal(err)
	}
	// MAX gives a bot without a marker only what arrives after its first
	// poll: presses start after it.
	if err := e.mx.Wait(e.ctx(), func() bool { return len(e.mx.Calls("/updates")) > polls }); err != nil {
		e.t.Fatal("the reviewer does not poll /updates")
	}
}

// startNoPoll creates the reviewer and runs it until stop or the end of
// the test.
func (e *maxEnv) startNoPoll() error {
	deps := review.Deps{Moderation: e.mod, Store: e.store, Timing: e.tm, Location: time.UTC, Logger: testLogger(e.t)}
	if e.reg != nil {
		deps.Metrics = e.reg
	}
	rv, err := review.NewMAX(e.cfg, e.pol, deps)
	if err != nil {
		return err
	}
	e.rv = rv
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel, e.done = cancel, make(chan struct{})
	go func() {
		defer close(e.done)
		if err := rv.Run(ctx); err != nil {
			e.t.Errorf("Run: %v", err)
		}
	}()
	e.t.Cleanup(e.stop)
	return nil
}

func (e *maxEnv) stop() {
	if e.cancel == nil {
		return
	}
	e.cancel()
	<-e.done
	e.cancel = nil
}

func (e *maxEnv) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

func (e *maxEnv) submit(d *moderation.Decision) {
	e.t.Helper()
	if err := e.rv.Submit(context.Background(), d); err != nil {
		e.t.Fatal(err)
	}
}

// card waits for the bot's message in the review chat containing s.
func (e *maxEnv) card(s string) maxapi.Message {
	e.t.Helper()
	var got maxapi.Message
	err := e.mx.Wait(e.ctx(), func() bool {
		for _, m := range e.mx.Messages(maxChat) {
			if strings.Contains(m.Body.Text, s) {
				got = m
				return true
			}
		}
		return false
	})
	if err != nil {
		e.t.Fatalf("no message containing %q; messages: %q", s, maxTexts(e.mx.Messages(maxChat)))
	}
	return got
}

func (e *maxEnv) waitMsg(mid, what string, cond func(maxapi.Message) bool) maxapi.Message {
	e.t.Helper()
	var got maxapi.Message
	err := e.mx.Wait(e.ctx(), func() bool {
		m, ok := e.mx.Message(mid)
		got = m
		return ok && cond(m)
	})
	if err != nil {
		e.t.Fatalf("message %s: %s: last state %q buttons %q", mid, what, got.Body.Text, maxtest.Buttons(got))
	}
	return got
}

// press presses a button as u and waits for the callback's answer.
func (e *maxEnv) press(m maxapi.Message, label string, u maxapi.User) maxapi.Answer {
	e.t.Helper()
	id, err := e.mx.Press(m.Body.Mid, label, u)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.answer(id)
}

func (e *maxEnv) answer(id string) maxapi.Answer {
	e.t.Helper()
	var got maxapi.Answer
	err := e.mx.Wait(e.ctx(), func() bool {
		for _, a := range e.mx.Answers() {
			if a.CallbackID == id {
				got = a.Answer
				return true
			}
		}
		return false
	})
	if err != nil {
		e.t.Fatalf("callback %s was not answered", id)
	}
	return got
}

func maxTexts(ms []maxapi.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Body.Text)
	}
	return out
}

func buttons(m maxapi.Message) string { return strings.Join(maxtest.Buttons(m), "|") }

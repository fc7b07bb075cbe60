package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/strazh/strazh/duration"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// `strazh sim` serves the simulated network (the sim connector's API) and
// a simulated Telegram Bot API on one address: the two path spaces (/api/…
// and /bot<token>/…) do not meet, so one api_url serves both.

const (
	simTelegramToken = "700000:SIM-TELEGRAM-TOKEN-NOT-A-SECRET"
	simChatID        = demoChatID
	simModeratorID   = demoModeratorID
)

func cmdSim(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("sim", "[-listen 127.0.0.1:8080] [-interval 3s] | -print-config [-listen ADDR] [-state-dir DIR]",
		"Serves a simulated network (the sim connector's API) and a simulated\nTelegram Bot API on one address, with a steady stream of comments written\nfor the purpose, so `strazh run` and a real Prometheus can be tried before\nany token exists. A simulated moderator answers the review cards.\nPrint a matching configuration with -print-config.", s)
	listen := fs.String("listen", "127.0.0.1:8080", "listen on this `address`")
	interval := new(time.Duration)
	*interval = 3 * time.Second
	fs.Var(duration.Value{D: interval}, "interval", "one new comment every `interval` (on average)")
	printCfg := fs.Bool("print-config", false, "print a configuration for strazh run and exit")
	stateDir := fs.String("state-dir", "/tmp/strazh-sim", "with -print-config: the state directory the configuration names")
	seed := fs.Uint64("seed", 1, "the comment stream's `seed` (the same seed, the same comments)")
	delay := new(time.Duration)
	*delay = 3 * time.Second
	fs.Var(duration.Value{D: delay}, "moderator-delay", "how long the simulated moderator takes per card")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *printCfg {
		fmt.Fprint(s.out, simConfig(*listen, *stateDir))
		return nil
	}
	if *interval <= 0 {
		return fmt.Errorf("-interval %s: must be above 0", *interval)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	network := simtest.New()
	defer network.Close()
	tg := telegramtest.New(simTelegramToken)
	defer tg.Close()
	mux := http.NewServeMux()
	mux.Handle("/api/", network.Config.Handler)
	mux.Handle("/", tg.Handler())

	fmt.Fprintf(s.out, tr("strazh sim: the simulated network and Telegram chat on http://%s\nTry strazh against it (no real tokens):\n  %s sim -listen %s -print-config > sim.yaml\n  export STRAZH_SIM_TOKEN=%s STRAZH_SIM_TELEGRAM_TOKEN=%s\n  %s run -config sim.yaml\nand point Prometheus at it: prometheus --config.file=deploy/prometheus/prometheus-sim.yml\n"),
		ln.Addr(), selfCommand(), *listen, simtest.Token, simTelegramToken, selfCommand())

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	posted := newSimLog()
	var wg sync.WaitGroup
	wg.Go(func() { streamComments(ctx, network, posted, *interval, *seed) })
	wg.Go(func() { simModerate(ctx, tg, posted, *delay) })
	wg.Go(func() { reportSim(ctx, s, network, tg, posted) })
	err = serveUntil(ctx, ln, mux)
	cancel()
	wg.Wait()
	return err
}

// simConfig is a configuration for `strazh run` against `strazh sim`.
func simConfig(listen, stateDir string) string {
	url := "http://" + listen
	return fmt.Sprintf(`# strazh run against `+"`strazh sim -listen %[1]s`"+`: no real tokens.
#   export STRAZH_SIM_TOKEN=%[3]s STRAZH_SIM_TELEGRAM_TOKEN=%[4]s
#   strazh run -config THIS_FILE
# Metrics on 127.0.0.1:9464 (deploy/prometheus/prometheus-sim.yml scrapes them).
state_dir: %[2]s
metrics: {listen: 127.0.0.1:9464}
log: {level: info, format: text}
rules: {builtin: ru}
telegram:
  api_url: %[5]s
  token_env: STRAZH_SIM_TELEGRAM_TOKEN
  chat_id: %[6]d
  moderators: [%[7]d]
  language: ru
  notify_auto: digest
accounts:
  - name: sim-page
    network: sim
    api_url: %[5]s
    token_env: STRAZH_SIM_TOKEN
    ban: {duration: 720h, comment: "Нарушение правил сообщества"}
`, listen, stateDir, simtest.Token, simTelegramToken, url, simChatID, simModeratorID)
}

// simLog remembers what was posted, for the moderator to recognise a card
// (the newest few hundred; older cards are kept).
type simLog struct {
	mu    sync.Mutex
	kinds map[string]simtest.Kind // text prefix → kind
	order []string
	n     int
}

func newSimLog() *simLog { return &simLog{kinds: map[string]simtest.Kind{}} }

func (l *simLog) add(it simtest.Item) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := prefixRunes(it.Text, 30)
	if _, ok := l.kinds[key]; !ok {
		l.order = append(l.order, key)
	}
	l.kinds[key] = it.Kind
	if len(l.order) > 500 {
		delete(l.kinds, l.order[0])
		l.order = l.order[1:]
	}
	l.n++
}

func (l *simLog) kindOf(card string) (simtest.Kind, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	flat := strings.Join(strings.Fields(card), " ")
	for k, v := range l.kinds {
		if strings.Contains(flat, k) {
			return v, true
		}
	}
	return "", false
}

func (l *simLog) count() int { l.mu.Lock(); defer l.mu.Unlock(); return l.n }

// streamComments posts a comment every interval on average (±50%).
func streamComments(ctx context.Context, network *simtest.Server, log *simLog, interval time.Duration, seed uint64) {
	st := simtest.NewStream(seed)
	r := rand.New(rand.NewPCG(seed, 7))
	for {
		it := st.Next()
		log.add(it)
		network.Post("post-1", it.AuthorID, it.AuthorName, it.Text)
		wait := interval/2 + time.Duration(r.Int64N(int64(interval)+1))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// simModerate answers every review card after delay: rude and obscene
// comments are deleted, the rest kept.
func simModerate(ctx context.Context, tg *telegramtest.Server, log *simLog, delay time.Duration) {
	user := telegramtest.User{ID: simModeratorID, FirstName: "Мария", LastName: "Модератор"}
	handled := map[int64]bool{}
	for ctx.Err() == nil {
		changed := tg.Changed()
		for _, m := range tg.BotMessages(simChatID) {
			keep, del := "Оставить", "Удалить"
			if hasButton(m, "Keep") {
				keep, del = "Keep", "Delete"
			}
			if handled[m.ID] || !hasButton(m, keep) {
				continue
			}
			handled[m.ID] = true
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			tap := keep
			if k, ok := log.kindOf(m.Text); ok && (k == simtest.KindDoubt || k == simtest.KindObscene || k == simtest.KindSpam) {
				tap = del
			}
			_ = tg.Press(simChatID, m.ID, tap, user) // a card edited meanwhile is answered next round
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
	}
}

// reportSim prints a line a minute: what the network saw.
func reportSim(ctx context.Context, s stdio, network *simtest.Server, tg *telegramtest.Server, log *simLog) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		_, deleted, banned := network.Counts()
		fmt.Fprintf(s.out, tr("%s posted %d, deleted %d, banned %d; %d messages in the review chat\n"),
			time.Now().Format("15:04:05"), log.count(), deleted, banned, len(tg.BotMessages(simChatID)))
	}
}

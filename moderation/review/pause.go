package review

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/strazh/strazh/duration"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// pauseCommand runs /pause [length]: without a length automatic actions
// stay stopped until /resume; with one (the shared syntax: 30m, 2h, 1d)
// the timers resume them when it has passed. The pipeline keeps the pause
// and its deadline in the store, so a restart ends neither.
func (t *Reviewer) pauseCommand(args []string, by, name string, log *slog.Logger, reply func(string)) {
	tx := t.tx
	if len(args) > 1 {
		reply(fmt.Sprintf(tx.pauseUsage, ""))
		return
	}
	var d time.Duration
	if len(args) == 1 {
		var err error
		d, err = duration.Parse(args[0])
		if err == nil && d <= 0 {
			err = errors.New("0")
		}
		if err != nil {
			msg := ""
			var de *duration.Error
			if errors.As(err, &de) {
				msg = de.English()
				if t.cfg.Language != LangEN {
					msg = de.Russian()
				}
			}
			reply(fmt.Sprintf(tx.pauseUsage, esc(msg)))
			return
		}
	}
	if d == 0 {
		t.mod.Pause(by)
		t.pauseUntil.Store(0)
		log.Info("automatic actions paused")
		reply(fmt.Sprintf(tx.paused, name))
		return
	}
	until := t.now().Add(d)
	if tp := timedOf(t.mod); tp != nil {
		tp.PauseUntil(by, until)
	} else {
		t.mod.Pause(by)
	}
	t.pauseUntil.Store(until.UnixNano())
	log.Info("automatic actions paused", "until", until)
	reply(fmt.Sprintf(tx.pausedUntil, name, until.In(t.loc).Format("02.01 15:04")))
}

// endTimedPause resumes automatic actions once a timed pause has passed,
// and tells the chat.
func (t *Reviewer) endTimedPause(now time.Time, w *work) {
	if tp := timedOf(t.mod); tp != nil {
		// The pipeline's deadline: it outlives a restart, and a pause set
		// again since (here, in another channel, the console) replaces it.
		until := tp.PausedUntil()
		if until.IsZero() || now.Before(until) || !tp.ResumeTimed(until, "timer") {
			return
		}
		t.pauseUntil.Store(0)
	} else {
		until := t.pauseUntil.Load()
		if until == 0 || now.UnixNano() < until || !t.pauseUntil.CompareAndSwap(until, 0) {
			return
		}
		if !t.mod.Paused() {
			return // resumed some other way meanwhile
		}
		t.mod.Resume("timer")
	}
	t.log.Info("timed pause over: automatic actions resumed")
	w.ch.Enqueue = append(w.ch.Enqueue, &cardstore.Outgoing{Prio: cardstore.PrioInteractive, Op: cardstore.OpText,
		ChatID: t.cfg.ChatID, Text: t.tx.resumedTimer, Created: now})
}

// timedPauser is a Moderation that keeps a timed pause's deadline with the
// pause (the pipeline), so it survives a restart.
type timedPauser interface {
	PauseUntil(by string, until time.Time)
	PausedUntil() time.Time
	ResumeTimed(until time.Time, by string) bool
}

// timedOf is mod's timedPauser, looking through the fan-out's wrapper
// (which passes pausing on as it is); nil: the deadline lives here only.
func timedOf(mod Moderation) timedPauser {
	switch w := mod.(type) {
	case fanMod:
		mod = w.Moderation
	case fanDistrict:
		mod = w.Moderation
	}
	tp, _ := mod.(timedPauser)
	return tp
}

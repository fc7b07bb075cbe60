package review

import (
	"context"

	"github.com/strazh/strazh/moderation/review/cardstore"
)

// pollLoop receives taps and commands until ctx is done.
func (t *Reviewer) pollLoop(ctx context.Context) {
	offset, err := t.store.Offset()
	if err != nil {
		t.log.Error("read updates offset", "err", err)
	}
	attempt := 0 // failures in a row
	for ctx.Err() == nil {
		ups, next, err := t.tr.updates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			attempt++
			t.pollFailed(err)
			wait := t.tm.Retry.Wait(attempt, 0)
			if f := t.tr.failure(err); f.retryAfter > 0 {
				// an instruction from the messenger, above max_interval too (as in sendLoop)
				wait = max(t.tm.Retry.Wait(1, 0), f.retryAfter)
			}
			t.log.Warn("getting updates failed, will retry", "err", err, "retry_in", wait)
			if !sleep(ctx, wait) {
				return
			}
			continue
		}
		attempt = 0
		t.pollOK()
		for _, u := range ups {
			t.handleUpdate(ctx, u)
		}
		if len(ups) == 0 && next > offset {
			// A marker moved without updates (MAX's first poll): kept so a
			// restart does not ask for "only the latest" again.
			t.commit(&work{ch: cardstore.Change{Offset: next}})
		}
		offset = next
	}
}

// handleUpdate processes one update and saves its offset, together with
// whatever the handler queued. An error means nothing was saved (a
// webhook delivery is then refused, so MAX delivers it again).
func (t *Reviewer) handleUpdate(ctx context.Context, u update) error {
	var w work
	var answer func()
	switch {
	case t.appealUpdate(ctx, u, &w, &answer): // appeals.go
	case u.tap != nil:
		answer = t.onTap(ctx, u.tap, &w)
	case u.msg != nil:
		t.onMessage(ctx, u.msg, &w)
	}
	w.ch.Offset = u.offset
	err := t.commit(&w)
	if answer != nil {
		answer()
	}
	return err
}

// work collects what handling an update or a timer tick writes.
type work struct {
	ch      cardstore.Change
	refresh []refresh
}

// refresh asks for a card to be re-rendered in place.
type refresh struct {
	key      string
	close    bool   // the review is decided: no more reminders
	remind   bool   // a reminder was sent
	by, name string // who tapped, for the edited card
	step     string // "ban": show the durations (keyboard only)
}

// commit writes w in one transaction. Cards are re-read under cardMu so a
// concurrent sender's message ID is never overwritten. The error is
// logged here; only a webhook delivery acts on it.
func (t *Reviewer) commit(w *work) error {
	t.cardMu.Lock()
	defer t.cardMu.Unlock()
	if len(w.refresh) > 0 {
		// An edit already in the outbox may be in flight with what it
		// rendered before this change, so edits are deduplicated only
		// within this commit; a redundant one is answered "message is not
		// modified", which is ignored.
		queued := make(map[string]bool)
		cards := make(map[string]*cardstore.Card)
		for _, r := range w.refresh {
			c := cards[r.key]
			if c == nil {
				var err error
				if c, err = t.store.Card(r.key); err != nil {
					continue
				}
				cards[r.key] = c
				w.ch.Put = append(w.ch.Put, c)
			}
			if r.close {
				c.Open = false
			}
			if r.remind {
				c.Reminded = true
				continue
			}
			if r.name != "" {
				if c.Names == nil {
					c.Names = make(map[string]string)
				}
				c.Names[r.by] = r.name
			}
			op := cardstore.OpEdit
			if r.step != "" || !r.close && c.Kind == cardstore.KindReview {
				op = cardstore.OpKeyboard
			} else if queued[r.key] {
				continue
			}
			queued[r.key] = true
			w.ch.Enqueue = append(w.ch.Enqueue, &cardstore.Outgoing{Prio: cardstore.PrioInteractive, Op: op,
				Card: r.key, Step: r.step, ChatID: c.ChatID, Created: t.now()})
		}
	}
	if w.ch.Empty() {
		return nil
	}
	if err := t.store.Apply(w.ch); err != nil {
		t.log.Error("save review chat state", "err", err)
		return err
	}
	if len(w.ch.Enqueue) > 0 {
		t.poke()
	}
	return nil
}

package review

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// tickLoop applies time-outs, sends reminders and digests, and refreshes
// cards of reviews decided elsewhere (the CLI), every Timing.Tick.
func (t *Reviewer) tickLoop(ctx context.Context) {
	tk := time.NewTicker(t.tm.Tick)
	defer tk.Stop()
	lastDigest := t.now()
	for {
		t.tick(ctx, &lastDigest)
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
	}
}

func (t *Reviewer) tick(ctx context.Context, lastDigest *time.Time) {
	now := t.now()
	var w work
	t.endTimedPause(now, &w)
	if t.cfg.ReviewTimeout > 0 {
		t.timeouts(ctx, now, &w)
	}
	t.reminders(now, &w)
	if t.cfg.NotifyAuto == NotifyDigest && now.Sub(*lastDigest) >= t.cfg.DigestEvery {
		*lastDigest = now
		ids, err := t.store.Digest()
		if err != nil {
			t.log.Error("read digest buffer", "err", err)
		} else if len(ids) > 0 {
			t.digestCards(&w.ch, ids)
			w.ch.DigestDel = ids
		}
	}
	t.commit(&w)
}

// timeouts applies on_timeout to reviews pending longer than review_timeout.
func (t *Reviewer) timeouts(ctx context.Context, now time.Time, w *work) {
	ds, err := t.mod.PendingReviews()
	if err != nil {
		t.log.Error("list pending reviews", "err", err)
		return
	}
	v := moderation.Allow
	if t.cfg.OnTimeout == TimeoutDelete {
		v = moderation.Delete
	}
	for _, d := range ds {
		if now.Sub(d.DecidedAt) < t.cfg.ReviewTimeout || ctx.Err() != nil {
			continue
		}
		actx, cancel := context.WithTimeout(ctx, t.tm.ActionTimeout)
		_, err := t.mod.Resolve(actx, d.ID, v, 0, moderation.ByTimeout, "")
		cancel()
		switch {
		case err == nil:
			t.log.Info("review timed out", "decision_id", d.ID, "verdict", v.String())
		case errors.Is(err, moderation.ErrAlreadyDecided):
		default:
			t.log.Error("apply review time-out", "decision_id", d.ID, "err", err)
			continue
		}
		if c, err := t.store.CardFor(d.ID); err == nil {
			w.refresh = append(w.refresh, refresh{key: c.Key, close: true})
		}
	}
}

// reminders closes cards of reviews decided elsewhere and reminds, once,
// of those pending longer than remind_after: one message for all that
// became due at this tick.
func (t *Reviewer) reminders(now time.Time, w *work) {
	cards, err := t.store.OpenCards()
	if err != nil {
		t.log.Error("list open cards", "err", err)
		return
	}
	var due []*cardstore.Card
	var ids []uint64
	for _, c := range cards {
		if c.Kind != cardstore.KindReview || len(c.Decisions) == 0 || refreshed(w, c.Key) {
			continue
		}
		d, err := t.mod.Decision(c.Decisions[0])
		if err != nil {
			continue
		}
		if decided(d) {
			w.refresh = append(w.refresh, refresh{key: c.Key, close: true})
			continue
		}
		since := d.DecidedAt
		if since.IsZero() {
			since = c.Created
		}
		// A card still in the outbox (no message yet) is reminded of once it
		// is in the chat: the reminder replies to it.
		if t.cfg.RemindAfter > 0 && !c.Reminded && c.Msg() != "" && now.Sub(since) >= t.cfg.RemindAfter {
			due = append(due, c)
			ids = append(ids, d.ID)
			w.refresh = append(w.refresh, refresh{key: c.Key, remind: true})
		}
	}
	if len(due) == 0 {
		return
	}
	msg := &cardstore.Outgoing{Prio: cardstore.PrioReview, Op: cardstore.OpText, ChatID: t.cfg.ChatID, Created: now}
	if len(due) == 1 {
		msg.Text = "⏰ " + fmt.Sprintf(t.tx.remindOne, esc(t.tx.ago(t.cfg.RemindAfter))) + fmt.Sprintf(" #%d", ids[0])
		msg.SetReply(due[0].Msg())
	} else {
		parts := make([]string, len(due))
		for i, c := range due {
			parts[i] = fmt.Sprintf("#%d", ids[i])
			if l := t.tr.link(c.ChatID, c.Msg()); l != "" {
				parts[i] = link(l, parts[i])
			}
		}
		msg.Text = "⏰ " + fmt.Sprintf(t.tx.remindMany, esc(t.tx.ago(t.cfg.RemindAfter)), strings.Join(parts, ", "))
	}
	w.ch.Enqueue = append(w.ch.Enqueue, msg)
}

func refreshed(w *work, key string) bool {
	for _, r := range w.refresh {
		if r.key == key {
			return true
		}
	}
	return false
}

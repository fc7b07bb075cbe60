package review

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// errDrop marks an outbox entry that can never be delivered (the card is
// gone, the messenger rejected it for good); it is removed and logged.
var errDrop = errors.New("dropped")

// sendLoop delivers the outbox in order: interactive replies and edits,
// then review cards, then notices. The messenger being down or limiting only
// delays it; nothing is lost because entries leave the outbox only once
// delivered.
func (t *Reviewer) sendLoop(ctx context.Context) {
	lim := newChatLimiter(t.tm)
	commandsSet := false
	attempt := 0 // failures in a row
	fail := func(err error) bool {
		t.sendFailed(err)
		attempt++
		wait := t.tm.Retry.Wait(attempt, 0)
		if f := t.tr.failure(err); f.retryAfter > 0 {
			// The messenger's retry_after is an instruction, not a guess:
			// sending earlier only earns another 429, so it overrides
			// max_interval.
			wait = max(t.tm.Retry.Wait(1, 0), f.retryAfter)
			t.log.Warn("rate limit", "retry_after", wait)
		} else {
			t.log.Warn("send failed, will retry", "err", err, "retry_in", wait)
		}
		return sleep(ctx, wait)
	}
	for ctx.Err() == nil {
		if !commandsSet {
			if err := t.setCommands(ctx); err != nil {
				if ctx.Err() != nil || !fail(err) {
					return
				}
				continue
			}
			commandsSet, attempt = true, 0
			t.sendOK()
		}
		items, err := t.store.Outbox()
		if err != nil {
			t.log.Error("read outbox", "err", err)
			if !sleep(ctx, t.tm.Retry.MaxInterval) {
				return
			}
			continue
		}
		if len(items) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-t.wake:
			}
			continue
		}
		it := items[0]
		if grouped, err := t.groupNotices(items); err != nil {
			t.log.Error("group notices", "err", err)
		} else if grouped {
			continue
		}
		err = t.deliver(ctx, lim, it)
		switch {
		case err == nil:
			attempt = 0
			t.sendOK()
		case errors.Is(err, errDrop):
			if t.tr.failure(err).class == ClassBadRequest {
				t.sendFailed(err) // the messenger refused this message for good
			}
			t.log.Error("message dropped", "op", it.Op, "card", it.Card, "err", err)
			if err := t.store.Apply(cardstore.Change{Done: []uint64{it.Seq}}); err != nil {
				t.log.Error("drop outbox entry", "err", err)
			}
		case ctx.Err() != nil:
			return
		default:
			if !fail(err) {
				return
			}
		}
	}
}

// groupNotices merges queued notices into digest messages when several
// wait, so a burst of automatic actions costs a few messages, not dozens.
// It reports whether it changed the outbox.
func (t *Reviewer) groupNotices(items []*cardstore.Outgoing) (bool, error) {
	if items[0].Prio != cardstore.PrioNotice || items[0].Op != cardstore.OpSend {
		return false, nil
	}
	var notices []*cardstore.Outgoing
	for _, it := range items {
		if it.Prio == cardstore.PrioNotice && it.Op == cardstore.OpSend {
			notices = append(notices, it)
		}
	}
	if len(notices) < t.tm.GroupNotices {
		return false, nil
	}
	t.cardMu.Lock()
	defer t.cardMu.Unlock()
	var ch cardstore.Change
	var ids []uint64
	for _, it := range notices {
		c, err := t.store.Card(it.Card)
		if err != nil || c.Kind != cardstore.KindNotice || c.Msg() != "" {
			continue
		}
		ch.Done = append(ch.Done, it.Seq)
		ch.Delete = append(ch.Delete, c.Key)
		ids = append(ids, c.Decisions...)
	}
	if len(ids) < t.tm.GroupNotices {
		return false, nil
	}
	t.digestCards(&ch, ids)
	return true, t.store.Apply(ch)
}

// digestCards adds digest cards for ids to ch, digestPerCard per message.
func (t *Reviewer) digestCards(ch *cardstore.Change, ids []uint64) {
	now := t.now()
	for len(ids) > 0 {
		n := min(len(ids), digestPerCard)
		c := &cardstore.Card{Key: newKey(), Kind: cardstore.KindDigest, Decisions: append([]uint64(nil), ids[:n]...),
			ChatID: t.cfg.ChatID, Created: now}
		ids = ids[n:]
		ch.Put = append(ch.Put, c)
		ch.Enqueue = append(ch.Enqueue, &cardstore.Outgoing{Prio: cardstore.PrioNotice, Op: cardstore.OpSend,
			Card: c.Key, ChatID: c.ChatID, Created: now})
	}
}

// rendered is a card ready to send: the full HTML text, the plain form to
// fall back on, the keyboard.
type rendered struct {
	html, plain string
	kb          *keyboard
}

// render renders a card as it stands now.
func (t *Reviewer) render(c *cardstore.Card, step string) (rendered, error) {
	ds := make([]*moderation.Decision, len(c.Decisions))
	for i, id := range c.Decisions {
		d, err := t.mod.Decision(id)
		if errors.Is(err, moderation.ErrNotFound) {
			if c.Kind == cardstore.KindDigest {
				continue
			}
			return rendered{}, fmt.Errorf("decision %d: %w", id, errors.Join(err, errDrop))
		}
		if err != nil {
			return rendered{}, fmt.Errorf("decision %d: %w", id, err)
		}
		ds[i] = d
	}
	// Render with the most text that fits in one message. A limit above
	// the longest text changes nothing, so shrinking starts from there.
	limit := maxCardText
	if c.Kind == cardstore.KindDigest {
		limit = maxDigestText
	}
	longest := 0
	for _, d := range ds {
		if d != nil {
			text, _ := cut(d.Comment.Text, limit)
			longest = max(longest, utf8.RuneCountInString(text))
		}
	}
	for {
		var r rendered
		switch c.Kind {
		case cardstore.KindReview:
			r.html, r.kb = t.renderReview(c, ds[0], step, limit)
		case cardstore.KindNotice:
			r.html, r.kb = t.renderNotice(c, ds[0], c.Names, limit)
		default:
			r.html, r.kb = t.renderDigest(c, ds, c.Names, limit)
		}
		over := visibleLen(r.html) - t.lim.maxVisible
		if over <= 0 || limit <= 20 {
			r.plain = t.plainCard(c, ds)
			if over > 0 {
				// Too long even with the shortest text: the other fields
				// are long (six digest entries of emoji names and errors,
				// found by FuzzRender). The plain form, escaped, fits.
				r.html = esc(r.plain)
			}
			return r, nil
		}
		limit = max(min(limit, longest)-over-20, 20)
	}
}

// caller makes Bot API calls for one outbox entry: each waits for the
// chat limit with the loop's context (a shutdown ends the wait), then runs
// with its own deadline and a grace after shutdown.
type caller struct {
	ctx context.Context // the send loop's
	lim *chatLimiter
	tm  *Timing
}

// call waits for the limit and runs fn with the call's context.
func (c caller) call(fn func(ctx context.Context) error) error {
	if err := c.lim.wait(c.ctx); err != nil {
		return err
	}
	ctx, cancel := graceful(c.ctx, shutdownGrace)
	defer cancel()
	ctx, cancel2 := context.WithTimeout(ctx, c.tm.CallTimeout)
	defer cancel2()
	return fn(ctx)
}

// deliver performs one outbox entry and removes it from the outbox. Only
// entries that reach the bot API spend the chat limit.
func (t *Reviewer) deliver(ctx context.Context, lim *chatLimiter, it *cardstore.Outgoing) error {
	c := caller{ctx: ctx, lim: lim, tm: &t.tm}
	done := cardstore.Change{Done: []uint64{it.Seq}}
	if it.Op == cardstore.OpText {
		m := outMsg{text: it.Text, html: true, replyTo: it.Reply()}
		if err := c.call(func(ctx context.Context) error { _, err := t.tr.send(ctx, it.ChatID, m); return err }); err != nil {
			return t.classify(err)
		}
		return t.store.Apply(done)
	}
	if it.Op == cardstore.OpDocument {
		ds, ok := t.tr.(docSender)
		if !ok {
			return fmt.Errorf("document %s: %s sends no files: %w", it.DocName, t.tr.channel(), errDrop)
		}
		if err := c.call(func(ctx context.Context) error {
			_, err := ds.sendDocument(ctx, it.ChatID, it.DocName, it.Doc, it.Text)
			return err
		}); err != nil {
			return t.classify(err)
		}
		return t.store.Apply(done)
	}
	card, err := t.store.Card(it.Card)
	if errors.Is(err, moderation.ErrNotFound) {
		return fmt.Errorf("card %s: %w", it.Card, errDrop)
	} else if err != nil {
		return err
	}
	if it.Op != cardstore.OpSend && card.Msg() == "" {
		// Not sent yet: the send renders the state as it is then.
		return t.store.Apply(done)
	}
	if it.Op == cardstore.OpSend && card.Msg() != "" {
		return t.store.Apply(done)
	}
	r, err := t.render(card, it.Step)
	if err != nil {
		return err
	}
	if it.Op == cardstore.OpSend {
		id, err := t.post(c, card, r)
		if errors.Is(err, errUnsendable) {
			// Kept open in the store (/pending lists it); counted and
			// alerted on, since nobody sees it in the chat.
			t.metrics.unsent.WithLabelValues(t.tr.channel()).Inc()
			t.log.Error("the messenger refused a card, even in the plain form", "card", card.Key,
				"decisions", card.Decisions, "err", err)
			return t.store.Apply(done)
		}
		if err != nil {
			return t.classify(err)
		}
		return t.sent(it, card.Key, id)
	}
	if it.Op == cardstore.OpKeyboard && card.Kind == cardstore.KindReview && r.kb != nil && !t.isDecided(card) {
		m := outMsg{text: r.html, html: true, kb: r.kb}
		err = c.call(func(ctx context.Context) error { return t.tr.editKeyboard(ctx, card.ChatID, card.Msg(), m) })
	} else {
		err = t.editText(c, card, r)
	}
	if err != nil && !t.tr.failure(err).notModified {
		if t.tr.failure(err).class == ClassBadRequest {
			// The message is gone or too old to edit, or the edit was
			// refused in the plain form too: nothing to retry.
			t.log.Warn("edit card", "card", card.Key, "err", err)
			return t.store.Apply(done)
		}
		return t.classify(err)
	}
	return t.store.Apply(done)
}

// post sends a card; when the messenger refuses it for its content it
// sends the plain form instead (errUnsendable if that is refused too). It
// returns the message ID.
func (t *Reviewer) post(cl caller, c *cardstore.Card, r rendered) (string, error) {
	m := outMsg{text: r.html, html: true, kb: r.kb}
	var id string
	send := func(ctx context.Context) (err error) { id, err = t.tr.send(ctx, c.ChatID, m); return err }
	err := cl.call(send)
	if err != nil && t.tr.failure(err).refused {
		t.log.Warn("the messenger refused a card, sending the plain form", "card", c.Key, "err", err)
		m.text, m.html = r.plain, false
		err2 := cl.call(send)
		if err2 != nil && t.tr.failure(err2).refused {
			return "", errors.Join(errUnsendable, err, err2)
		}
		err = err2
	}
	if err != nil {
		return "", err
	}
	return id, nil
}

// editText edits a card's text, falling back to the plain form like post.
func (t *Reviewer) editText(cl caller, c *cardstore.Card, r rendered) error {
	m := outMsg{text: r.html, html: true, kb: r.kb}
	edit := func(ctx context.Context) error { return t.tr.edit(ctx, c.ChatID, c.Msg(), m) }
	err := cl.call(edit)
	if err != nil && t.tr.failure(err).refused {
		t.log.Warn("the messenger refused a card edit, editing to the plain form", "card", c.Key, "err", err)
		m.text, m.html = r.plain, false
		err = cl.call(edit)
	}
	return err
}

// shutdownGrace is how long a message being sent may take after Run's
// context ended: finishing it avoids sending the same card again after a
// restart.
const shutdownGrace = 2 * time.Second

// graceful returns a context that ends grace after parent does.
func graceful(parent context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	stop := context.AfterFunc(parent, func() {
		tm := time.AfterFunc(grace, cancel)
		context.AfterFunc(ctx, func() { tm.Stop() })
	})
	return ctx, func() { stop(); cancel() }
}

func (t *Reviewer) isDecided(c *cardstore.Card) bool {
	d, err := t.mod.Decision(c.Decisions[0])
	return err == nil && decided(d)
}

// sent records the message ID of a delivered card.
func (t *Reviewer) sent(it *cardstore.Outgoing, key string, msgID string) error {
	t.cardMu.Lock()
	defer t.cardMu.Unlock()
	c, err := t.store.Card(key)
	if err != nil {
		return t.store.Apply(cardstore.Change{Done: []uint64{it.Seq}})
	}
	// Open stays as it is: if the review was decided meanwhile, the next
	// tick sees it and refreshes the card.
	c.SetMsg(msgID)
	c.Sent = t.now()
	return t.store.Apply(cardstore.Change{Put: []*cardstore.Card{c}, Done: []uint64{it.Seq}})
}

// classify turns an error into errDrop when retrying cannot help.
func (t *Reviewer) classify(err error) error {
	if t.tr.failure(err).drop {
		return errors.Join(err, errDrop)
	}
	return err
}

// setCommands registers the command list shown in the chat's menu.
func (t *Reviewer) setCommands(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, t.tm.CallTimeout)
	defer cancel()
	tx := t.tx
	return t.tr.setCommands(ctx, t.cfg.ChatID, []command{
		{"pending", tx.cmdPending},
		{"stats", tx.cmdStats},
		{"unban", tx.cmdUnban},
		{"author", tx.cmdAuthor},
		{"pause", tx.cmdPause},
		{"resume", tx.cmdResume},
		{"help", tx.cmdHelp},
	})
}

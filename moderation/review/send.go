package review

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// pacer keeps the sender under Telegram's per-chat limit (20 messages a
// minute to a group, about one a second).
type pacer struct {
	per    int
	window time.Duration
	gap    time.Duration
	sent   []time.Time
}

// delay is how long to wait before the next message may go.
func (p *pacer) delay(now time.Time) time.Duration {
	for len(p.sent) > 0 && now.Sub(p.sent[0]) >= p.window {
		p.sent = p.sent[1:]
	}
	var d time.Duration
	if n := len(p.sent); n > 0 {
		d = p.sent[n-1].Add(p.gap).Sub(now)
	}
	if len(p.sent) >= p.per {
		d = max(d, p.sent[len(p.sent)-p.per].Add(p.window).Sub(now))
	}
	return max(d, 0)
}

func (p *pacer) record(now time.Time) { p.sent = append(p.sent, now) }

// errDrop marks an outbox entry that can never be delivered (the card is
// gone, Telegram rejected it for good); it is removed and logged.
var errDrop = errors.New("dropped")

// sendLoop delivers the outbox in order: interactive replies and edits,
// then review cards, then notices. Telegram being down or limiting only
// delays it; nothing is lost because entries leave the outbox only once
// delivered.
func (t *Telegram) sendLoop(ctx context.Context) {
	p := &pacer{per: t.tm.PerMinute, window: time.Minute, gap: t.tm.MinGap}
	if t.tm.Window > 0 {
		p.window = t.tm.Window
	}
	commandsSet := false
	backoff := time.Duration(0)
	fail := func(err error) bool {
		var tooMany *bot.TooManyRequestsError
		wait := t.nextBackoff(&backoff)
		if errors.As(err, &tooMany) {
			wait = time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
			t.log.Warn("telegram rate limit", "retry_after", wait)
		} else {
			t.log.Warn("telegram send failed, will retry", "err", err, "retry_in", wait)
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
			commandsSet, backoff = true, 0
		}
		items, err := t.store.Outbox()
		if err != nil {
			t.log.Error("read outbox", "err", err)
			if !sleep(ctx, t.tm.RetryMax) {
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
		if !sleep(ctx, p.delay(time.Now())) {
			return
		}
		p.record(time.Now())
		err = t.deliver(ctx, it)
		switch {
		case err == nil:
			backoff = 0
		case errors.Is(err, errDrop):
			t.log.Error("telegram message dropped", "op", it.Op, "card", it.Card, "err", err)
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

func (t *Telegram) nextBackoff(b *time.Duration) time.Duration {
	if *b == 0 {
		*b = t.tm.RetryMin
	} else {
		*b = min(*b*2, t.tm.RetryMax)
	}
	return *b
}

// groupNotices merges queued notices into digest messages when several
// wait, so a burst of automatic actions costs a few messages, not dozens.
// It reports whether it changed the outbox.
func (t *Telegram) groupNotices(items []*cardstore.Outgoing) (bool, error) {
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
		if err != nil || c.Kind != cardstore.KindNotice || c.MessageID != 0 {
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
func (t *Telegram) digestCards(ch *cardstore.Change, ids []uint64) {
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
	kb          *models.InlineKeyboardMarkup
}

// render renders a card as it stands now.
func (t *Telegram) render(c *cardstore.Card, step string) (rendered, error) {
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
	// Render with the most text that fits in one message.
	limit := maxCardText
	if c.Kind == cardstore.KindDigest {
		limit = maxDigestText
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
		over := visibleLen(r.html) - maxVisible
		if over <= 0 || limit <= 20 {
			// Still too long at the shortest text (it cannot be with
			// today's fields): Telegram refuses it, the plain form goes.
			r.plain = t.plainCard(c, ds)
			return r, nil
		}
		limit = max(limit-over-20, 20)
	}
}

// markup converts a possibly nil keyboard into the library's interface
// without a typed nil inside.
func markup(kb *models.InlineKeyboardMarkup) models.ReplyMarkup {
	if kb == nil {
		return nil
	}
	return kb
}

var noPreview = &models.LinkPreviewOptions{IsDisabled: bot.True()}

// deliver performs one outbox entry and removes it from the outbox.
func (t *Telegram) deliver(ctx context.Context, it *cardstore.Outgoing) error {
	ctx, cancel := graceful(ctx, shutdownGrace)
	defer cancel()
	ctx, cancel2 := context.WithTimeout(ctx, t.tm.CallTimeout)
	defer cancel2()
	done := cardstore.Change{Done: []uint64{it.Seq}}
	if it.Op == cardstore.OpText {
		params := &bot.SendMessageParams{ChatID: it.ChatID, Text: it.Text, ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: noPreview}
		if it.ReplyTo != 0 {
			params.ReplyParameters = &models.ReplyParameters{MessageID: int(it.ReplyTo), AllowSendingWithoutReply: true}
		}
		if _, err := t.bot.SendMessage(ctx, params); err != nil {
			return classify(err)
		}
		return t.store.Apply(done)
	}
	c, err := t.store.Card(it.Card)
	if errors.Is(err, moderation.ErrNotFound) {
		return fmt.Errorf("card %s: %w", it.Card, errDrop)
	} else if err != nil {
		return err
	}
	if it.Op != cardstore.OpSend && c.MessageID == 0 {
		// Not sent yet: the send renders the state as it is then.
		return t.store.Apply(done)
	}
	if it.Op == cardstore.OpSend && c.MessageID != 0 {
		return t.store.Apply(done)
	}
	r, err := t.render(c, it.Step)
	if err != nil {
		return err
	}
	if it.Op == cardstore.OpSend {
		id, err := t.post(ctx, c, r)
		if errors.Is(err, errUnsendable) {
			// Kept open in the store (/pending lists it); counted and
			// alerted on, since nobody sees it in the chat.
			t.metrics.unsent.Inc()
			t.log.Error("telegram refused a card, even in the plain form", "card", c.Key,
				"decisions", c.Decisions, "err", err)
			return t.store.Apply(done)
		}
		if err != nil {
			return classify(err)
		}
		return t.sent(it, c.Key, id)
	}
	if it.Op == cardstore.OpKeyboard && c.Kind == cardstore.KindReview && r.kb != nil && !t.isDecided(c) {
		_, err = t.bot.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: c.ChatID,
			MessageID: int(c.MessageID), ReplyMarkup: markup(r.kb)})
	} else {
		err = t.editText(ctx, c, r)
	}
	if err != nil && !notModified(err) {
		if errors.Is(err, bot.ErrorBadRequest) {
			// The message is gone or too old to edit, or the edit was
			// refused in the plain form too: nothing to retry.
			t.log.Warn("edit card", "card", c.Key, "err", err)
			return t.store.Apply(done)
		}
		return classify(err)
	}
	return t.store.Apply(done)
}

// post sends a card; when Telegram refuses it for its content it sends the
// plain form instead (errUnsendable if that is refused too). It returns
// the message ID.
func (t *Telegram) post(ctx context.Context, c *cardstore.Card, r rendered) (int64, error) {
	params := &bot.SendMessageParams{ChatID: c.ChatID, Text: r.html, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: noPreview, ReplyMarkup: markup(r.kb)}
	m, err := t.bot.SendMessage(ctx, params)
	if err != nil && refused(err) {
		t.log.Warn("telegram refused a card, sending the plain form", "card", c.Key, "err", err)
		params.Text, params.ParseMode = r.plain, ""
		var err2 error
		if m, err2 = t.bot.SendMessage(ctx, params); err2 != nil && refused(err2) {
			return 0, errors.Join(errUnsendable, err, err2)
		}
		err = err2
	}
	if err != nil {
		return 0, err
	}
	return int64(m.ID), nil
}

// editText edits a card's text, falling back to the plain form like post.
func (t *Telegram) editText(ctx context.Context, c *cardstore.Card, r rendered) error {
	params := &bot.EditMessageTextParams{ChatID: c.ChatID, MessageID: int(c.MessageID), Text: r.html,
		ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview, ReplyMarkup: markup(r.kb)}
	_, err := t.bot.EditMessageText(ctx, params)
	if err != nil && refused(err) {
		t.log.Warn("telegram refused a card edit, editing to the plain form", "card", c.Key, "err", err)
		params.Text, params.ParseMode = r.plain, ""
		_, err = t.bot.EditMessageText(ctx, params)
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

func (t *Telegram) isDecided(c *cardstore.Card) bool {
	d, err := t.mod.Decision(c.Decisions[0])
	return err == nil && decided(d)
}

// sent records the message ID of a delivered card.
func (t *Telegram) sent(it *cardstore.Outgoing, key string, msgID int64) error {
	t.cardMu.Lock()
	defer t.cardMu.Unlock()
	c, err := t.store.Card(key)
	if err != nil {
		return t.store.Apply(cardstore.Change{Done: []uint64{it.Seq}})
	}
	// Open stays as it is: if the review was decided meanwhile, the next
	// tick sees it and refreshes the card.
	c.MessageID, c.Sent = msgID, t.now()
	return t.store.Apply(cardstore.Change{Put: []*cardstore.Card{c}, Done: []uint64{it.Seq}})
}

func notModified(err error) bool {
	return err != nil && strings.Contains(err.Error(), "message is not modified")
}

// classify turns a Bot API error into errDrop when retrying cannot help.
// A missing chat, a revoked right or a bad token are retried (a human must
// fix the configuration; the cards wait in the outbox meanwhile).
func classify(err error) error {
	if errors.Is(err, bot.ErrorBadRequest) && !strings.Contains(err.Error(), "chat not found") {
		return errors.Join(err, errDrop)
	}
	return err
}

// setCommands registers the command list shown in the chat's menu.
func (t *Telegram) setCommands(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, t.tm.CallTimeout)
	defer cancel()
	tx := t.tx
	_, err := t.bot.SetMyCommands(ctx, &bot.SetMyCommandsParams{
		Commands: []models.BotCommand{
			{Command: "pending", Description: tx.cmdPending},
			{Command: "stats", Description: tx.cmdStats},
			{Command: "unban", Description: tx.cmdUnban},
			{Command: "pause", Description: tx.cmdPause},
			{Command: "resume", Description: tx.cmdResume},
			{Command: "help", Description: tx.cmdHelp},
		},
		Scope: &models.BotCommandScopeChat{ChatID: t.cfg.ChatID},
	})
	if err != nil {
		return fmt.Errorf("setMyCommands: %w", err)
	}
	return nil
}

package review

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// work does what one card has left, in order: post the answer written in
// the chat, send or edit the card, send the prompt, the reminder and the
// failure notice. Each step is saved once done. It returns when an answer
// waits for its next try, and the Telegram error that stopped it.
func (d *AppealDesk) work(ctx context.Context, lim *chatLimiter, id uint64) (time.Time, error) {
	c, err := d.store.AppealCard(id)
	if err != nil {
		return time.Time{}, err
	}
	a, err := d.mod.Appeal(id)
	if err != nil {
		if errors.Is(err, moderation.ErrNotFound) {
			d.log.Error("appeal card without an appeal: dropped", "decision_id", id)
			_, err = d.change(id, func(c *cardstore.AppealCard) {
				*c = cardstore.AppealCard{DecisionID: c.DecisionID, ChatID: c.ChatID, Msg: cmp.Or(c.Msg, "-"), Rev: c.Rev, Shown: c.Rev}
			})
		}
		return time.Time{}, err
	}
	var retryAt time.Time
	if r := c.Reply; r != nil {
		if now := d.t.now(); now.Before(r.Next) {
			retryAt = r.Next
		} else if c, err = d.post(ctx, a, c); err != nil {
			return time.Time{}, err
		} else if c.Reply != nil {
			retryAt = c.Reply.Next
		}
		if a, err = d.mod.Appeal(id); err != nil {
			return retryAt, err
		}
	}
	cl := caller{ctx: ctx, lim: lim, tm: &d.t.tm}
	if c.Msg == "" || c.Shown < c.Rev {
		if err := d.show(cl, a, c); err != nil {
			return retryAt, err
		}
	}
	if c, err = d.store.AppealCard(id); err != nil {
		return retryAt, err
	}
	if c.Prompt && sentMsg(c) {
		if err := d.prompt(cl, a, c); err != nil {
			return retryAt, err
		}
	}
	if (c.Remind || c.FailNotice) && sentMsg(c) {
		return retryAt, d.notices(a, c)
	}
	return retryAt, nil
}

// post posts the moderator's answer as the page. A network that fails for
// a while is tried again (maxReplyAttempts); an answer that cannot be
// posted is taken off and said in the chat.
func (d *AppealDesk) post(ctx context.Context, a *moderation.Appeal, c *cardstore.AppealCard) (*cardstore.AppealCard, error) {
	r := *c.Reply
	actx, cancel := context.WithTimeout(ctx, d.t.tm.ActionTimeout)
	_, err := d.mod.ReplyAppeal(actx, a.DecisionID, r.Text, r.By)
	cancel()
	log := d.log.With("decision_id", a.DecisionID, "by", r.By)
	class := moderation.Classify(err)
	switch {
	case err == nil:
		log.Info("appeal answered from the chat")
		return d.change(a.DecisionID, func(c *cardstore.AppealCard) {
			c.Reply, c.Answer, c.AnswerName, c.Failed = nil, r.Text, r.Name, ""
			c.Rev++
		})
	case errors.Is(err, moderation.ErrAlreadyDecided):
		// Answered meanwhile (on the network, or from another card): the
		// moderator is told that their text was not posted.
		log.Info("appeal answered meanwhile; the chat's answer is not posted", "err", err)
		now, _ := d.mod.Appeal(a.DecisionID)
		who := a.AnsweredBy
		if now != nil {
			who = d.t.appealTx().answeredBy(now, c)
		}
		return d.change(a.DecisionID, func(c *cardstore.AppealCard) {
			c.Reply, c.Failed, c.FailNotice = nil, fmt.Sprintf(d.t.appealTx().already, who), true
			c.Rev++
		})
	case ctx.Err() != nil:
		return c, ctx.Err() // shutting down: the answer stays, tried at the next start
	case (class == moderation.ClassRetry || class == moderation.ClassNotConnected) && r.Attempts+1 < maxReplyAttempts:
		wait := d.t.tm.Retry.Wait(r.Attempts+1, moderation.RetryAfter(err))
		log.Warn("appeal answer not posted, will retry", "err", err, "attempt", r.Attempts+1, "retry_in", wait)
		return d.change(a.DecisionID, func(c *cardstore.AppealCard) {
			if c.Reply != nil {
				c.Reply.Attempts++
				c.Reply.Next = d.t.now().Add(wait)
			}
		})
	}
	log.Error("appeal answer not posted; the moderator is told", "err", err, "attempts", r.Attempts+1)
	return d.change(a.DecisionID, func(c *cardstore.AppealCard) {
		c.Reply, c.Failed, c.FailNotice = nil, shortErr(err), true
		c.Rev++
	})
}

// sentMsg reports whether the card is in the chat.
func sentMsg(c *cardstore.AppealCard) bool { return c.Msg != "" && c.Msg != "-" }

// show sends the card, or edits it to its current revision.
func (d *AppealDesk) show(cl caller, a *moderation.Appeal, c *cardstore.AppealCard) error {
	html, kb := d.t.renderAppeal(a, c, d.mod.CanReply(a))
	m := outMsg{text: html, html: true, kb: kb}
	rev := c.Rev
	tr := d.t.tr
	if c.Msg == "" {
		var id string
		err := cl.call(func(ctx context.Context) (err error) { id, err = tr.send(ctx, c.ChatID, m); return err })
		if err != nil {
			return fmt.Errorf("send appeal card %d: %w", a.DecisionID, err)
		}
		_, err = d.change(a.DecisionID, func(c *cardstore.AppealCard) { c.Msg, c.Shown = id, max(c.Shown, rev) })
		return err
	}
	if sentMsg(c) {
		err := cl.call(func(ctx context.Context) error { return tr.edit(ctx, c.ChatID, c.Msg, m) })
		if f := tr.failure(err); err != nil && !f.notModified {
			if !f.drop && f.class != ClassBadRequest {
				return fmt.Errorf("edit appeal card %d: %w", a.DecisionID, err)
			}
			d.log.Warn("appeal card cannot be edited (deleted in the chat?)", "decision_id", a.DecisionID, "err", err)
		}
	}
	_, err := d.change(a.DecisionID, func(c *cardstore.AppealCard) { c.Shown = max(c.Shown, rev) })
	return err
}

// prompt sends the forced reply that asks for the answer.
func (d *AppealDesk) prompt(cl caller, a *moderation.Appeal, c *cardstore.AppealCard) error {
	x := d.t.appealTx()
	if !a.Open() {
		_, err := d.change(a.DecisionID, func(c *cardstore.AppealCard) { c.Prompt = false })
		return err
	}
	m := outMsg{text: fmt.Sprintf(x.prompt, a.DecisionID, esc(authorName(a.Author))), html: true,
		replyTo: c.Msg, forceReply: true}
	var id string
	err := cl.call(func(ctx context.Context) (err error) { id, err = d.t.tr.send(ctx, c.ChatID, m); return err })
	if err != nil {
		return fmt.Errorf("send appeal prompt %d: %w", a.DecisionID, err)
	}
	_, err = d.change(a.DecisionID, func(c *cardstore.AppealCard) {
		c.Prompt = false
		c.Prompts = append(c.Prompts, id)
	})
	return err
}

// notices queues the reminder and the failure notice, replies to the card,
// in the reviewer's outbox.
func (d *AppealDesk) notices(a *moderation.Appeal, c *cardstore.AppealCard) error {
	x, now := d.t.appealTx(), d.t.now()
	var ch cardstore.Change
	msg := func(text string) {
		o := &cardstore.Outgoing{Prio: cardstore.PrioReview, Op: cardstore.OpText, ChatID: c.ChatID, Text: text, Created: now}
		o.SetReply(c.Msg)
		ch.Enqueue = append(ch.Enqueue, o)
	}
	if c.Remind && a.Open() {
		msg(fmt.Sprintf(x.remind, a.DecisionID, esc(d.t.leftText(a.Deadline.Sub(now)))))
	}
	if c.FailNotice {
		msg(fmt.Sprintf(x.failNotice, a.DecisionID, esc(c.Failed)))
	}
	if err := d.t.store.Apply(ch); err != nil {
		return err
	}
	d.t.poke()
	_, err := d.change(a.DecisionID, func(c *cardstore.AppealCard) { c.Remind, c.FailNotice = false, false })
	return err
}

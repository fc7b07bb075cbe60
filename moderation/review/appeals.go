package review

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// The appeal desk: every citizen's appeal as an «Обращение» card in the
// appeals chat (appeals.chat, else the review chat), with «Ответить»: the
// moderator's next message in reply to the card (or to the bot's prompt)
// is posted on the network as the page, and the card shows the answer.
// Its state is durable (cardstore.AppealCards): a card waiting to be sent,
// an edit, an answer waiting to be posted survive a restart; an answer that
// cannot be posted is said in the chat and on the card, never dropped
// silently.

// AppealModeration is what the desk needs from the pipeline
// (*pipeline.Pipeline implements it).
type AppealModeration interface {
	Appeal(id uint64) (*moderation.Appeal, error)
	// ReplyAppeal posts text as the page and closes the appeal.
	ReplyAppeal(ctx context.Context, id uint64, text, by string) (*moderation.Appeal, error)
	// CanReply: the appeal can be answered from strazh.
	CanReply(a *moderation.Appeal) bool
	// CloseAppeal closes it without posting (moderation.ClosedElsewhere
	// or ClosedNotAppeal); ErrAlreadyDecided when answered or closed.
	CloseAppeal(id uint64, how, by string) (*moderation.Appeal, error)
}

// stepClose is the appeal card's second step after «Закрыть».
const stepClose = "close"

// maxReplyAttempts bounds the tries of posting one answer when the network
// fails for a while; then the moderator is told.
const maxReplyAttempts = 5

// AppealDesk shows appeals in a Telegram chat. Make it with NewAppealDesk,
// attach it to the reviewer (Reviewer.AttachAppeals), run it with Run.
type AppealDesk struct {
	mod   AppealModeration
	store cardstore.AppealCards
	chat  int64
	t     *Reviewer
	log   *slog.Logger
	mu    sync.Mutex // read-modify-write of cards
	wake  chan struct{}
}

// NewAppealDesk makes a desk posting to chatID (0: the review chat).
func NewAppealDesk(chatID int64, mod AppealModeration, store cardstore.AppealCards) (*AppealDesk, error) {
	if mod == nil || store == nil {
		return nil, errors.New("review: appeal desk: moderation and store are required")
	}
	return &AppealDesk{mod: mod, store: store, chat: chatID, wake: make(chan struct{}, 1)}, nil
}

// AttachAppeals makes the reviewer's bot carry the desk: its taps and
// replies reach the desk, its moderators may answer. Call it before Run.
func (t *Reviewer) AttachAppeals(d *AppealDesk) {
	t.appeals, d.t = d, t
	if d.chat == 0 {
		d.chat = t.cfg.ChatID
	}
	d.log = t.log.With("part", "appeals")
}

// Chat is the chat the cards go to.
func (d *AppealDesk) Chat() int64 { return d.chat }

func (d *AppealDesk) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// change applies fn to the appeal's card (made when missing) and saves it.
func (d *AppealDesk) change(id uint64, fn func(c *cardstore.AppealCard)) (*cardstore.AppealCard, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, err := d.store.AppealCard(id)
	if errors.Is(err, moderation.ErrNotFound) {
		c, err = &cardstore.AppealCard{DecisionID: id, ChatID: d.chat, Rev: 1}, nil
	}
	if err != nil {
		return nil, err
	}
	fn(c)
	if err := d.store.PutAppealCard(c); err != nil {
		return nil, err
	}
	d.poke()
	return c, nil
}

// AppealOpened queues the card of a new appeal (pipeline.AppealDesk). A
// card already made is left as it is, unwritten: the pipeline announces
// every open appeal at each start.
func (d *AppealDesk) AppealOpened(_ context.Context, a *moderation.Appeal) error {
	d.mu.Lock()
	_, err := d.store.AppealCard(a.DecisionID)
	d.mu.Unlock()
	if err == nil {
		return nil
	}
	_, err = d.change(a.DecisionID, func(*cardstore.AppealCard) {})
	return err
}

// AppealChanged queues an edit of the card (the appeal was answered).
func (d *AppealDesk) AppealChanged(_ context.Context, a *moderation.Appeal) error {
	_, err := d.change(a.DecisionID, func(c *cardstore.AppealCard) { c.Rev++ })
	return err
}

// AppealDue queues a reminder of the deadline.
func (d *AppealDesk) AppealDue(_ context.Context, a *moderation.Appeal) error {
	_, err := d.change(a.DecisionID, func(c *cardstore.AppealCard) { c.Remind = true; c.Rev++ })
	return err
}

// appealUpdate hands the desk its updates: a tap on «Ответить», a reply to
// a card or a prompt. It reports whether the update was the desk's.
func (t *Reviewer) appealUpdate(ctx context.Context, u update, w *work, answer *func()) bool {
	d := t.appeals
	if d == nil {
		return false
	}
	if q := u.tap; q != nil {
		id, act, ok := parseAppealData(q.data)
		if !ok {
			return false
		}
		*answer = d.onTap(ctx, q, id, act)
		return true
	}
	m := u.msg
	if m == nil || m.replyTo == "" || m.chatID != d.chat || m.from == nil || strings.HasPrefix(m.text, "/") {
		return false
	}
	c, err := d.store.AppealCardByMessage(m.chatID, m.replyTo)
	if err != nil {
		return false
	}
	d.onReply(m, c, w)
	return true
}

// say queues a message to the desk's chat through the reviewer's outbox.
func (d *AppealDesk) say(w *work, text string, replyTo string) {
	o := &cardstore.Outgoing{Prio: cardstore.PrioInteractive, Op: cardstore.OpText, ChatID: d.chat, Text: text, Created: d.t.now()}
	o.SetReply(replyTo)
	w.ch.Enqueue = append(w.ch.Enqueue, o)
}

// onTap: «Ответить» asks for the prompt (a forced reply); «Закрыть» and
// its second step close the appeal without posting.
func (d *AppealDesk) onTap(ctx context.Context, q *tap, id uint64, act string) func() {
	t, x := d.t, d.t.appealTx()
	answer := func(text string, alert bool) func() { return func() { t.answer(ctx, q.id, text, alert) } }
	log := d.log.With(t.userKey(), q.user.id, t.tr.channel()+"_user", q.user.name, "decision_id", id)
	if q.chatID != d.chat {
		log.Info("appeal tap from another chat ignored", "chat_id", q.chatID)
		return answer(t.tx.ansOtherChat, false)
	}
	if !t.isModerator(q.user.id) {
		log.Warn("appeal tap by a user who is not a moderator refused")
		return answer(x.ansNoRights, true)
	}
	a, err := d.mod.Appeal(id)
	if err != nil {
		log.Error("appeal tap: read appeal", "err", err)
		return answer(fmt.Sprintf(t.tx.ansError, shortErr(err)), true)
	}
	if !a.Open() {
		c, _ := d.change(id, func(c *cardstore.AppealCard) { c.Step = ""; c.Rev++ })
		if act != apReply || a.Closed != "" {
			if c == nil {
				c = &cardstore.AppealCard{}
			}
			return answer(fmt.Sprintf(x.ansClosed, x.answeredBy(a, c)), true)
		}
		return answer(x.ansAnswered, true)
	}
	if act != apReply {
		return d.closeTap(q, a, act, log, answer)
	}
	if !d.mod.CanReply(a) {
		return answer(x.ansCannot, true)
	}
	if _, err := d.change(id, func(c *cardstore.AppealCard) { c.Prompt = true }); err != nil {
		log.Error("appeal tap: save", "err", err)
		return answer(fmt.Sprintf(t.tx.ansError, shortErr(err)), true)
	}
	log.Info("appeal answer asked for")
	if !t.forcesReply() {
		return answer(x.ansReplyCard, false)
	}
	return answer(x.ansPrompt, false)
}

// closeTap handles «Закрыть» (the second step), «« Назад» and the two
// ways to close an open appeal.
func (d *AppealDesk) closeTap(q *tap, a *moderation.Appeal, act string, log *slog.Logger, answer func(string, bool) func()) func() {
	t, x, id := d.t, d.t.appealTx(), a.DecisionID
	step := func(s, say string) func() {
		if _, err := d.change(id, func(c *cardstore.AppealCard) { c.Step = s; c.Rev++ }); err != nil {
			log.Error("appeal tap: save", "err", err)
			return answer(fmt.Sprintf(t.tx.ansError, shortErr(err)), true)
		}
		return answer(say, false)
	}
	how, done := moderation.ClosedElsewhere, x.ansDoneElsewhere
	switch act {
	case apClose:
		return step(stepClose, x.ansChooseClose)
	case apBack:
		return step("", x.ansBack)
	case apNotAppeal:
		how, done = moderation.ClosedNotAppeal, x.ansDoneNotAppeal
	}
	by := t.by(q.user.id)
	if _, err := d.change(id, func(c *cardstore.AppealCard) { c.CloserBy, c.CloserName = by, q.user.name }); err != nil {
		log.Error("appeal tap: save", "err", err)
		return answer(fmt.Sprintf(t.tx.ansError, shortErr(err)), true)
	}
	now, err := d.mod.CloseAppeal(id, how, by)
	if errors.Is(err, moderation.ErrAlreadyDecided) && now != nil {
		log.Info("appeal closed or answered meanwhile", "by", now.Closer())
		c, _ := d.change(id, func(c *cardstore.AppealCard) { c.Step = ""; c.Rev++ })
		if c == nil {
			c = &cardstore.AppealCard{}
		}
		return answer(fmt.Sprintf(x.ansClosed, x.answeredBy(now, c)), true)
	}
	if err != nil {
		log.Error("appeal close", "err", err)
		return answer(fmt.Sprintf(t.tx.ansError, shortErr(err)), true)
	}
	// The pipeline has queued the edit (AppealChanged).
	if _, err := d.change(id, func(c *cardstore.AppealCard) { c.Step = "" }); err != nil {
		log.Error("appeal close: save card", "err", err)
	}
	log.Info("appeal closed from the card", "as", how)
	return answer(done, false)
}

// onReply takes a moderator's answer written in reply to a card or prompt.
func (d *AppealDesk) onReply(m *incoming, c *cardstore.AppealCard, w *work) {
	t, x := d.t, d.t.appealTx()
	u := *m.from
	log := d.log.With(t.userKey(), u.id, t.tr.channel()+"_user", u.name, "decision_id", c.DecisionID)
	if !t.isModerator(u.id) {
		log.Warn("appeal answer by a user who is not a moderator refused")
		d.say(w, x.noRights, m.id)
		return
	}
	text := strings.TrimSpace(m.text)
	if text == "" {
		d.say(w, x.emptyReply, m.id)
		return
	}
	a, err := d.mod.Appeal(c.DecisionID)
	if err != nil {
		log.Error("appeal answer: read appeal", "err", err)
		d.say(w, fmt.Sprintf(t.tx.cmdError, esc(shortErr(err))), m.id)
		return
	}
	if !a.Open() || c.Reply != nil {
		who := x.answeredBy(a, c)
		if c.Reply != nil {
			who = c.Reply.Name
		}
		if a.Closed != "" && c.Reply == nil {
			d.say(w, esc(fmt.Sprintf(x.ansClosed, who)), m.id)
			return
		}
		d.say(w, fmt.Sprintf(x.notOpen, a.DecisionID, esc(who)), m.id)
		return
	}
	if !d.mod.CanReply(a) {
		d.say(w, x.byHand, m.id)
		return
	}
	_, err = d.change(c.DecisionID, func(c *cardstore.AppealCard) {
		c.Reply = &cardstore.AppealReply{Text: text, By: t.by(u.id), Name: u.name, At: t.now()}
		c.Failed = ""
		c.Rev++
	})
	if err != nil {
		log.Error("appeal answer: save", "err", err)
		d.say(w, fmt.Sprintf(t.tx.cmdError, esc(shortErr(err))), m.id)
		return
	}
	log.Info("appeal answer taken")
	d.say(w, fmt.Sprintf(x.gotReply, a.DecisionID), m.id)
}

// Run sends and edits the cards, posts the answers and sends reminders
// and prompts until ctx ends. Telegram or the network failing only delays
// the work: it is durable and retried with back-off.
func (d *AppealDesk) Run(ctx context.Context) error {
	if d.t == nil {
		return errors.New("review: appeal desk not attached to a reviewer")
	}
	lim := newChatLimiter(d.t.tm)
	attempt := 0
	for ctx.Err() == nil {
		cards, err := d.store.AppealCardsTodo()
		if err != nil {
			d.log.Error("read appeal cards", "err", err)
		}
		var next time.Time // the earliest answer waiting for its retry
		var failed error
		for _, c := range cards {
			if ctx.Err() != nil {
				return nil
			}
			at, err := d.work(ctx, lim, c.DecisionID)
			if err != nil {
				failed = err
				break
			}
			if !at.IsZero() && (next.IsZero() || at.Before(next)) {
				next = at
			}
		}
		// Look again every Tick even unpoked: the store queues card edits
		// too (an appeal its maintenance closed as expired, one closed
		// from the shell while the daemon was stopped).
		wait := d.t.tm.Tick
		if failed != nil {
			attempt++
			wait = d.t.tm.Retry.Wait(attempt, 0)
			d.log.Warn("appeal card not delivered, will retry", "err", failed, "retry_in", wait)
		} else {
			attempt = 0
			if !next.IsZero() {
				wait = min(wait, max(next.Sub(d.t.now()), time.Millisecond))
			}
		}
		if !d.idle(ctx, wait) {
			return nil
		}
	}
	return nil
}

// idle waits for a poke, or wait (negative: no timer), or ctx.
func (d *AppealDesk) idle(ctx context.Context, wait time.Duration) bool {
	var tc <-chan time.Time
	if wait >= 0 {
		tm := time.NewTimer(wait)
		defer tm.Stop()
		tc = tm.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-d.wake:
	case <-tc:
	}
	return true
}

// AppealCounter counts appeals for /stats (*pipeline.Pipeline implements it).
type AppealCounter interface {
	AppealStats(since time.Time) (moderation.AppealStats, error)
}

// appealStatsText is the appeals line of /stats: opened since then,
// answered, the share answered on time, still waiting; "" without a desk.
func (t *Reviewer) appealStatsText(since time.Time) string {
	if t.appeals == nil {
		return ""
	}
	ac, ok := t.appeals.mod.(AppealCounter)
	if !ok {
		return ""
	}
	s, err := ac.AppealStats(since)
	if err != nil {
		return "\n\n" + fmt.Sprintf(t.tx.cmdError, esc(shortErr(err)))
	}
	share := "—"
	if v := s.OnTimeShare(); v >= 0 {
		share = fmt.Sprintf("%.0f%%", 100*v)
	}
	return "\n\n" + fmt.Sprintf(t.appealTx().statsLine, s.Opened, s.Answered, share, s.Open, s.Overdue)
}

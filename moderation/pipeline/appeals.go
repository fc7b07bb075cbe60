package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Defaults of AppealOptions.
const (
	DefaultAnswerWithin = 24 * time.Hour
	DefaultRemindBefore = 2 * time.Hour
	DefaultAppealTick   = time.Minute
)

// AppealOptions configure the tracking of citizens' appeals: a decision
// labelled moderation.LabelAppeal opens one; the page's (or a manager's)
// reply in its thread, or a reply posted from strazh, closes it.
type AppealOptions struct {
	Store        moderation.Appeals // nil: appeals are not tracked
	AnswerWithin time.Duration      // the deadline after the comment; default 24h
	RemindBefore time.Duration      // a reminder this long before it; default 2h
	Tick         time.Duration      // how often deadlines are looked at; default 1 minute
}

// AppealDesk shows appeals to humans (the «Обращение» card). Its methods
// only record and return; they are called after the store has the appeal.
type AppealDesk interface {
	// AppealOpened: a new appeal; AppealChanged: it was answered;
	// AppealDue: its deadline is near (a reminder).
	AppealOpened(ctx context.Context, a *moderation.Appeal) error
	AppealChanged(ctx context.Context, a *moderation.Appeal) error
	AppealDue(ctx context.Context, a *moderation.Appeal) error
}

// appeals is the pipeline's part of appeal tracking.
type appeals struct {
	opts AppealOptions
	desk atomic.Pointer[deskBox] // set once the desk exists (it needs the pipeline)
	// replyMu makes a reply from strazh one at a time, so two moderators
	// answering at once post once, and holds the page's answers seen
	// meanwhile (the echo of the reply) until it is recorded.
	replyMu sync.Mutex
	gaugeMu sync.Mutex // appealGauges
}

func (o *AppealOptions) setDefaults() {
	if o.AnswerWithin <= 0 {
		o.AnswerWithin = DefaultAnswerWithin
	}
	if o.RemindBefore <= 0 {
		o.RemindBefore = DefaultRemindBefore
	}
	if o.Tick <= 0 {
		o.Tick = DefaultAppealTick
	}
}

type deskBox struct{ AppealDesk }

// SetAppealDesk sets who shows appeals to humans (safe while running),
// and tells it of every open appeal: one recorded just before a crash
// (the desk not yet told) gets its card; the desk keeps one it shows.
func (p *Pipeline) SetAppealDesk(d AppealDesk) {
	p.appeals.desk.Store(&deskBox{d})
	if d == nil || !p.appealsOn() {
		return
	}
	open, err := p.appeals.opts.Store.OpenAppeals("")
	if err != nil {
		p.log.Error("cannot list open appeals for the desk", "err", err)
		return
	}
	for _, ap := range open {
		if err := d.AppealOpened(p.workCtx, ap); err != nil {
			p.log.Error("appeal desk did not take the appeal", "decision", ap.DecisionID, "err", err)
		}
	}
}

// appealDesk is the desk, nil when none.
func (p *Pipeline) appealDesk() AppealDesk {
	if b := p.appeals.desk.Load(); b != nil {
		return b.AppealDesk
	}
	return nil
}

// appealsOn reports whether appeals are tracked.
func (p *Pipeline) appealsOn() bool { return p.appeals.opts.Store != nil }

// observeAppeal runs after a decision is recorded: an appeal-labelled one
// opens an appeal; a comment of the page or a manager may answer one.
func (p *Pipeline) observeAppeal(a *accountRun, d *moderation.Decision) {
	if !p.appealsOn() || IsDistrictBan(d) {
		return // a district ban's copy on another page is no one's appeal
	}
	c := &d.Comment
	if c.Author.Exempt() {
		if c.ReplyTo != "" || c.Kind == moderation.KindMessage {
			p.pageAnswered(a, d)
		}
		return
	}
	if p.appealEdited(a, d) {
		return // its appeal follows the new text (appeals_edited.go)
	}
	if !moderation.IsAppeal(d) {
		return
	}
	ap := &moderation.Appeal{DecisionID: d.ID, Network: c.Network, Account: a.Name, CommentID: c.ID, Ref: c.Ref,
		PostID: c.PostID, Permalink: c.Permalink, Kind: c.Kind, Author: c.Author, Topic: moderation.AppealTopic(d.Matches),
		Text: c.Text, OpenedAt: c.Created, Deadline: c.Created.Add(p.appeals.opts.AnswerWithin),
		Deleted: d.Final() >= moderation.Delete}
	opened, err := p.appeals.opts.Store.OpenAppeal(ap)
	if err != nil {
		p.log.Error("cannot record an appeal", "account", a.Name, "comment_id", c.ID, "decision", d.ID, "err", err)
		return
	}
	if !opened {
		return // an edit or a redelivery of an appeal already recorded
	}
	p.log.Info("appeal opened", "account", a.Name, "comment_id", c.ID, "decision", d.ID, "topic", ap.Topic)
	p.appealGauges()
	if desk := p.appealDesk(); desk != nil {
		if err := desk.AppealOpened(p.workCtx, ap); err != nil {
			p.log.Error("appeal desk did not take the appeal", "decision", d.ID, "err", err)
		}
	}
}

// pageAnswered closes the appeal a page's or manager's comment answers: the
// comment it replies to, or, for a private message, the dialog's oldest
// open appeal.
func (p *Pipeline) pageAnswered(a *accountRun, d *moderation.Decision) {
	// A reply being posted from strazh comes back as the page's comment,
	// maybe before ReplyAppeal records who sent it: wait for it.
	p.appeals.replyMu.Lock()
	defer p.appeals.replyMu.Unlock()
	c := &d.Comment
	st := p.appeals.opts.Store
	var target *moderation.Appeal
	switch {
	case c.ReplyTo != "":
		ap, err := st.AppealByComment(c.ReplyTo)
		if err != nil {
			if !errors.Is(err, moderation.ErrNotFound) {
				p.log.Error("cannot look up an appeal", "comment_id", c.ReplyTo, "err", err)
			}
			return
		}
		target = ap
	case c.Kind == moderation.KindMessage:
		open, err := st.OpenAppeals(a.Name)
		if err != nil {
			p.log.Error("cannot list open appeals", "account", a.Name, "err", err)
			return
		}
		for _, ap := range open {
			if ap.PostID == c.PostID && ap.CommentID != c.ID && p.isMessage(ap) {
				target = ap
				break
			}
		}
		if target == nil {
			target = p.dialogExpired(a, c)
		}
	}
	if target == nil || !target.Open() && !target.Expired() {
		return // answered already (an expired one is answered late)
	}
	by := "page"
	if !c.Author.IsPage {
		by = "manager:" + c.Author.ID
	}
	p.answered(target.DecisionID, c.Created, by, c.Ref)
}

// appealDeleted marks the appeal of a comment deleted later (a moderator's
// verdict, or on the network) as Deleted; it stays counted.
func (p *Pipeline) appealDeleted(commentID string) {
	if !p.appealsOn() || commentID == "" {
		return
	}
	st := p.appeals.opts.Store
	ap, err := st.AppealByComment(commentID)
	if err != nil || ap.Deleted {
		if err != nil && !errors.Is(err, moderation.ErrNotFound) {
			p.log.Error("cannot look up an appeal", "comment_id", commentID, "err", err)
		}
		return
	}
	ap, err = p.changeAppeal(ap.DecisionID, func(a *moderation.Appeal) error { a.Deleted = true; return nil })
	if err != nil {
		p.log.Error("cannot mark an appeal deleted", "comment_id", commentID, "err", err)
		return
	}
	if desk := p.appealDesk(); desk != nil {
		if err := desk.AppealChanged(p.workCtx, ap); err != nil {
			p.log.Error("appeal desk did not take the change", "decision", ap.DecisionID, "err", err)
		}
	}
}

// isMessage reports whether the appeal is a private message: its kind,
// or for a record made before appeals kept it, its decision's.
func (p *Pipeline) isMessage(ap *moderation.Appeal) bool {
	if ap.Kind != "" {
		return ap.Kind == moderation.KindMessage
	}
	d, err := p.store.Get(ap.DecisionID)
	return err == nil && d.Comment.Kind == moderation.KindMessage
}

// historyRetainer is an appeals store that expires appeals at a horizon
// (moderation/store).
type historyRetainer interface {
	HistoryRetention() time.Duration
}

// cardChanger is an appeals store that queues the desk's card edit in the
// appeal's own transaction (moderation/store).
type cardChanger interface {
	ChangeAppeal(id uint64, fn func(a *moderation.Appeal) error) (*moderation.Appeal, error)
}

// changeAppeal updates an appeal the desk shows: with a store that can, the
// card's edit is queued with it, so a crash before the desk's own note
// (AppealChanged, still told: it looks at once) loses no edit.
func (p *Pipeline) changeAppeal(id uint64, fn func(a *moderation.Appeal) error) (*moderation.Appeal, error) {
	if cc, ok := p.appeals.opts.Store.(cardChanger); ok {
		return cc.ChangeAppeal(id, fn)
	}
	return p.appeals.opts.Store.UpdateAppeal(id, fn)
}

// cardReminder is an appeals store that queues the card's reminder in the
// appeal's own transaction (moderation/store).
type cardReminder interface {
	RemindAppeal(id uint64, at time.Time) (*moderation.Appeal, error)
}

// remindAppeal marks an appeal reminded; with a store that can, the card's
// reminder is queued with it, so a crash before AppealDue loses none.
func (p *Pipeline) remindAppeal(id uint64, now time.Time) (*moderation.Appeal, error) {
	if cr, ok := p.appeals.opts.Store.(cardReminder); ok {
		return cr.RemindAppeal(id, now)
	}
	return p.appeals.opts.Store.UpdateAppeal(id, func(ap *moderation.Appeal) error {
		ap.RemindedAt = now
		return nil
	})
}

// dialogAppeals is an appeals store that finds a dialog's expired
// appeals by an index (moderation/store).
type dialogAppeals interface {
	ExpiredAppeals(account, post string) ([]*moderation.Appeal, error)
}

// dialogExpired is the dialog's oldest private-message appeal the store
// closed as expired (no open one is left there): the page's message c in
// that dialog is its first answer, late, as a reply under an expired
// comment is. A store with a dialog index is asked for the dialog's alone;
// another lists the appeals opened before the history horizon.
func (p *Pipeline) dialogExpired(a *accountRun, c *moderation.Comment) *moderation.Appeal {
	st := p.appeals.opts.Store
	var old []*moderation.Appeal
	var err error
	if da, ok := st.(dialogAppeals); ok {
		old, err = da.ExpiredAppeals(a.Name, c.PostID)
	} else {
		until := p.now()
		if h, ok := st.(historyRetainer); ok {
			until = until.Add(-h.HistoryRetention())
		}
		old, err = st.Appeals(time.Time{}, until)
	}
	if err != nil {
		p.log.Error("cannot list expired appeals", "account", a.Name, "post_id", c.PostID, "err", err)
		return nil
	}
	for _, ap := range old {
		if ap.Expired() && ap.Account == a.Name && ap.PostID == c.PostID && ap.CommentID != c.ID && p.isMessage(ap) {
			return ap
		}
	}
	return nil
}

// answered records an appeal's first answer, its time and the desk.
func (p *Pipeline) answered(id uint64, at time.Time, by, replyRef string) (*moderation.Appeal, error) {
	var first bool
	ap, err := p.changeAppeal(id, func(ap *moderation.Appeal) error {
		first = ap.Open() || ap.Expired() // the maintenance may expire it while a reply is posted
		return moderation.AnswerAppeal(at, by, replyRef)(ap)
	})
	if err != nil {
		p.log.Error("cannot record an appeal's answer", "decision", id, "err", err)
		return nil, err
	}
	if !first {
		return ap, nil
	}
	p.metrics.AppealFirstAnswer.Observe(max(ap.AnsweredAt.Sub(ap.OpenedAt), 0).Seconds())
	p.log.Info("appeal answered", "account", ap.Account, "decision", id, "by", by, "on_time", ap.OnTime())
	p.appealGauges()
	if desk := p.appealDesk(); desk != nil {
		if err := desk.AppealChanged(p.workCtx, ap); err != nil {
			p.log.Error("appeal desk did not take the answer", "decision", id, "err", err)
		}
	}
	return ap, nil
}

// RefReplier is a Replier that answers some kinds of comments only (VK:
// wall comments and messages, not board posts or photo comments).
type RefReplier interface {
	CanReplyTo(ref string) bool
}

// CanReply reports whether the appeal can be answered from strazh: its
// network's connector is a moderation.Replier that takes its kind of
// comment, and the comment is not deleted (there is nothing to reply to).
func (p *Pipeline) CanReply(ap *moderation.Appeal) bool {
	a := p.accounts[ap.Account]
	if a == nil || ap.Deleted {
		return false
	}
	if _, ok := a.Conn.(moderation.Replier); !ok {
		return false
	}
	if rr, ok := a.Conn.(RefReplier); ok {
		return rr.CanReplyTo(ap.Ref)
	}
	return true
}

// Appeal returns one appeal.
func (p *Pipeline) Appeal(id uint64) (*moderation.Appeal, error) {
	if !p.appealsOn() {
		return nil, fmt.Errorf("appeal %d: appeals are not tracked: %w", id, moderation.ErrNotFound)
	}
	return p.appeals.opts.Store.Appeal(id)
}

// ReplyAppeal posts text on the network as the page, in answer to the
// appeal, and closes it (answered by by). An appeal answered already is an
// error wrapping moderation.ErrAlreadyDecided, with the appeal; a network
// that cannot reply, moderation.ErrUnsupported. Connector errors are
// returned as they are (classify them to decide on a retry).
func (p *Pipeline) ReplyAppeal(ctx context.Context, id uint64, text, by string) (*moderation.Appeal, error) {
	p.appeals.replyMu.Lock()
	defer p.appeals.replyMu.Unlock()
	ap, err := p.Appeal(id)
	if err != nil {
		return nil, err
	}
	if !ap.Open() {
		return ap, fmt.Errorf("appeal %d: answered by %s: %w", id, ap.Closer(), moderation.ErrAlreadyDecided)
	}
	a := p.accounts[ap.Account]
	if a == nil {
		return ap, fmt.Errorf("appeal %d: account %q is not configured", id, ap.Account)
	}
	r, ok := a.Conn.(moderation.Replier)
	if !ok {
		return ap, fmt.Errorf("appeal %d: %s cannot reply from strazh: %w", id, a.Network, moderation.ErrUnsupported)
	}
	if p.dryRun.Load() {
		return ap, fmt.Errorf("appeal %d: dry run: nothing is posted: %w", id, moderation.ErrUnsupported)
	}
	ref, err := r.Reply(ctx, ap.Ref, text)
	if err != nil {
		p.connectorError(a, "reply", err, p.log.With("account", a.Name, "network", a.Network))
		return ap, fmt.Errorf("appeal %d: reply: %w", id, err)
	}
	return p.answered(id, p.now(), by, ref)
}

// CloseAppeal closes an open appeal without posting, how
// (moderation.ClosedElsewhere: answered off the network, counted answered
// now; moderation.ClosedNotAppeal: tagged wrongly, out of the counts), by
// by. An appeal answered or closed already is an error wrapping
// moderation.ErrAlreadyDecided, with the appeal. The gauges follow at once
// and the desk edits the card.
func (p *Pipeline) CloseAppeal(id uint64, how, by string) (*moderation.Appeal, error) {
	// One at a time with ReplyAppeal: a reply being posted is not closed
	// under it, and a closed appeal gets no reply.
	p.appeals.replyMu.Lock()
	defer p.appeals.replyMu.Unlock()
	if !p.appealsOn() {
		return nil, fmt.Errorf("appeal %d: appeals are not tracked: %w", id, moderation.ErrNotFound)
	}
	st := p.appeals.opts.Store
	ap, err := p.changeAppeal(id, moderation.CloseAppeal(how, p.now(), by))
	if errors.Is(err, moderation.ErrAlreadyDecided) {
		now, _ := st.Appeal(id)
		return now, err
	}
	if err != nil {
		return nil, err
	}
	if how == moderation.ClosedElsewhere {
		p.metrics.AppealFirstAnswer.Observe(max(ap.AnsweredAt.Sub(ap.OpenedAt), 0).Seconds())
	}
	p.log.Info("appeal closed without a reply", "account", ap.Account, "decision", id, "as", how, "by", by, "on_time", ap.OnTime())
	p.appealGauges()
	if desk := p.appealDesk(); desk != nil {
		if err := desk.AppealChanged(p.workCtx, ap); err != nil {
			p.log.Error("appeal desk did not take the closing", "decision", id, "err", err)
		}
	}
	return ap, nil
}

// appealLoop reminds of appeals near their deadline and keeps the gauges
// true, every Tick, until ctx ends.
func (p *Pipeline) appealLoop(ctx context.Context) {
	tk := time.NewTicker(p.appeals.opts.Tick)
	defer tk.Stop()
	for {
		p.appealTick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
	}
}

// appealTick sends the reminders that are due and sets the gauges.
func (p *Pipeline) appealTick(ctx context.Context) {
	st := p.appeals.opts.Store
	open, err := st.OpenAppeals("")
	if err != nil {
		p.log.Error("cannot list open appeals", "err", err)
		return
	}
	now := p.now()
	for _, ap := range open {
		if !ap.RemindedAt.IsZero() || now.Before(ap.Deadline.Add(-p.appeals.opts.RemindBefore)) || ctx.Err() != nil {
			continue
		}
		ap, err := p.remindAppeal(ap.DecisionID, now)
		if err != nil {
			p.log.Error("cannot mark an appeal reminded", "decision", ap.DecisionID, "err", err)
			continue
		}
		p.log.Info("appeal near its deadline", "account", ap.Account, "decision", ap.DecisionID, "deadline", ap.Deadline)
		if desk := p.appealDesk(); desk != nil {
			if err := desk.AppealDue(p.workCtx, ap); err != nil {
				p.log.Error("appeal desk did not take the reminder", "decision", ap.DecisionID, "err", err)
			}
		}
	}
	p.appealGauges()
}

// appealGauges recounts the open and overdue appeals per account. The
// read and the set are one step, so a recount never overwrites a newer one.
func (p *Pipeline) appealGauges() {
	p.appeals.gaugeMu.Lock()
	defer p.appeals.gaugeMu.Unlock()
	open, err := p.appeals.opts.Store.OpenAppeals("")
	if err != nil {
		p.log.Error("cannot list open appeals", "err", err)
		return
	}
	p.setAppealGauges(open, p.now())
}

func (p *Pipeline) setAppealGauges(open []*moderation.Appeal, now time.Time) {
	n, late := make(map[string]int, len(p.order)), make(map[string]int, len(p.order))
	for _, ap := range open {
		n[ap.Account]++
		if now.After(ap.Deadline) {
			late[ap.Account]++
		}
	}
	for _, name := range p.order {
		p.metrics.AppealsOpen.WithLabelValues(name).Set(float64(n[name]))
		p.metrics.AppealsOverdue.WithLabelValues(name).Set(float64(late[name]))
	}
}

// AppealStats counts the appeals opened since then, as of now.
func (p *Pipeline) AppealStats(since time.Time) (moderation.AppealStats, error) {
	var s moderation.AppealStats
	if !p.appealsOn() {
		return s, nil
	}
	as, err := p.appeals.opts.Store.Appeals(since, time.Time{})
	if err != nil {
		return s, err
	}
	now := p.now()
	for _, a := range as {
		s.Add(a, now)
	}
	return s, nil
}

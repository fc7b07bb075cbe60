package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/strazh/strazh/moderation"
)

// act carries out the account's pending actions until there are none:
// the decisions handed over by the decider, and a rescan of the store when
// one is due (at the start, every RescanEvery, after Resume or when a
// limit is over). It returns when it has nothing left to do.
func (p *Pipeline) act(ctx context.Context, a *accountRun) {
	run := p.side(a)
	defer run.wait()
	for {
		if a.rescanDue.Swap(false) {
			if ctx.Err() == nil {
				p.rescan(ctx, a, run)
			}
			continue
		}
		select {
		case id := <-a.actions:
			if ctx.Err() != nil {
				continue // durable as pending; carried out at the next start
			}
			run.do(func() { p.logActErr(a, id, p.actOnly(ctx, a, id)) })
			if len(a.actions) == 0 && a.behind.Swap(false) {
				a.rescanDue.Store(true)
			}
		default:
			return
		}
	}
}

func (p *Pipeline) actOnly(ctx context.Context, a *accountRun, id uint64) error {
	_, err := p.actOn(ctx, a, id, false)
	return err
}

func (p *Pipeline) logActErr(a *accountRun, id uint64, err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		p.log.Error("cannot carry out a decision's actions; they stay pending", "account", a.Name, "decision", id, "err", err)
	}
}

func (p *Pipeline) rescan(ctx context.Context, a *accountRun, run *sideBySide) {
	ds, err := p.store.PendingActions(a.Name)
	if err != nil {
		p.log.Error("cannot list pending actions", "account", a.Name, "err", err)
		return
	}
	for _, d := range ds {
		if ctx.Err() != nil {
			return
		}
		run.do(func() { p.logActErr(a, d.ID, p.actOnly(ctx, a, d.ID)) })
	}
}

// claim makes the caller the only one acting on a decision. wait=false
// gives up at once when another holds it.
func (p *Pipeline) claim(ctx context.Context, id uint64, wait bool) (release func(), ok bool) {
	for {
		p.inflightMu.Lock()
		ch, busy := p.inflight[id]
		if !busy {
			ch = make(chan struct{})
			p.inflight[id] = ch
			p.inflightMu.Unlock()
			return func() {
				p.inflightMu.Lock()
				delete(p.inflight, id)
				p.inflightMu.Unlock()
				close(ch)
			}, true
		}
		p.inflightMu.Unlock()
		if !wait {
			return nil, false
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// held reports whether a decision's actions wait for Resume: automatic
// ones while paused (a moderator's decisions and undos go ahead).
func (p *Pipeline) held(d *moderation.Decision) bool {
	p.loadPause()
	return p.paused.Load() && d.DecidedBy == moderation.ByAuto && d.Review == nil && d.UndoneBy == ""
}

func nextPending(d *moderation.Decision) int {
	for i := range d.Actions {
		if d.Actions[i].State == moderation.ActionPending {
			return i
		}
	}
	return -1
}

// errSuperseded: the action stopped being pending while we retried it
// (a moderator undid the decision).
var errSuperseded = errors.New("action superseded")

// errDeferred: the action kept failing for a reason of its own (no
// rate-limit hint from the network), so it waits for the next rescan
// instead of holding up the account's other actions.
var errDeferred = errors.New("action deferred")

// attemptsInARow is how often one action is tried before it yields to the
// account's other actions.
const attemptsInARow = 3

// actOn runs the pending actions of one decision, one at a time, recording
// each outcome before the next. It re-reads the decision between actions,
// so an undo or a retry made meanwhile is seen. ctx bounds the waits
// between attempts; the calls themselves use the work context, so at
// shutdown they finish within the grace. It returns the decision as last
// recorded.
func (p *Pipeline) actOn(ctx context.Context, a *accountRun, id uint64, wait bool) (*moderation.Decision, error) {
	if !wait && a.isDeferred(id, p.now()) {
		return nil, nil // a limit: tried again when it is over (a moderator's call goes ahead)
	}
	release, ok := p.claim(ctx, id, wait)
	if !ok {
		return nil, nil
	}
	defer release()
	acted := false
	var d *moderation.Decision
	for {
		var err error
		if d, err = p.store.Get(id); err != nil {
			return nil, err
		}
		i := nextPending(d)
		if i < 0 {
			a.clearDeferred(id) // done (a moderator's call may have gone ahead of the limit)
			break
		}
		if p.held(d) {
			break
		}
		rec, err := p.runAction(ctx, a, d, i)
		if errors.Is(err, errSuperseded) {
			continue
		}
		deferred := errors.Is(err, errDeferred)
		if err != nil && !deferred {
			return d, err // ctx ended: the action stays pending
		}
		if d, err = p.store.Update(id, func(x *moderation.Decision) error { return settle(x, i, rec) }); err != nil {
			return nil, err
		}
		acted = acted || rec.State == moderation.ActionDone
		if rec.State == moderation.ActionDone && (rec.Type == moderation.ActBan || rec.Type == moderation.ActUnban) {
			a.forgetBans() // the store's blacklist just changed
		}
		if deferred {
			break // the next rescan tries again; other decisions go first
		}
	}
	if acted && p.opts.OnDecision != nil {
		p.opts.OnDecision(d)
	}
	if acted && d.DecidedBy == moderation.ByAuto && d.Review == nil && d.UndoneBy == "" && p.opts.Reviewer != nil {
		if err := p.opts.Reviewer.Notify(p.workCtx, d); err != nil {
			p.log.Warn("reviewer was not told of an automatic action", "decision", d.ID, "err", err)
		}
	}
	return d, nil
}

// settle records an action's outcome. If a moderator undid the decision
// while the call was on its way and it went through anyway, the truth is
// recorded and the undo's counterpart is planned, so the undo still holds.
func settle(x *moderation.Decision, i int, rec moderation.ActionRecord) error {
	if i >= len(x.Actions) {
		return fmt.Errorf("decision %d lost action %d", x.ID, i)
	}
	if x.Actions[i].State == moderation.ActionPending {
		x.Actions[i] = rec
		return nil
	}
	if rec.State != moderation.ActionDone {
		return nil // superseded and nothing happened: keep what the moderator set
	}
	x.Actions[i] = rec
	if x.UndoneBy == "" {
		// Dropped on its way (its comment was edited): it went through
		// anyway, and the record says so; nothing is to be undone.
		return nil
	}
	switch rec.Type {
	case moderation.ActDelete:
		x.Actions = append(x.Actions, moderation.ActionRecord{Type: moderation.ActRestore, State: moderation.ActionPending})
	case moderation.ActBan:
		x.Actions = append(x.Actions, moderation.ActionRecord{Type: moderation.ActUnban, State: moderation.ActionPending})
	}
	return nil
}

// runAction tries action i until it is done, fails for good, stops being
// pending (errSuperseded) or ctx ends (ctx's error; it stays pending).
func (p *Pipeline) runAction(ctx context.Context, a *accountRun, d *moderation.Decision, i int) (moderation.ActionRecord, error) {
	rec := d.Actions[i]
	log := p.log.With("account", a.Name, "decision", d.ID, "comment_id", d.Comment.ID, "action", rec.Type)
	if !a.Conn.Capabilities().Has(rec.Type) {
		rec.State, rec.Error, rec.At = moderation.ActionSkipped, "not supported by the network", p.now()
		p.metrics.Actions.WithLabelValues(a.Name, string(rec.Type), OutcomeSkipped).Inc()
		return rec, nil
	}
	for tries := 0; ; tries++ {
		if a.actBroken.Load() {
			// Hold actions until a probe shows the token works again.
			if !sleep(ctx, p.opts.CredentialsRecheck) {
				return rec, ctx.Err()
			}
		}
		if ctx.Err() != nil {
			return rec, ctx.Err()
		}
		if tries > 0 {
			// Waiting may have taken long: is the action still wanted?
			cur, err := p.store.Get(d.ID)
			if err != nil {
				return rec, err
			}
			if i >= len(cur.Actions) || cur.Actions[i].State != moderation.ActionPending || p.held(cur) {
				return rec, errSuperseded
			}
		}
		rec.Attempts++
		err := p.call(a, d, rec)
		now := p.now()
		if err == nil {
			p.setBroken(a, &a.actBroken, false, nil)
			rec.State, rec.Error, rec.At = moderation.ActionDone, "", now
			p.metrics.Actions.WithLabelValues(a.Name, string(rec.Type), OutcomeDone).Inc()
			if d.DecidedBy == moderation.ByAuto && d.Review == nil && (rec.Type == moderation.ActDelete || rec.Type == moderation.ActBan) {
				p.metrics.DecisionLatency.WithLabelValues(a.Name).Observe(now.Sub(d.Comment.Created).Seconds())
			}
			log.Info("action done", "attempts", rec.Attempts)
			return rec, nil
		}
		rec.Error = err.Error()
		class := moderation.Classify(err)
		p.metrics.ConnectorErrors.WithLabelValues(a.Name, string(class)).Inc()
		switch class {
		case moderation.ClassItem:
			rec.State, rec.At = moderation.ActionFailed, now
			p.metrics.Actions.WithLabelValues(a.Name, string(rec.Type), OutcomeFailed).Inc()
			log.Warn("action failed for this item", "err", err)
			return rec, nil
		case moderation.ClassUnsupported:
			rec.State, rec.At = moderation.ActionSkipped, now
			p.metrics.Actions.WithLabelValues(a.Name, string(rec.Type), OutcomeSkipped).Inc()
			return rec, nil
		case moderation.ClassCredentials:
			rec.Attempts-- // not the item's fault
			p.setBroken(a, &a.actBroken, true, err)
			continue
		}
		p.metrics.Actions.WithLabelValues(a.Name, string(rec.Type), OutcomeRetry).Inc()
		if rec.Attempts >= p.opts.Retry.MaxRetries {
			rec.State, rec.At = moderation.ActionFailed, now
			rec.Error = fmt.Sprintf("gave up after %d attempts: %v", rec.Attempts, err)
			p.metrics.Actions.WithLabelValues(a.Name, string(rec.Type), OutcomeFailed).Inc()
			log.Error("action failed", "err", err, "attempts", rec.Attempts)
			return rec, nil
		}
		log.Warn("action will be retried", "err", err, "attempts", rec.Attempts)
		hint := moderation.RetryAfter(err)
		if hint > 0 {
			// The network limited this call (a method's quota, a token's
			// rate): the account's other actions go on meanwhile, and this
			// one is tried again when the wait is over.
			p.deferFor(a, d.ID, now, p.opts.Retry.Wait(rec.Attempts, hint))
			return rec, errDeferred
		}
		if tries+1 >= attemptsInARow {
			return rec, errDeferred // still pending, attempts recorded
		}
		if !sleep(ctx, p.opts.Retry.Wait(rec.Attempts, 0)) {
			return rec, ctx.Err()
		}
	}
}

// deferFor keeps a decision's actions from being tried for wait from now,
// and wakes the account's actor then. The timer holds no goroutine meanwhile.
func (p *Pipeline) deferFor(a *accountRun, id uint64, now time.Time, wait time.Duration) {
	a.deferMu.Lock()
	if a.deferred == nil {
		a.deferred = make(map[uint64]time.Time)
	}
	a.deferred[id] = now.Add(wait)
	a.deferMu.Unlock()
	time.AfterFunc(wait, func() { p.kickActor(a, true) })
}

// isDeferred reports whether a decision's actions wait for a limit to pass.
func (a *accountRun) isDeferred(id uint64, now time.Time) bool {
	a.deferMu.Lock()
	defer a.deferMu.Unlock()
	at, ok := a.deferred[id]
	if ok && !now.Before(at) {
		delete(a.deferred, id)
		return false
	}
	return ok
}

// clearDeferred forgets a decision's wait once nothing of it is pending,
// so the map holds only decisions that still wait.
func (a *accountRun) clearDeferred(id uint64) {
	a.deferMu.Lock()
	delete(a.deferred, id)
	a.deferMu.Unlock()
}

// call performs one action on the network.
func (p *Pipeline) call(a *accountRun, d *moderation.Decision, rec moderation.ActionRecord) error {
	ctx := p.workCtx
	switch rec.Type {
	case moderation.ActDelete:
		return a.Conn.Delete(ctx, d.Comment.Ref)
	case moderation.ActRestore:
		return a.Conn.Restore(ctx, d.Comment.Ref)
	case moderation.ActBan:
		label := ""
		if len(d.Labels) > 0 {
			label = d.Labels[0]
		}
		return a.Conn.Ban(ctx, d.Comment.Author.ID, moderation.BanRequest{
			Until: rec.Until, Label: label, Comment: a.Ban.Comment, Visible: a.Ban.Visible, Ref: d.Comment.Ref})
	case moderation.ActUnban:
		return a.Conn.Unban(ctx, d.Comment.Author.ID)
	}
	return fmt.Errorf("unknown action %q: %w", rec.Type, moderation.ErrUnsupported)
}

// maintain refreshes the review gauges.
func (p *Pipeline) maintain(ctx context.Context) {
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	var lastExpiry time.Time
	for {
		p.refreshReviewGauges()
		p.refreshActionGauges()
		if now := p.now(); now.Sub(lastExpiry) >= time.Hour {
			lastExpiry = now
			p.expireBans(ctx, now)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// expireBans drops blacklist entries whose ban has run out. Most networks
// lift those by themselves; where a block has no end (BanNoEnd) it is
// lifted here first, and an entry whose unban failed stays to be tried
// again at the next expiry round, so a timed ban never turns permanent.
func (p *Pipeline) expireBans(ctx context.Context, now time.Time) {
	for _, name := range p.order {
		a := p.accounts[name]
		list, err := p.store.Blacklist(name)
		if err != nil {
			p.log.Error("cannot read the blacklist; its expired bans wait for the next round", "account", name, "err", err)
			continue // the other pages' bans still run out
		}
		for _, e := range list {
			if !e.Until.IsZero() && e.Until.Before(now) {
				if caps := a.Conn.Capabilities(); caps.BanNoEnd && !caps.BanLocal {
					if err := a.Conn.Unban(ctx, e.Author.ID); errors.Is(err, moderation.ErrItem) {
						// The network says this unblock can never be done (say, an
						// author id it does not know): trying every hour helps nobody.
						p.metrics.Actions.WithLabelValues(name, string(moderation.ActUnban), OutcomeFailed).Inc()
						p.log.Warn("a ban that ran out cannot be lifted on the network; dropped from the blacklist", "account", name, "author", e.Author.ID, "err", err)
					} else if err != nil {
						p.metrics.Actions.WithLabelValues(name, string(moderation.ActUnban), OutcomeFailed).Inc()
						p.log.Error("a ban that ran out could not be lifted on the network; trying again later", "account", name, "author", e.Author.ID, "err", err)
						continue
					} else {
						a.forgetBans()
						p.metrics.Actions.WithLabelValues(name, string(moderation.ActUnban), OutcomeDone).Inc()
						p.log.Info("ban ran out: author unbanned", "account", name, "author", e.Author.ID, "until", e.Until)
					}
				}
				if err := p.store.RemoveBan(name, e.Author.ID); err != nil {
					p.log.Error("cannot drop an expired ban", "account", name, "author", e.Author.ID, "err", err)
				}
			}
		}
	}
}

func (p *Pipeline) refreshActionGauges() {
	for _, name := range p.order {
		ds, err := p.store.PendingActions(name)
		if err != nil {
			p.log.Error("cannot list pending actions", "account", name, "err", err)
			continue
		}
		p.metrics.ActionsPending.WithLabelValues(name).Set(float64(len(ds)))
	}
}

func (p *Pipeline) refreshReviewGauges() {
	ds, err := p.store.PendingReviews("")
	if err != nil {
		p.log.Error("cannot list pending reviews", "err", err)
		return
	}
	count := make(map[string]int, len(p.order))
	oldest := make(map[string]time.Time, len(p.order))
	for _, d := range ds {
		acc := d.Comment.Account
		count[acc]++
		if o, ok := oldest[acc]; !ok || d.DecidedAt.Before(o) {
			oldest[acc] = d.DecidedAt
		}
	}
	now := p.now()
	for _, name := range p.order {
		p.metrics.ReviewBacklog.WithLabelValues(name).Set(float64(count[name]))
		age := 0.0
		if o, ok := oldest[name]; ok {
			age = now.Sub(o).Seconds()
		}
		p.metrics.ReviewOldest.WithLabelValues(name).Set(age)
	}
}

// ErrNothingToUndo is returned by Undo when no action was carried out.
var ErrNothingToUndo = moderation.ErrNothingToUndo

// Resolve applies a human's decision to a pending review and carries out
// its actions once. A second call returns ErrAlreadyDecided with the
// decision as it was decided.
func (p *Pipeline) Resolve(ctx context.Context, id uint64, v moderation.Verdict, banFor time.Duration, by, byName string) (*moderation.Decision, error) {
	return p.resolve(ctx, id, v, banFor, by, byName, false)
}

// resolve is Resolve; district carries a ban to the other pages of the
// network even when the page's ban_scope is page.
func (p *Pipeline) resolve(ctx context.Context, id uint64, v moderation.Verdict, banFor time.Duration, by, byName string, district bool) (*moderation.Decision, error) {
	if v == moderation.Review || v > moderation.Ban {
		return nil, fmt.Errorf("resolve decision %d: a human decides allow, delete or ban", id)
	}
	if banFor < 0 || (banFor > 0 && banFor < time.Minute) {
		return nil, fmt.Errorf("resolve decision %d: ban length %s is not a length (0 is forever)", id, banFor)
	}
	d, err := p.store.Get(id)
	if err != nil {
		return nil, fmt.Errorf("resolve decision %d: %w", id, err)
	}
	a := p.accounts[d.Comment.Account]
	if a == nil {
		return d, fmt.Errorf("resolve decision %d: account %q is not configured", id, d.Comment.Account)
	}
	now := p.now()
	d, err = p.store.Update(id, func(x *moderation.Decision) error {
		if x.Review == nil || x.Review.Status != moderation.ReviewPending {
			return moderation.ErrAlreadyDecided
		}
		x.Review.Status, x.Review.Verdict, x.Review.BanFor = moderation.ReviewDecided, v, banFor
		x.Review.By, x.Review.ByName, x.Review.At = by, byName, now
		x.Review.District = (district || a.BanDistrict) && v == moderation.Ban // carried: carryCutOff
		x.Actions = append(x.Actions, p.plan(a, v, banFor, now)...)
		return nil
	})
	if err != nil {
		if errors.Is(err, moderation.ErrAlreadyDecided) {
			cur, _ := p.store.Get(id)
			return cur, fmt.Errorf("decision %d: %w", id, moderation.ErrAlreadyDecided)
		}
		return nil, fmt.Errorf("resolve decision %d: %w", id, err)
	}
	p.log.Info("review decided", "decision", id, "verdict", v, "by", by, "account", a.Name, "district", district || a.BanDistrict)
	if v == moderation.Ban && (district || a.BanDistrict) {
		// Recorded before the own page's actions run, so a slow or failing
		// ban here does not hold the other pages back. A crash before this
		// is mended at the next start (carryCutOff).
		if err := p.carryResolved(d, by); err != nil {
			p.log.Error("district ban not recorded on every page", "decision", id, "err", err)
		}
	}
	if v >= moderation.Delete {
		p.history.MarkViolation(a.Name, d.Comment.Author.ID, d.Comment.Created)
		p.appealDeleted(d.Comment.ID) // appeals.go
	}
	if p.opts.OnDecision != nil {
		p.opts.OnDecision(d)
	}
	p.learn(d)
	return p.actNow(ctx, a, d)
}

// learn hands a human's decision to the learner; a failure to keep the
// example is logged and does not undo the decision.
func (p *Pipeline) learn(d *moderation.Decision) {
	if p.opts.Learner == nil {
		return
	}
	if err := p.opts.Learner.Record(d); err != nil {
		p.log.Error("decision not kept as an example for the model", "decision", d.ID, "err", err)
	}
}

// actNow runs a decision's pending actions before returning, so a
// moderator sees the outcome.
func (p *Pipeline) actNow(ctx context.Context, a *accountRun, d *moderation.Decision) (*moderation.Decision, error) {
	if !d.HasPendingActions() {
		return d, nil
	}
	out, err := p.actOn(ctx, a, d.ID, true)
	if err != nil || out == nil {
		cur, gerr := p.store.Get(d.ID)
		if gerr != nil {
			return d, errors.Join(err, gerr)
		}
		return cur, err
	}
	return out, nil
}

// Undo reverses an automatic (or human) delete/ban: the comment is restored
// where the network can, the ban lifted.
func (p *Pipeline) Undo(ctx context.Context, id uint64, by, byName string) (*moderation.Decision, error) {
	d, err := p.store.Get(id)
	if err != nil {
		return nil, fmt.Errorf("undo decision %d: %w", id, err)
	}
	a := p.accounts[d.Comment.Account]
	if a == nil {
		return d, fmt.Errorf("undo decision %d: account %q is not configured", id, d.Comment.Account)
	}
	// An action still on its way is settled by its actor: if it goes
	// through after this, settle plans the counterpart (see settle).
	now := p.now()
	d, err = p.store.Update(id, func(x *moderation.Decision) error {
		if x.UndoneBy != "" {
			return moderation.ErrAlreadyDecided
		}
		var undo []moderation.ActionRecord
		for _, act := range x.Actions {
			if act.State != moderation.ActionDone {
				continue
			}
			switch act.Type {
			case moderation.ActDelete:
				undo = append(undo, moderation.ActionRecord{Type: moderation.ActRestore, State: moderation.ActionPending})
			case moderation.ActBan:
				undo = append(undo, moderation.ActionRecord{Type: moderation.ActUnban, State: moderation.ActionPending})
			}
		}
		// Pending ones are no longer wanted.
		for i := range x.Actions {
			if x.Actions[i].State == moderation.ActionPending {
				x.Actions[i].State, x.Actions[i].Error, x.Actions[i].At = moderation.ActionSkipped, "undone by a moderator", now
			}
		}
		if len(undo) == 0 && x.Final() < moderation.Delete {
			return ErrNothingToUndo
		}
		x.Actions = append(x.Actions, undo...)
		x.UndoneBy, x.UndoneAt = by, now
		return nil
	})
	if err != nil {
		if errors.Is(err, moderation.ErrAlreadyDecided) {
			cur, _ := p.store.Get(id)
			return cur, fmt.Errorf("decision %d already undone: %w", id, moderation.ErrAlreadyDecided)
		}
		return nil, fmt.Errorf("undo decision %d: %w", id, err)
	}
	p.log.Info("decision undone", "decision", id, "by", by, "name", byName, "account", a.Name)
	p.learn(d)
	return p.actNow(ctx, a, d)
}

// Retry runs a decision's failed actions again.
func (p *Pipeline) Retry(ctx context.Context, id uint64, by string) (*moderation.Decision, error) {
	d, err := p.store.Update(id, func(x *moderation.Decision) error {
		if x.UndoneBy != "" {
			return fmt.Errorf("undone by %s: nothing to retry", x.UndoneBy)
		}
		n := 0
		for i := range x.Actions {
			if x.Actions[i].State == moderation.ActionFailed {
				x.Actions[i].State, x.Actions[i].Attempts = moderation.ActionPending, 0
				n++
			}
		}
		if n == 0 && !x.HasPendingActions() {
			return errors.New("no failed action to retry")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("retry decision %d: %w", id, err)
	}
	a := p.accounts[d.Comment.Account]
	if a == nil {
		return d, fmt.Errorf("retry decision %d: account %q is not configured", id, d.Comment.Account)
	}
	p.log.Info("actions retried", "decision", id, "by", by)
	return p.actNow(ctx, a, d)
}

// Decision returns one decision.
func (p *Pipeline) Decision(id uint64) (*moderation.Decision, error) { return p.store.Get(id) }

// PendingReviews lists decisions awaiting a human, oldest first, on the
// configured accounts: one of an account taken out of the configuration
// cannot be decided (Resolve refuses it), and listed it made the review
// time-outs fail at every tick and sat in the console's queue for good.
// The store keeps it for the account's return (warnOrphanReviews).
func (p *Pipeline) PendingReviews() ([]*moderation.Decision, error) {
	ds, err := p.store.PendingReviews("")
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ds, func(d *moderation.Decision) bool { return p.accounts[d.Comment.Account] == nil }), nil
}

// warnOrphanReviews says at the start which accounts no longer configured
// still have reviews waiting: they are not offered to anyone until the
// account is configured again.
func (p *Pipeline) warnOrphanReviews() {
	ds, err := p.store.PendingReviews("")
	if err != nil {
		return // the review gauges say so at the next refresh
	}
	orphans := map[string]int{}
	for _, d := range ds {
		if p.accounts[d.Comment.Account] == nil {
			orphans[d.Comment.Account]++
		}
	}
	for _, name := range slices.Sorted(maps.Keys(orphans)) {
		p.log.Warn("pending reviews of an account no longer configured are not offered until it is configured again",
			"account", name, "reviews", orphans[name])
	}
}

// Stats counts decisions made since a time.
func (p *Pipeline) Stats(since time.Time) (moderation.Stats, error) {
	var s moderation.Stats
	err := p.store.Query(moderation.Query{Since: since}, func(d *moderation.Decision) error {
		s.Add(d)
		return nil
	})
	return s, err
}

package pipeline

import (
	"context"
	"errors"
	"time"

	"github.com/strazh/strazh/moderation"
)

// A comment edited while an earlier version awaits review: the moderator's
// card shows the old text, but a deletion from it hits the comment as it
// is now. The old review is closed as edited by its author
// (moderation.ByEdit, nothing done) and its card closed, before the new
// version is recorded; the new version is decided on its own (kept,
// deleted, or a new card with the new text). A tap on the old card finds
// it decided and is refused.
//
// The same holds for an automatic delete or ban of the old text that has
// not landed yet (a rate limit, a retry, a pause): it would hit the new
// text, so it is dropped (skipped, «edited by its author») and the new
// version decides what happens.

// supersede closes the pending reviews of earlier versions of d's comment:
// those in ds (this batch, not yet recorded) in place, the recorded ones in
// the store. Only an edit (Comment.Edited set) looks: a new comment has no
// earlier version.
func (p *Pipeline) supersede(a *accountRun, d *moderation.Decision, ds []*moderation.Decision) {
	if d.Comment.Edited.IsZero() {
		return
	}
	now := p.now()
	for _, x := range ds {
		if x != d && older(x, d) {
			if pendingReview(x) {
				editedReview(x, now)
			}
			dropAutoActions(x, now)
		}
	}
	p.dropEditedActions(a, d, now)
	pending, err := p.store.PendingReviews(a.Name)
	if err != nil {
		p.log.Error("comment edited: pending reviews not read; the review of the old text stays open", "account", a.Name, "comment_id", d.Comment.ID, "err", err)
		return
	}
	for _, old := range pending {
		if !older(old, d) {
			continue
		}
		rec, err := p.store.Update(old.ID, func(x *moderation.Decision) error {
			if !pendingReview(x) {
				return moderation.ErrAlreadyDecided
			}
			editedReview(x, now)
			return nil
		})
		switch {
		case errors.Is(err, moderation.ErrAlreadyDecided):
			continue // a moderator was quicker, on the text they saw
		case err != nil:
			p.log.Error("comment edited: review of the old text not closed", "account", a.Name, "decision", old.ID, "err", err)
			continue
		}
		p.log.Info("review closed: comment edited by its author; the new version is decided anew", "account", a.Name, "decision", rec.ID, "comment_id", d.Comment.ID)
		if p.opts.OnDecision != nil {
			p.opts.OnDecision(rec)
		}
		if gc, ok := p.opts.Reviewer.(moderation.GoneCloser); ok {
			ctx, cancel := context.WithTimeout(p.workCtx, goneTimeout)
			if err := gc.Gone(ctx, rec); err != nil {
				p.log.Error("reviewer did not close the card of an edited comment", "decision", rec.ID, "err", err)
			}
			cancel()
		}
	}
}

// older reports whether x is another version of d's comment and not newer
// than d (a version delivered again after a newer one closes nothing).
func older(x, d *moderation.Decision) bool {
	return x.Comment.ID == d.Comment.ID && x.Version != d.Version && !changedAt(&x.Comment).After(changedAt(&d.Comment))
}

func changedAt(c *moderation.Comment) time.Time {
	if !c.Edited.IsZero() {
		return c.Edited
	}
	return c.Created
}

func pendingReview(d *moderation.Decision) bool {
	return d.Review != nil && d.Review.Status == moderation.ReviewPending
}

// editedReview closes a pending review of a version its author replaced:
// nothing is done to it (Verdict Allow, no action), and it is no
// moderator's word, so it neither teaches the model nor counts.
func editedReview(d *moderation.Decision, now time.Time) {
	d.Review.Status, d.Review.Verdict, d.Review.BanFor = moderation.ReviewDecided, moderation.Allow, 0
	d.Review.By, d.Review.ByName, d.Review.At = moderation.ByEdit, "", now
}

// editedSkip is the reason recorded on an automatic action dropped because
// its comment was edited before the action landed.
const editedSkip = "comment edited by its author before it was carried out; the new version is decided anew"

// dropEditedActions drops the recorded automatic actions of earlier
// versions of d's comment that have not been carried out. An action on its
// way meanwhile sees it before its next try; one that went through anyway
// is recorded as done (settle).
// The bans the old text's rule carried to the other pages of the district
// (ban_scope: district) go with it. One read of the pending actions serves
// every page of the network (not one read per page).
func (p *Pipeline) dropEditedActions(a *accountRun, d *moderation.Decision, now time.Time) {
	pending, err := p.store.PendingActions("")
	if err != nil {
		p.log.Error("comment edited: pending actions not read; an action on the old text may still land", "account", a.Name, "comment_id", d.Comment.ID, "err", err)
		return
	}
	for _, old := range pending {
		b := p.accounts[old.Comment.Account]
		if b == nil || b != a && b.Network != a.Network {
			continue
		}
		p.dropEditedOn(b, d, old, now)
	}
}

// dropEditedOn drops, on page b, old's pending automatic actions when old
// is an earlier version of d's comment (b is d's page) or a ban it carried
// to b (another page of the district).
func (p *Pipeline) dropEditedOn(b *accountRun, d, old *moderation.Decision, now time.Time) {
	switch {
	case old.Comment.Account == d.Comment.Account && older(old, d):
	case IsDistrictBan(old) && old.Version != d.Version &&
		old.Comment.ID == moderation.MakeID(d.Comment.Network, b.Name, "district:"+d.Comment.ID) &&
		!changedAt(&old.Comment).After(changedAt(&d.Comment)):
	default:
		return
	}
	if !autoActionPending(old) {
		return
	}
	rec, err := p.store.Update(old.ID, func(x *moderation.Decision) error {
		if !dropAutoActions(x, now) {
			return errNothingToDrop
		}
		return nil
	})
	switch {
	case errors.Is(err, errNothingToDrop):
		return // carried out or undone meanwhile
	case err != nil:
		p.log.Error("comment edited: pending action on the old text not dropped", "account", b.Name, "decision", old.ID, "err", err)
		return
	}
	b.clearDeferred(rec.ID)
	p.log.Info("automatic action dropped: comment edited by its author; the new version is decided anew", "account", b.Name, "decision", rec.ID, "comment_id", d.Comment.ID)
	if p.opts.OnDecision != nil {
		p.opts.OnDecision(rec)
	}
}

var errNothingToDrop = errors.New("no automatic action pending")

// autoActionPending reports whether d is the rule engine's own decision
// (no human in it) with a delete or ban still to carry out.
func autoActionPending(d *moderation.Decision) bool {
	if d.DecidedBy != moderation.ByAuto || d.Review != nil || d.UndoneBy != "" {
		return false
	}
	for _, act := range d.Actions {
		if act.State == moderation.ActionPending && (act.Type == moderation.ActDelete || act.Type == moderation.ActBan) {
			return true
		}
	}
	return false
}

// dropAutoActions skips d's pending automatic delete and ban, reporting
// whether there was one.
func dropAutoActions(d *moderation.Decision, now time.Time) bool {
	if !autoActionPending(d) {
		return false
	}
	for i := range d.Actions {
		act := &d.Actions[i]
		if act.State == moderation.ActionPending && (act.Type == moderation.ActDelete || act.Type == moderation.ActBan) {
			act.State, act.Error, act.At = moderation.ActionSkipped, editedSkip, now
		}
	}
	return true
}

// droppedByEdit reports whether d's automatic actions were dropped for an
// edit of its comment: nothing of it is carried to the district.
func droppedByEdit(d *moderation.Decision) bool {
	for _, act := range d.Actions {
		if act.State == moderation.ActionSkipped && act.Error == editedSkip {
			return true
		}
	}
	return false
}

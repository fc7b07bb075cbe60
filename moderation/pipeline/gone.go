package pipeline

import (
	"context"
	"errors"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Comments deleted on the network by someone other than strazh
// (moderation.UpdateDeleted): a pending review of the comment has nothing
// left to decide, so it is closed as deleted on the network — recorded in
// the store (the audit shows who, as the network names them) and its card
// closed — instead of waiting for a tap or the review timeout.

// goneTimeout bounds the reviewer's Gone (it only writes to its store).
const goneTimeout = 10 * time.Second

// closeGone closes the pending reviews of a comment deleted on the
// network: those in ds (decided in this batch, not yet recorded) in place,
// the recorded ones in the store. Nothing else changes: pending actions
// stay (deleting a deleted comment is done at once), and the deletion is
// not a moderator's verdict, so it neither teaches the model nor counts as
// a violation (the author may have deleted their own comment).
func (p *Pipeline) closeGone(a *accountRun, u *moderation.Update, ds []*moderation.Decision) {
	id := u.Comment.ID
	if id == "" {
		return
	}
	now := p.now()
	for _, d := range ds {
		if d.Comment.ID == id && d.Review != nil && d.Review.Status == moderation.ReviewPending {
			goneReview(d, u.By, now)
		}
	}
	pending, err := p.store.PendingReviews(a.Name)
	if err != nil {
		p.log.Error("comment deleted on the network: pending reviews not read; the review stays open", "account", a.Name, "comment_id", id, "err", err)
		return
	}
	for _, d := range pending {
		if d.Comment.ID != id {
			continue
		}
		rec, err := p.store.Update(d.ID, func(x *moderation.Decision) error {
			if x.Review == nil || x.Review.Status != moderation.ReviewPending {
				return moderation.ErrAlreadyDecided
			}
			goneReview(x, u.By, now)
			return nil
		})
		switch {
		case errors.Is(err, moderation.ErrAlreadyDecided):
			continue // a moderator was quicker
		case err != nil:
			p.log.Error("comment deleted on the network: review not closed", "account", a.Name, "decision", d.ID, "err", err)
			continue
		}
		p.log.Info("review closed: comment deleted on the network", "account", a.Name, "decision", rec.ID, "comment_id", id, "by", u.By)
		if p.opts.OnDecision != nil {
			p.opts.OnDecision(rec)
		}
		if gc, ok := p.opts.Reviewer.(moderation.GoneCloser); ok {
			ctx, cancel := context.WithTimeout(p.workCtx, goneTimeout)
			if err := gc.Gone(ctx, rec); err != nil {
				p.log.Error("reviewer did not close the card of a deleted comment", "decision", d.ID, "err", err)
			}
			cancel()
		}
	}
}

// goneReview marks a pending review decided by the network: the comment is
// deleted (Verdict Delete, no action planned: there is nothing to do).
func goneReview(d *moderation.Decision, by string, now time.Time) {
	d.Review.Status, d.Review.Verdict = moderation.ReviewDecided, moderation.Delete
	d.Review.By, d.Review.ByName, d.Review.At = moderation.ByNetwork, by, now
}

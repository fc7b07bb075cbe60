package pipeline

import (
	"errors"

	"github.com/strazh/strazh/moderation"
)

// A citizen who edits an appealed comment (adds the address, corrects the
// question) is answered on the text as it is now: the open appeal takes
// the new text and the desk edits its card. The appeal stays one (its
// deadline runs from the comment's writing), whether or not the new text
// is still tagged an appeal. An answered or closed appeal keeps the text
// it was answered or closed on.

// appealEdited follows an edit of d's comment into its appeal. It reports
// whether the comment has one (then d opens none).
func (p *Pipeline) appealEdited(a *accountRun, d *moderation.Decision) bool {
	c := &d.Comment
	if c.Edited.IsZero() {
		return false
	}
	st := p.appeals.opts.Store
	ap, err := st.AppealByComment(c.ID)
	switch {
	case errors.Is(err, moderation.ErrNotFound):
		return false // a comment edited into an appeal opens one
	case err != nil:
		p.log.Error("comment edited: its appeal not read; the appeal keeps the old text", "account", a.Name, "comment_id", c.ID, "err", err)
		return true
	case !newerText(ap, c):
		return true
	}
	changed, id := false, ap.DecisionID
	ap, err = p.changeAppeal(id, func(x *moderation.Appeal) error {
		if !newerText(x, c) {
			return nil
		}
		x.Text, x.EditedAt, changed = c.Text, c.Edited, true
		return nil
	})
	if err != nil {
		p.log.Error("comment edited: appeal text not updated", "account", a.Name, "comment_id", c.ID, "appeal", id, "err", err)
		return true // ap is nil
	}
	if !changed {
		return true
	}
	p.log.Info("appeal text updated: comment edited by its author", "account", a.Name, "comment_id", c.ID, "appeal", ap.DecisionID, "decision", d.ID)
	if desk := p.appealDesk(); desk != nil {
		if err := desk.AppealChanged(p.workCtx, ap); err != nil {
			p.log.Error("appeal desk did not take the edit", "appeal", ap.DecisionID, "err", err)
		}
	}
	return true
}

// newerText reports whether c is a later edit than the one the open appeal
// shows, with another text (a version delivered again after a newer one,
// or an edit of nothing but what strazh does not see, changes nothing).
func newerText(ap *moderation.Appeal, c *moderation.Comment) bool {
	return ap.Open() && c.Edited.After(ap.EditedAt) && c.Text != ap.Text
}

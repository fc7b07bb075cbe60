package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/strazh/strazh/moderation"
)

// Unban lifts a ban of author on every account of network where strazh's
// blacklist has one; it returns how many accounts it unbanned on.
func (p *Pipeline) Unban(ctx context.Context, network, author, by string) (int, error) {
	n := 0
	var errs []error
	for _, name := range p.order {
		a := p.accounts[name]
		if a.Network != network {
			continue
		}
		// A ban still waiting (a limit, a retry) would land after the
		// moderator lifted it: stopped first, so it cannot go through
		// while the network's ban is lifted.
		stopped, err := p.stopPendingBans(ctx, a, author, by)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
		list, err := p.store.Blacklist(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		found := false
		for _, e := range list {
			if e.Author.ID == author {
				found = true
				break
			}
		}
		if !found {
			if stopped > 0 {
				p.log.Info("author unbanned: a ban waiting to be placed was stopped", "account", name, "author", author, "by", by, "bans", stopped)
				n++
			}
			continue
		}
		if err := a.Conn.Unban(ctx, author); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		if err := p.store.RemoveBan(name, author); err != nil && !errors.Is(err, moderation.ErrNotFound) {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		a.forgetBans()
		p.metrics.Actions.WithLabelValues(name, string(moderation.ActUnban), OutcomeDone).Inc()
		p.log.Info("author unbanned", "account", name, "author", author, "by", by)
		n++
	}
	return n, errors.Join(errs...)
}

// stopPendingBans skips the author's bans on a's account that are still
// pending, and returns how many. Each decision is claimed first, so a ban
// on its way is waited for: once placed it is in the blacklist, and Unban
// lifts it there.
func (p *Pipeline) stopPendingBans(ctx context.Context, a *accountRun, author, by string) (int, error) {
	pending, err := p.store.PendingActions(a.Name)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, d := range pending {
		if d.Comment.Author.ID != author || !pendingBan(d) {
			continue
		}
		release, ok := p.claim(ctx, d.ID, true)
		if !ok {
			errs = append(errs, fmt.Errorf("decision %d: its ban is on its way: %w", d.ID, ctx.Err()))
			continue
		}
		now := p.now()
		_, err := p.store.Update(d.ID, func(x *moderation.Decision) error {
			if !pendingBan(x) {
				return errNoPendingBan
			}
			for i := range x.Actions {
				if x.Actions[i].Type == moderation.ActBan && x.Actions[i].State == moderation.ActionPending {
					x.Actions[i].State, x.Actions[i].Error, x.Actions[i].At = moderation.ActionSkipped, "lifted by "+by+" before it was placed", now
				}
			}
			return nil
		})
		release()
		switch {
		case errors.Is(err, errNoPendingBan):
			// Placed (or undone) meanwhile: the blacklist says which.
		case err != nil:
			errs = append(errs, fmt.Errorf("decision %d: %w", d.ID, err))
		default:
			n++
		}
	}
	return n, errors.Join(errs...)
}

var errNoPendingBan = errors.New("no pending ban")

func pendingBan(d *moderation.Decision) bool {
	for _, act := range d.Actions {
		if act.Type == moderation.ActBan && act.State == moderation.ActionPending {
			return true
		}
	}
	return false
}

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
)

// A district is every configured page of one network: an author banned on
// one page can be banned on all of them (ban_scope: district, or a
// moderator's «Забанить везде»). The ban on each other page is a decision
// of that page of its own, with one pending ban action: it is durable,
// carried out by that page's actor at that page's rate, shown in its audit
// and undone on its own. Network user IDs must be network-wide for this
// (VK's are); a network with page-scoped IDs must not be given a district.

// districtRule is the match that explains a ban carried over from another page.
const districtRule = "district.ban"

// districtMark is in the local part of a carried-over decision's comment ID.
const districtMark = ":district:"

// IsDistrictBan reports whether d is a ban carried over from another page.
func IsDistrictBan(d *moderation.Decision) bool {
	return strings.Contains(d.Comment.ID, districtMark)
}

// District lists the configured pages of network, in configuration order.
func (p *Pipeline) District(network string) []string {
	var out []string
	for _, name := range p.order {
		if p.accounts[name].Network == network {
			out = append(out, name)
		}
	}
	return out
}

// districtBans builds the decisions that carry d's ban actions to the other
// pages of its network (none when d plans no ban). Their comment IDs derive
// from d's comment and version, so building them again after a crash
// gives the same keys and the store records each once.
func (p *Pipeline) districtBans(d *moderation.Decision, by string, now time.Time) map[string][]*moderation.Decision {
	state := moderation.ActionPending
	if d.DryRun {
		state = moderation.ActionSkipped
	}
	var bans []moderation.ActionRecord
	for _, act := range d.Actions {
		if act.Type == moderation.ActBan {
			bans = append(bans, moderation.ActionRecord{Type: act.Type, State: state, Until: act.Until})
		}
	}
	if len(bans) == 0 {
		return nil
	}
	c := &d.Comment
	out := map[string][]*moderation.Decision{}
	for _, name := range p.District(c.Network) {
		if name == c.Account {
			continue
		}
		reason := "бан на всех страницах района: решение на странице " + c.Account
		if d.ID != 0 {
			reason += " (#" + strconv.FormatUint(d.ID, 10) + ")"
		}
		fd := &moderation.Decision{
			Comment: moderation.Comment{Network: c.Network, Account: name, Kind: c.Kind,
				ID:     moderation.MakeID(c.Network, name, "district:"+c.ID),
				PostID: c.PostID, Permalink: c.Permalink, Author: c.Author, Text: c.Text, Created: c.Created, Edited: c.Edited},
			Version: d.Version, Verdict: moderation.Ban, BanFor: d.BanFor, Labels: d.Labels,
			Matches:   append(append([]moderation.Match(nil), d.Matches...), moderation.Match{Rule: districtRule, Action: moderation.Ban, Reason: reason}),
			DecidedBy: by, DecidedAt: now, DryRun: d.DryRun,
			Actions: append([]moderation.ActionRecord(nil), bans...),
		}
		out[name] = append(out[name], fd)
	}
	return out
}

// commitDistrict records the carried-over bans of ds on the other pages
// (every ban of a district-scope page, and the bans of rules with
// ban_scope: district) before ds themselves are recorded: a crash in
// between decides ds again and finds these already there. It retries the
// store like commit.
func (p *Pipeline) commitDistrict(a *accountRun, ds []*moderation.Decision) {
	marked := a.districtNext
	a.districtNext = nil
	if !a.BanDistrict && len(marked) == 0 {
		return
	}
	all := map[string][]*moderation.Decision{}
	for _, d := range ds {
		if !a.BanDistrict && !slices.Contains(marked, d) || droppedByEdit(d) {
			continue
		}
		for name, fds := range p.districtBans(d, d.DecidedBy, d.DecidedAt) {
			all[name] = append(all[name], fds...)
		}
	}
	for _, name := range p.order {
		if fds := all[name]; len(fds) > 0 {
			p.recordDistrict(p.accounts[name], fds)
		}
	}
}

// recordDistrict commits carried-over bans of one page and hands them to
// its actor.
func (p *Pipeline) recordDistrict(b *accountRun, fds []*moderation.Decision) error {
	var recorded []*moderation.Decision
	for attempt := 1; ; attempt++ {
		var err error
		if recorded, err = p.store.Commit(b.Name, fds, nil); err == nil {
			break
		}
		p.log.Error("cannot record a district ban; retrying", "account", b.Name, "err", err, "attempt", attempt)
		if !sleep(p.workCtx, p.opts.Retry.Wait(attempt, 0)) {
			return fmt.Errorf("district ban on %s not recorded: %w", b.Name, err)
		}
	}
	for _, fd := range recorded {
		p.log.Info("district ban planned", "account", b.Name, "author", fd.Comment.Author.ID, "decision", fd.ID)
		if p.opts.OnDecision != nil {
			p.opts.OnDecision(fd)
		}
		if fd.HasPendingActions() {
			select {
			case b.actions <- fd.ID:
			default:
				b.behind.Store(true)
			}
			p.kickActor(b, false)
		}
	}
	return nil
}

// ResolveDistrict is Resolve with a ban (banFor 0: forever) that is also
// carried to every other page of the comment's network: the card's
// «Забанить везде». What it returns is the decision on the comment's own
// page; each other page's ban is carried out by that page's actor.
func (p *Pipeline) ResolveDistrict(ctx context.Context, id uint64, banFor time.Duration, by, byName string) (*moderation.Decision, error) {
	d, err := p.resolve(ctx, id, moderation.Ban, banFor, by, byName, true)
	return d, err
}

// carryResolved records the district bans of a decision a human resolved.
func (p *Pipeline) carryResolved(d *moderation.Decision, by string) error {
	var errs []error
	for name, fds := range p.districtBans(d, by, p.now()) {
		if err := p.recordDistrict(p.accounts[name], fds); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// carryCutOff carries again the district bans of the moderators' bans of
// the history window: resolve records the page's decision first and the
// other pages' bans after it, so a crash in between would lose them. The
// carried decisions' keys derive from the original, so those recorded
// before are not recorded twice.
func (p *Pipeline) carryCutOff() {
	ids := p.toCarry
	p.toCarry = nil
	for _, id := range ids {
		d, err := p.store.Get(id)
		if err != nil {
			p.log.Error("cannot read a moderator's ban to carry to the district", "decision", id, "err", err)
			continue
		}
		if err := p.carryResolved(d, d.Review.By); err != nil {
			p.log.Error("district ban not recorded on every page", "decision", id, "err", err)
		}
	}
}

// DistrictStats counts decisions made since a time on each page and in
// total (a carried-over ban counts on the page it bans on).
func (p *Pipeline) DistrictStats(since time.Time) (map[string]moderation.Stats, moderation.Stats, error) {
	per := make(map[string]moderation.Stats, len(p.order))
	var total moderation.Stats
	err := p.store.Query(moderation.Query{Since: since}, func(d *moderation.Decision) error {
		s := per[d.Comment.Account]
		s.Add(d)
		per[d.Comment.Account] = s
		total.Add(d)
		return nil
	})
	return per, total, err
}

// AuthorDecisions lists the author's last decisions (at most limit, oldest
// first) on the pages of network: what was decided, when, by which rule
// and by whom, from the store (the audit).
func (p *Pipeline) AuthorDecisions(network, author string, limit int) ([]*moderation.Decision, error) {
	var out []*moderation.Decision
	// An author ID is the network's: the same digits on another network
	// are someone else, so more are read than shown, then filtered.
	err := p.store.Query(moderation.Query{Author: author, Limit: 4 * limit}, func(d *moderation.Decision) error {
		if d.Comment.Network == network {
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("decisions about author %s: %w", author, err)
	}
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out, nil
}

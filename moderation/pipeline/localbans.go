package pipeline

import (
	"sync"
	"time"

	"github.com/strazh/strazh/moderation"
)

// RuleBlacklist is the match of a comment deleted on sight because its
// author is on strazh's blacklist of a network that cannot ban.
const RuleBlacklist = "blacklist.local"

// localBansTTL: how long the blacklist read from the store is trusted
// before it is read again (bans recorded meanwhile count from then).
const localBansTTL = 5 * time.Second

// localBans is strazh's own blacklist of one account whose network cannot
// ban (Capabilities.BanLocal): the store's entries, read at most every
// localBansTTL. The store keeps them in step with the ban actions.
type localBans struct {
	mu    sync.Mutex
	read  time.Time
	until map[string]time.Time // author → end of the ban (zero: forever)
}

// blacklisted reports whether author's comments are to be deleted on
// sight on account a: its network cannot ban, and strazh banned them.
func (p *Pipeline) blacklisted(a *accountRun, author string, now time.Time) bool {
	if a.bans == nil || author == "" {
		return false
	}
	b := a.bans
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.until == nil || now.Sub(b.read) >= localBansTTL || now.Before(b.read) {
		list, err := p.store.Blacklist(a.Name)
		if err != nil {
			p.log.Error("cannot read the blacklist; the author's comment is judged by the rules", "account", a.Name, "err", err)
			return false
		}
		b.until = make(map[string]time.Time, len(list))
		for _, e := range list {
			b.until[e.Author.ID] = e.Until
		}
		b.read = now
	}
	until, ok := b.until[author]
	return ok && (until.IsZero() || until.After(now))
}

// forgetBans makes the next look read the blacklist again (a ban or an
// unban of the account was just recorded).
func (a *accountRun) forgetBans() {
	if a.bans == nil {
		return
	}
	a.bans.mu.Lock()
	a.bans.until = nil
	a.bans.mu.Unlock()
}

// onSight is the decision for a blacklisted author's comment: deleted
// like any rule's delete (recorded, shown, undoable), not judged again.
func (p *Pipeline) onSight(a *accountRun, d *moderation.Decision, now time.Time) {
	d.Verdict = moderation.Delete
	d.Matches = []moderation.Match{{Rule: RuleBlacklist, Action: moderation.Delete,
		Reason: "автор в чёрном списке strazh (сеть не умеет банить): комментарии удаляются сразу"}}
	if p.paused.Load() {
		d.Review = &moderation.ReviewState{Status: moderation.ReviewPending}
		return
	}
	d.Actions = p.plan(a, moderation.Delete, 0, now)
}

package pipeline

import "time"

// The store forgets decisions older than its retention, and with them
// which comment versions were decided. A connector may read comments older
// than that again: VK's catch-up over catchup_days of posts (an edit under
// a post re-reads all of it), the newest topics of a quiet OK group, a
// board topic, a cursor lost and read afresh. Decided again, such a
// comment would get a second delete, ban or card. So a comment last
// changed before the retention horizon is not decided, like one from
// before the epoch: every comment changed since then was decided since
// then, so its decision is still kept and a second reading is known.
// This holds for every connector and any catch-up window (a config check
// could compare only VK's catchup_days), and a config that worked keeps
// working.

// retainer is a store that prunes decisions (moderation/store).
type retainer interface {
	Retention() time.Duration
}

// beyondRetention reports whether a comment changed at changed is older
// than what the store keeps (never for a store that keeps everything).
func (p *Pipeline) beyondRetention(changed, now time.Time) bool {
	return p.retention > 0 && changed.Before(now.Add(-p.retention))
}

// logBeyondRetention reports, once per committed batch, the comments left
// undecided for being older than the retention.
func (p *Pipeline) logBeyondRetention(a *accountRun) {
	if a.tooOld == 0 {
		return
	}
	p.log.Info("comments older than the retention not decided: their decisions, if any, are pruned, and deciding them again could repeat an action",
		"account", a.Name, "count", a.tooOld, "retention", p.retention)
	a.tooOld = 0
}

package pipeline_test

import (
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

// banLocal is a connector whose network cannot ban (as MAX): a ban is
// strazh's own blacklist.
type banLocal struct{ moderation.Connector }

func (b banLocal) Capabilities() moderation.Capabilities {
	c := b.Connector.Capabilities()
	c.BanLocal = true
	return c
}

// Where the network cannot ban, an author strazh banned has their next
// comments deleted on sight, each as a decision of its own (in the audit,
// undoable), whatever the rules would say; an unban ends it.
func TestPipeline_Run_BlacklistedAuthorDeletedOnSight(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	h := newHarness(t, net, t.TempDir(), func(_ *pipeline.Options, a *pipeline.Account) {
		a.Conn = banLocal{a.Conn}
	})
	first := net.Post("p1", "u1", "Анна", "BAN me")
	eventually(t, "the author banned", func() bool { _, ok := net.Banned("u1"); return ok && net.Deleted(first) })
	eventually(t, "the ban recorded", func() bool { list, _ := h.db.Blacklist("page"); return len(list) == 1 })

	next := net.Post("p1", "u1", "Анна", "совершенно безобидный текст")
	eventually(t, "deleted on sight", func() bool { return net.Deleted(next) })
	ds := h.decisions(next)
	if len(ds) != 1 || ds[0].Verdict != moderation.Delete || len(ds[0].Matches) != 1 || ds[0].Matches[0].Rule != pipeline.RuleBlacklist {
		t.Fatalf("the blacklisted author's comment: %+v", ds)
	}
	other := net.Post("p1", "u2", "Борис", "совершенно безобидный текст тоже")
	eventually(t, "another author decided", h.decided(other, 1))
	if d := h.decisions(other)[0]; d.Verdict != moderation.Allow || len(d.Actions) != 0 {
		t.Errorf("an author nobody banned: %+v", d)
	}

	if n, err := h.pipe.Unban(t.Context(), "sim", "u1", "cli:x"); err != nil || n != 1 {
		t.Fatalf("unban: %d, %v", n, err)
	}
	after := net.Post("p1", "u1", "Анна", "после разбана")
	eventually(t, "decided after the unban", h.decided(after, 1))
	if d := h.decisions(after)[0]; d.Verdict != moderation.Allow || len(d.Actions) != 0 {
		t.Errorf("after the unban: %+v", d)
	}
}

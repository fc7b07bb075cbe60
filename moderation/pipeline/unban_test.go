package pipeline_test

import (
	"testing"

	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
)

// /unban of an author whose ban still waits (a rate limit, a retry): the
// ban must not land after the moderator lifted it. Unban found nothing in
// the blacklist (a ban enters it once placed), said so, and the pending
// ban went through when the limit was over.
func TestPipeline_Unban_StopsAPendingBan(t *testing.T) {
	net := simtest.New()
	defer net.Close()
	net.FailNext("/api/bans", 1000, 429, 3600) // the network limits bans for an hour
	// Retried for long: with the harness's three tries the ban failed for
	// good before /unban came when the machine was busy.
	h := newHarness(t, net, t.TempDir(), slowRetries)
	id := net.Post("p1", "u1", "Анна", "BAN me")
	eventually(t, "comment deleted, ban waiting for the limit", func() bool {
		ds := h.decisions(id)
		return len(ds) == 1 && net.Deleted(id) && len(ds[0].Actions) == 2 &&
			ds[0].Actions[1].State == moderation.ActionPending && ds[0].Actions[1].Attempts > 0
	})
	n, err := h.pipe.Unban(t.Context(), "sim", "u1", "telegram:77")
	if err != nil || n != 1 {
		t.Fatalf("unban: %d accounts, %v; want 1 (the pending ban stopped)", n, err)
	}
	d := h.decisions(id)[0]
	if ban := d.Actions[1]; ban.Type != moderation.ActBan || ban.State != moderation.ActionSkipped {
		t.Errorf("the waiting ban after /unban: %+v, want skipped", ban)
	}
	if del := d.Actions[0]; del.State != moderation.ActionDone {
		t.Errorf("the deletion: %+v, want it kept done", del)
	}
	if pend, _ := h.db.PendingActions("page"); len(pend) != 0 {
		t.Errorf("actions still pending: %d (the ban would land when the limit ends)", len(pend))
	}
	if list, _ := h.db.Blacklist("page"); len(list) != 0 {
		t.Errorf("blacklist after /unban: %+v", list)
	}
}

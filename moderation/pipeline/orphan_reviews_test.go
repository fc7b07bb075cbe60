package pipeline_test

import (
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
	"github.com/strazh/strazh/moderation/pipeline/pipelinetest"
)

// A review of an account taken out of the configuration is not offered:
// Resolve refuses it ("account is not configured"), so the review
// time-outs of the chats and of the console failed on it at every tick,
// and the console's queue kept it for good. The store keeps it, and it is
// offered again once the account is back.
func TestPipeline_PendingReviews_AccountGoneNotOffered(t *testing.T) {
	dir := t.TempDir()
	cp, cq := newFeedConn(), newFeedConn()
	accP := pipeline.Account{Name: "p", Network: "vk", Conn: cp, Backfill: true}
	accQ := pipeline.Account{Name: "q", Network: "vk", Conn: cq, Backfill: true}
	r := pipelinetest.Start(t, dir, nil, accP, accQ)
	cp.Push(wallComment("1", "Спорно на p "+pipelinetest.ReviewMark, citizen, time.Now()))
	onQ := wallComment("2", "Спорно на q "+pipelinetest.ReviewMark, citizen, time.Now())
	onQ.ID = moderation.MakeID("vk", "q", "wall:-1:2")
	cq.Push(onQ)
	pending := func(r *pipelinetest.Run) []string {
		t.Helper()
		ds, err := r.Pipe.PendingReviews()
		if err != nil {
			t.Fatal(err)
		}
		var accs []string
		for _, d := range ds {
			accs = append(accs, d.Comment.Account)
		}
		return accs
	}
	pipelinetest.Eventually(t, "a review on each page", func() bool { return len(pending(r)) == 2 })
	r.Stop()

	accP.Conn = newFeedConn()
	r = pipelinetest.Start(t, dir, nil, accP) // q taken out of the configuration
	if got := pending(r); len(got) != 1 || got[0] != "p" {
		t.Errorf("pending reviews without q configured: %v, want only p's", got)
	}
	if ds, err := r.DB.PendingReviews(""); err != nil || len(ds) != 2 {
		t.Errorf("the store holds %d pending reviews (%v), want both kept", len(ds), err)
	}
	r.Stop()

	accQ.Conn, accP.Conn = newFeedConn(), newFeedConn()
	r = pipelinetest.Start(t, dir, nil, accP, accQ)
	if got := pending(r); len(got) != 2 {
		t.Errorf("pending reviews with q back: %v, want both", got)
	}
}

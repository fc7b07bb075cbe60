package report_test

import (
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/report"
)

// An appeal the store closed as expired was never answered: the report
// counts it late, not answered.
func TestBuild_ExpiredAppealLate(t *testing.T) {
	src, _, until := month(t)
	opened := until.AddDate(0, 0, -20)
	src.Appeals = appealList{
		{DecisionID: 1, Account: "admin-vk", Topic: "roads", OpenedAt: opened, Deadline: opened.Add(24 * time.Hour),
			Closed: moderation.ClosedExpired, ClosedAt: opened.Add(63 * 24 * time.Hour), ClosedBy: moderation.ExpiredBy},
		{DecisionID: 2, Account: "admin-vk", Topic: "roads", OpenedAt: opened, Deadline: opened.Add(24 * time.Hour),
			AnsweredAt: opened.Add(time.Hour), AnsweredBy: "page"},
	}
	p := report.Period{Kind: "month", Since: until.AddDate(0, 0, -30), Until: until}
	r, err := report.Build(src, p, until.AddDate(0, 0, 45), msk)
	if err != nil {
		t.Fatal(err)
	}
	a := r.Appeals
	if a.Total != 2 || a.Answered != 1 || a.OnTime != 1 || a.Late != 1 || a.Waiting != 0 || a.ShareOnTime() != 0.5 {
		t.Fatalf("appeals %+v, want 2: one on time, one late (expired)", a)
	}
}

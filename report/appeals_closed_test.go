package report_test

import (
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/report"
)

// appealList is a report.Appeals of fixed appeals.
type appealList []*moderation.Appeal

func (l appealList) Appeals(time.Time, time.Time) ([]*moderation.Appeal, error) { return l, nil }

// An appeal a moderator said is not one leaves the report; one answered
// elsewhere counts as answered, on time or late by when it was closed.
func TestBuild_ClosedAppeals_NotAppealOutElsewhereAnswered(t *testing.T) {
	src, _, until := month(t)
	opened := until.Add(-72 * time.Hour)
	mk := func(id uint64, topic string, fn func(a *moderation.Appeal)) *moderation.Appeal {
		a := &moderation.Appeal{DecisionID: id, Account: "admin-vk", CommentID: "c", Topic: topic, OpenedAt: opened,
			Deadline: opened.Add(24 * time.Hour)}
		if fn != nil {
			fn(a)
		}
		return a
	}
	closeAs := func(how string, after time.Duration) func(a *moderation.Appeal) {
		return func(a *moderation.Appeal) {
			if err := moderation.CloseAppeal(how, opened.Add(after), "web:anna")(a); err != nil {
				t.Fatal(err)
			}
		}
	}
	src.Appeals = appealList{
		mk(1, "roads", closeAs(moderation.ClosedElsewhere, time.Hour)),    // on time
		mk(2, "water", closeAs(moderation.ClosedElsewhere, 30*time.Hour)), // late
		mk(3, "snow", closeAs(moderation.ClosedNotAppeal, 40*time.Hour)),  // out
		mk(4, "snow", closeAs(moderation.ClosedNotAppeal, 2*time.Hour)),   // out
		mk(5, "heating", nil), // overdue
	}
	p, err := report.PeriodEnding("week", until.Add(5*time.Hour), msk)
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Build(src, p, until, msk)
	if err != nil {
		t.Fatal(err)
	}
	a := r.Appeals
	if a.Total != 3 || a.Answered != 2 || a.OnTime != 1 || a.Late != 2 || a.Waiting != 0 {
		t.Errorf("appeals = %+v, want total 3, answered 2, on time 1, late 2 (one overdue), waiting 0", *a)
	}
	for _, c := range a.ByTopic {
		if c.Key == "snow" {
			t.Errorf("topics count the not-appeals: %+v", a.ByTopic)
		}
	}
}

package moderation

import (
	"testing"
	"time"
)

func TestIsAppeal_LabelsOrMatches(t *testing.T) {
	appealMatch := Match{Rule: "appeals.water", Label: LabelAppeal, Action: Allow}
	tests := []struct {
		name  string
		d     Decision
		want  bool
		topic string
	}{
		{"label", Decision{Labels: []string{LabelAppeal}}, true, "other"},
		// the rule engine lists only acting rules' labels: an allow rule's is in Matches
		{"allow rule's match only", Decision{Matches: []Match{appealMatch}}, true, "water"},
		{"with мат", Decision{Labels: []string{"obscenity"}, Matches: []Match{{Rule: "obscenity.mat", Label: "obscenity"}, appealMatch}}, true, "water"},
		{"rule outside the pack", Decision{Matches: []Match{{Rule: "gorod.roads", Label: LabelAppeal}}}, true, "other"},
		{"not an appeal", Decision{Labels: []string{"spam"}, Matches: []Match{{Rule: "appeals.x", Label: "spam"}}}, false, "other"},
		// advertising that asks a question is spam, not an appeal to answer
		{"spam asking", Decision{Labels: []string{"spam", LabelAppeal}, Matches: []Match{{Rule: "spam.links", Label: "spam"}, appealMatch}}, false, "water"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsAppeal(&tt.d); got != tt.want {
				t.Errorf("IsAppeal = %v, want %v", got, tt.want)
			}
			if got := AppealTopic(tt.d.Matches); got != tt.topic {
				t.Errorf("AppealTopic = %q, want %q", got, tt.topic)
			}
		})
	}
}

func TestAppealStats_OnTimeShare(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ap := func(answeredAfter time.Duration) *Appeal {
		a := &Appeal{OpenedAt: t0, Deadline: t0.Add(24 * time.Hour)}
		if answeredAfter > 0 {
			a.AnsweredAt = t0.Add(answeredAfter)
		}
		return a
	}
	var s AppealStats
	if s.OnTimeShare() != -1 {
		t.Fatal("share of nothing is not -1")
	}
	now := t0.Add(48 * time.Hour)
	for _, a := range []*Appeal{ap(time.Hour), ap(30 * time.Hour), ap(0), ap(24 * time.Hour)} {
		s.Add(a, now)
	}
	s.Add(&Appeal{OpenedAt: now, Deadline: now.Add(time.Hour)}, now) // waiting, not late yet
	want := AppealStats{Opened: 5, Answered: 3, OnTime: 2, Open: 2, Overdue: 1}
	if s != want {
		t.Fatalf("stats = %+v, want %+v", s, want)
	}
	if got := s.OnTimeShare(); got != 0.5 {
		t.Fatalf("share = %v, want 0.5 (2 on time of 3 answered + 1 overdue)", got)
	}
}

package moderation

import (
	"fmt"
	"strings"
	"time"
)

// Appeals is the durable record of citizens' appeals (moderation/store
// implements it on bbolt). Every method is one transaction.
type Appeals interface {
	// OpenAppeal records a new appeal. It reports false, and changes
	// nothing, when the decision or the comment (another version of it: an
	// edit, a redelivery) already has one.
	OpenAppeal(a *Appeal) (bool, error)
	// Appeal returns one appeal by its decision ID (ErrNotFound).
	Appeal(id uint64) (*Appeal, error)
	// AppealByComment returns the appeal of a comment ID (ErrNotFound).
	AppealByComment(commentID string) (*Appeal, error)
	// UpdateAppeal changes one appeal atomically (fn's error aborts and is
	// returned as is); the open index follows AnsweredAt.
	UpdateAppeal(id uint64, fn func(a *Appeal) error) (*Appeal, error)
	// OpenAppeals lists the account's open appeals (every account's when
	// ""), oldest first.
	OpenAppeals(account string) ([]*Appeal, error)
	// Appeals lists the appeals opened in [since, until), oldest
	// first (a zero until: up to now).
	Appeals(since, until time.Time) ([]*Appeal, error)
}

// AnswerAppeal is an UpdateAppeal fn that records the first answer only: a
// later one leaves the appeal as it is. An expired appeal answered after
// all (the page replied late, or an answer was being posted as it expired)
// becomes answered, late: the answer is on the network.
func AnswerAppeal(at time.Time, by, replyRef string) func(a *Appeal) error {
	return func(a *Appeal) error {
		if !a.Open() && !a.Expired() {
			return nil
		}
		if a.Expired() {
			a.Closed, a.ClosedAt, a.ClosedBy = "", time.Time{}, ""
		}
		a.AnsweredAt, a.AnsweredBy, a.ReplyRef = at, by, replyRef
		return nil
	}
}

// CloseAppeal is an UpdateAppeal fn closing an open appeal without a
// reply from strazh, how (ClosedElsewhere or ClosedNotAppeal), by by at
// at. An appeal answered or closed already is an error wrapping
// ErrAlreadyDecided, and is left as it is.
func CloseAppeal(how string, at time.Time, by string) func(a *Appeal) error {
	return func(a *Appeal) error {
		if how != ClosedElsewhere && how != ClosedNotAppeal {
			return fmt.Errorf("appeal %d: close as %q: want %s or %s", a.DecisionID, how, ClosedElsewhere, ClosedNotAppeal)
		}
		if !a.Open() {
			return fmt.Errorf("appeal %d: closed already by %s: %w", a.DecisionID, a.Closer(), ErrAlreadyDecided)
		}
		a.Closed, a.ClosedAt, a.ClosedBy = how, at, by
		if how == ClosedElsewhere {
			a.AnsweredAt, a.AnsweredBy = at, by
		}
		return nil
	}
}

// ExpireAppeal is an UpdateAppeal fn closing an appeal nobody answered
// by the history horizon, at at (ClosedExpired, by ExpiredBy). An appeal
// answered or closed already is an error wrapping ErrAlreadyDecided.
func ExpireAppeal(at time.Time) func(a *Appeal) error {
	return func(a *Appeal) error {
		if !a.Open() {
			return fmt.Errorf("appeal %d: closed already by %s: %w", a.DecisionID, a.Closer(), ErrAlreadyDecided)
		}
		a.Closed, a.ClosedAt, a.ClosedBy = ClosedExpired, at, ExpiredBy
		return nil
	}
}

// Closer is who answered or closed the appeal ("" while open).
func (a *Appeal) Closer() string {
	if a.Closed != "" {
		return a.ClosedBy
	}
	return a.AnsweredBy
}

// AppealTopic is the topic of an appeal-labelled decision: the rule of
// the match labelled LabelAppeal after "appeals." ("other" when none).
func AppealTopic(matches []Match) string {
	for _, m := range matches {
		if m.Label != LabelAppeal {
			continue
		}
		if t, ok := strings.CutPrefix(m.Rule, "appeals."); ok && t != "" {
			return t
		}
	}
	return "other"
}

// IsAppeal reports whether a decision is a citizen's appeal: its labels
// carry LabelAppeal, or one of its matches does (the rule engine lists in
// Labels only the labels of rules that act, and an appeal rule allows).
func IsAppeal(d *Decision) bool {
	appeal := false
	for _, l := range d.Labels {
		switch {
		case l == LabelAppeal:
			appeal = true
		case l == "spam" || strings.HasPrefix(l, "spam."):
			// Advertising dressed as a question («где купить…?») is spam
			// deleted, not an appeal waiting for the page's answer.
			return false
		}
	}
	if appeal {
		return true
	}
	for _, m := range d.Matches {
		if m.Label == LabelAppeal {
			return true
		}
	}
	return false
}

// AppealStats counts appeals over a period, for /stats and the report.
type AppealStats struct {
	Opened   int // appeals opened in the period
	Answered int // of them, answered (so far)
	OnTime   int // of them, answered by the deadline
	Open     int // of them, still waiting
	Overdue  int // of them, still waiting past the deadline
	Expired  int // of them, closed unanswered at the history horizon (late for good)
}

// Add counts one appeal as of now; one a moderator said is not an appeal
// is not counted.
func (s *AppealStats) Add(a *Appeal, now time.Time) {
	if a.NotAppeal() {
		return
	}
	s.Opened++
	switch {
	case a.Expired():
		s.Expired++
	case !a.Open():
		s.Answered++
		if a.OnTime() {
			s.OnTime++
		}
	case now.After(a.Deadline):
		s.Open++
		s.Overdue++
	default:
		s.Open++
	}
}

// OnTimeShare is the share of appeals answered on time among those whose
// outcome is known (answered, overdue, or expired); -1 when there are none.
func (s *AppealStats) OnTimeShare() float64 {
	n := s.Answered + s.Overdue + s.Expired
	if n == 0 {
		return -1
	}
	return float64(s.OnTime) / float64(n)
}

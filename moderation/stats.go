package moderation

// Stats counts decisions over a period, for /stats and the audit summary.
type Stats struct {
	Comments int            // decisions made (one per comment version)
	Allowed  int            // final verdict allow
	Reviewed int            // sent to a human (whatever they decided)
	Deleted  int            // final verdict delete or ban
	Banned   int            // final verdict ban
	Pending  int            // reviews still waiting
	ByRule   map[string]int // rule ID → how many decisions it fired in
}

// Add counts one decision.
func (s *Stats) Add(d *Decision) {
	s.Comments++
	if d.Review != nil {
		s.Reviewed++
		if d.Review.Status == ReviewPending {
			s.Pending++
		}
	}
	switch d.Final() {
	case Allow:
		if d.Review == nil || d.Review.Status == ReviewDecided {
			s.Allowed++
		}
	case Delete:
		s.Deleted++
	case Ban:
		s.Deleted++
		s.Banned++
	}
	if len(d.Matches) > 0 && s.ByRule == nil {
		s.ByRule = make(map[string]int)
	}
	for _, m := range d.Matches {
		s.ByRule[m.Rule]++
	}
}

package cadence

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the cadence's Prometheus collectors (namespace strazh).
type Metrics struct {
	Week         *prometheus.GaugeVec   // the page's own posts in the last 7 days, by account
	MinPerWeek   prometheus.Gauge       // cadence.min_per_week, for the alert to compare with
	PollFailures *prometheus.CounterVec // failed reads of a page's posts, by account
	// Partial is 1 while a page's week is counted short: its network lists
	// no past posts (Telegram) and strazh has been counting them for less
	// than 7 days; the alert waits for a full week.
	Partial *prometheus.GaugeVec
}

// NewMetrics creates the collectors and registers them (nil reg: not
// registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	const ns = "strazh"
	m := &Metrics{
		Week: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "posts_week",
			Help: "The page's own posts published in the last 7 days (decree §2.1: at least 7), by account."}, []string{"account"}),
		MinPerWeek: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "posts_week_min",
			Help: "cadence.min_per_week: the fewest own posts a page should publish in 7 days."}),
		PollFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "posts_poll_failures_total",
			Help: "Failed reads of a page's own posts (its count then stays at the last read), by account."}, []string{"account"}),
		Partial: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "posts_week_partial",
			Help: "1 while a page's 7 days are counted short: its network lists no past posts (Telegram), and strazh has counted them as they arrive for less than 7 days."}, []string{"account"}),
	}
	if reg != nil {
		reg.MustRegister(m.Week, m.MinPerWeek, m.PollFailures, m.Partial)
	}
	return m
}

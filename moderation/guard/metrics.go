package guard

import "github.com/prometheus/client_golang/prometheus"

// Check results (label result of strazh_guard_checks_total).
const (
	ResultOK      = "ok"      // nothing wrong
	ResultProblem = "problem" // something wrong: a broken token, a missing right, an expiry near, a network that did not answer
	ResultError   = "error"   // the store failed: nothing recorded
)

// Metrics are the guard's Prometheus collectors (namespace strazh).
type Metrics struct {
	Events      *prometheus.CounterVec // security events by account and kind
	Managers    *prometheus.GaugeVec   // the page's managers by account
	Checks      *prometheus.CounterVec // checks by account and result
	LastCheck   *prometheus.GaugeVec   // unix time of the last recorded check
	TokenExpiry *prometheus.GaugeVec   // seconds until a token a human must renew expires
}

// NewMetrics creates the collectors and registers them (nil reg: not
// registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	const ns = "strazh"
	m := &Metrics{
		Events: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "security_events_total",
			Help: "Account guard events by account and kind (manager_added, manager_removed, manager_role, token_broken, token_right_lost, token_expiring, setting_changed)."},
			[]string{"account", "kind"}),
		Managers: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "page_managers",
			Help: "Managers of the account's page at the guard's last check."}, []string{"account"}),
		Checks: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "guard_checks_total",
			Help: "Account guard checks by account and result (ok, problem, error)."}, []string{"account", "result"}),
		LastCheck: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "guard_last_check_timestamp_seconds",
			Help: "Unix time of the guard's last recorded check of the account."}, []string{"account"}),
		TokenExpiry: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "guard_token_expiry_seconds",
			Help: "Seconds until the account's credential that a human must renew expires (negative once expired); absent when none expires by time."},
			[]string{"account"}),
	}
	if reg != nil {
		reg.MustRegister(m.Events, m.Managers, m.Checks, m.LastCheck, m.TokenExpiry)
	}
	return m
}

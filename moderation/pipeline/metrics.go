package pipeline

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
)

// Label values shared by metrics.
const (
	OutcomeDone    = "done"
	OutcomeFailed  = "failed"
	OutcomeRetry   = "retry"
	OutcomeSkipped = "skipped"
)

// Metrics are the pipeline's Prometheus collectors (namespace strazh). The
// pipeline times connector calls; connectors stay metric-free.
type Metrics struct {
	Processed        *prometheus.CounterVec   // comments decided, by account and verdict
	Actions          *prometheus.CounterVec   // actions by account, type and outcome
	RuleHits         *prometheus.CounterVec   // rules that fired, by rule
	ReviewBacklog    *prometheus.GaugeVec     // pending reviews by account
	ReviewOldest     *prometheus.GaugeVec     // age of the oldest pending review, by account
	DecisionLatency  *prometheus.HistogramVec // comment creation → action carried out
	ConnectorErrors  *prometheus.CounterVec   // by account and error class
	LastSuccess      *prometheus.GaugeVec     // unix time of the last successful fetch, by account
	CredentialsBad   *prometheus.GaugeVec     // 1 while an account's credentials are broken
	QueueLength      *prometheus.GaugeVec     // batches waiting between reading and deciding
	ActionsPending   *prometheus.GaugeVec     // decisions whose actions are not carried out yet
	Paused           prometheus.Gauge         // 1 while automatic actions are paused
	EvaluateDuration prometheus.Histogram     // time spent in the rule engine per comment
	// Citizens' appeals (appeals.go).
	AppealsOpen       *prometheus.GaugeVec // appeals waiting for the page's answer, by account
	AppealsOverdue    *prometheus.GaugeVec // of them, past their deadline, by account
	AppealFirstAnswer prometheus.Histogram // appeal opened → the page's first answer
}

// NewMetrics creates the collectors and registers them (nil reg: not
// registered, for tests that do not look at them).
func NewMetrics(reg prometheus.Registerer, version string) *Metrics {
	const ns = "strazh"
	m := &Metrics{
		Processed: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "comments_processed_total",
			Help: "Comments decided, by account and verdict (allow, review, delete, ban)."}, []string{"account", "verdict"}),
		Actions: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "actions_total",
			Help: "Actions on the networks by account, type (delete, ban, unban, restore) and outcome (done, failed, retry, skipped)."},
			[]string{"account", "action", "outcome"}),
		RuleHits: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "rule_hits_total",
			Help: "Times each rule fired."}, []string{"rule"}),
		ReviewBacklog: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "review_backlog",
			Help: "Comments waiting for a human decision, by account."}, []string{"account"}),
		ReviewOldest: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "review_oldest_age_seconds",
			Help: "Age of the oldest pending review in seconds (0 when none), by account."}, []string{"account"}),
		DecisionLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "decision_latency_seconds",
			Help:    "Time from a comment's creation to its automatic action being carried out.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}}, []string{"account"}),
		ConnectorErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "connector_errors_total",
			Help: "Connector errors by account and class (retry, credentials, item, unsupported, not_connected)."}, []string{"account", "class"}),
		LastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "connector_last_success_timestamp_seconds",
			Help: "Unix time of the connector's last successful fetch, by account."}, []string{"account"}),
		CredentialsBad: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "credentials_broken",
			Help: "1 while the account's credentials are broken and actions are held."}, []string{"account"}),
		QueueLength: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "queue_length",
			Help: "Fetched batches waiting to be decided, by account."}, []string{"account"}),
		ActionsPending: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "actions_pending",
			Help: "Decisions whose actions wait to be carried out (rate limits, broken credentials), by account."}, []string{"account"}),
		Paused: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "paused",
			Help: "1 while automatic actions are paused by a moderator."}),
		EvaluateDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "evaluate_duration_seconds",
			Help:    "Time the rule engine takes per comment.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 4, 10)}),
		AppealsOpen: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "appeals_open",
			Help: "Citizens' appeals waiting for the page's answer, by account."}, []string{"account"}),
		AppealsOverdue: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "appeals_overdue",
			Help: "Citizens' appeals still unanswered past their deadline (appeals.answer_within), by account."}, []string{"account"}),
		AppealFirstAnswer: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "appeal_first_answer_seconds",
			Help:    "Time from a citizen's appeal to the page's first public answer.",
			Buckets: []float64{300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 24 * 3600, 48 * 3600, 72 * 3600, 7 * 24 * 3600}}),
	}
	if reg != nil {
		build := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "build_info",
			Help: "Build information; always 1."}, []string{"version", "goversion"})
		build.WithLabelValues(version, runtime.Version()).Set(1)
		reg.MustRegister(m.Processed, m.Actions, m.RuleHits, m.ReviewBacklog, m.ReviewOldest, m.DecisionLatency,
			m.ConnectorErrors, m.LastSuccess, m.CredentialsBad, m.QueueLength, m.ActionsPending, m.Paused, m.EvaluateDuration,
			m.AppealsOpen, m.AppealsOverdue, m.AppealFirstAnswer, build)
	}
	return m
}

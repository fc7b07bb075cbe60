package main

import (
	"sort"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/strazh/strazh/moderation/pipeline"
)

// metaMetrics exports what the Facebook and Instagram connectors report:
// the share of Meta's rate limits their token used (they pause on their
// own before 100 %; a value that stays high means the poll is too
// frequent for the page) and the webhook listener's deliveries by result
// (refused: a bad or missing signature). Connectors stay metric-free:
// they only answer the two methods below.
type metaMetrics struct{ accounts []pipeline.Account }

type metaUsage interface{ Usage() map[string]float64 }

type metaWebhook interface {
	WebhookStats() (listen string, counts map[string]uint64)
}

var (
	metaUsageDesc = prometheus.NewDesc("strazh_meta_usage_percent",
		"Share of a Meta rate limit (kind: app, or a business use case type such as pages, instagram) the account's token used, from the last X-App-Usage / X-Business-Use-Case-Usage header.",
		[]string{"account", "kind"}, nil)
	metaWebhookDesc = prometheus.NewDesc("strazh_meta_webhook_deliveries_total",
		"Webhook changes received by a Meta listener, by result: accepted, duplicate, refused (bad or missing signature, or too large; never parsed), unrouted (a page or account not configured), failed (unreadable, or not stored: Meta retries).",
		[]string{"listen", "result"}, nil)
)

func newMetaMetrics(accounts []pipeline.Account) *metaMetrics {
	return &metaMetrics{accounts: accounts}
}

func (m *metaMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- metaUsageDesc
	ch <- metaWebhookDesc
}

func (m *metaMetrics) Collect(ch chan<- prometheus.Metric) {
	listeners := map[string]bool{}
	for _, a := range m.accounts {
		if u, ok := a.Conn.(metaUsage); ok {
			for kind, v := range u.Usage() {
				ch <- prometheus.MustNewConstMetric(metaUsageDesc, prometheus.GaugeValue, v, a.Name, kind)
			}
		}
		w, ok := a.Conn.(metaWebhook)
		if !ok {
			continue
		}
		listen, counts := w.WebhookStats()
		if listen == "" || listeners[listen] {
			continue // accounts on one listener share its counts
		}
		listeners[listen] = true
		results := make([]string, 0, len(counts))
		for r := range counts {
			results = append(results, r)
		}
		sort.Strings(results)
		for _, r := range results {
			ch <- prometheus.MustNewConstMetric(metaWebhookDesc, prometheus.CounterValue, float64(counts[r]), listen, r)
		}
	}
}

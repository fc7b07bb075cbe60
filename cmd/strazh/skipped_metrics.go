package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/strazh/strazh/moderation/pipeline"
)

// skippedMetrics exports how many times the polling connectors (OK, MAX,
// Facebook, Instagram) passed over a post whose comments the network
// refused or answered unreadably, reading the other posts. Each logs it
// at Warn; the count lets an alert see a post skipped cycle after cycle,
// whose comments are then not moderated. Connectors stay metric-free:
// they only answer PostsSkipped.
type skippedMetrics struct{ accounts []pipeline.Account }

type postSkipper interface{ PostsSkipped() uint64 }

var postsSkippedDesc = prometheus.NewDesc("strazh_connector_posts_skipped_total",
	"Posts (OK topics, MAX posts, Facebook posts, Instagram media) whose comments were passed over in a poll cycle because the network refused them or answered in a shape that cannot be read; the other posts were read. Comments under a post skipped every cycle are not moderated.",
	[]string{"account"}, nil)

func newSkippedMetrics(accounts []pipeline.Account) *skippedMetrics {
	return &skippedMetrics{accounts: accounts}
}

func (m *skippedMetrics) Describe(ch chan<- *prometheus.Desc) { ch <- postsSkippedDesc }

func (m *skippedMetrics) Collect(ch chan<- prometheus.Metric) {
	for _, a := range m.accounts {
		if s, ok := a.Conn.(postSkipper); ok {
			ch <- prometheus.MustNewConstMetric(postsSkippedDesc, prometheus.CounterValue, float64(s.PostsSkipped()), a.Name)
		}
	}
}

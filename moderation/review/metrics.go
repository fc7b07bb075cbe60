package review

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/strazh/strazh/moderation/review/cardstore"
)

// Metric names are a contract (deploy/prometheus/alerts.yml uses them).
const (
	metricUnsent  = "strazh_review_cards_unsent_total"
	metricWaiting = "strazh_review_cards_waiting"
	metricOldest  = "strazh_review_cards_oldest_waiting_seconds"
	// Per review channel; issue 14 adds "max" and "web" beside "telegram".
	metricChannelUp  = "strazh_review_channel_up"
	metricSendErrors = "strazh_review_send_errors_total"
)

// Channel labels of strazh_review_channel_up and the prefixes of their
// moderators' audit identities (telegram:77).
const (
	ChannelTelegram = "telegram"
	ChannelMAX      = "max"
	ChannelWeb      = "web"
)

// channelNames are the channels as cards name them.
var channelNames = map[string]string{ChannelTelegram: "Telegram", ChannelMAX: "MAX", ChannelWeb: "web"}

// metrics are the reviewer's own: Prometheus stays in this adapter.
type metrics struct {
	unsent     prometheus.Counter
	up         *prometheus.GaugeVec
	sendErrors *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, t *Telegram) *metrics {
	m := &metrics{unsent: prometheus.NewCounter(prometheus.CounterOpts{Name: metricUnsent,
		Help: "Review cards and notices Telegram refused even in the plain form: nobody sees them in the chat."}),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: metricChannelUp,
			Help: "1 while the review channel works, 0 while its last send or receive failed (see /readyz for why)."},
			[]string{"channel"}),
		sendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricSendErrors,
			Help: "Failed sends to the review channel by class (rate_limit, network, unauthorized, forbidden, chat_not_found, bad_request, conflict, server)."},
			[]string{"channel", "class"}),
	}
	m.up.WithLabelValues(ChannelTelegram).Set(1)
	for _, c := range sendErrorClasses {
		m.sendErrors.WithLabelValues(ChannelTelegram, c)
	}
	if reg != nil {
		reg.MustRegister(m.unsent, m.up, m.sendErrors, &outboxCollector{t: t})
	}
	return m
}

var (
	waitingDesc = prometheus.NewDesc(metricWaiting,
		"Review cards queued for the chat and not sent yet (Telegram down, chat not found, bot removed).", nil, nil)
	oldestDesc = prometheus.NewDesc(metricOldest,
		"How long the oldest review card not sent yet has waited (0: none waits).", nil, nil)
)

// outboxCollector reads the outbox at scrape time, so the gauges are right
// even while the sender sleeps in a back-off.
type outboxCollector struct{ t *Telegram }

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- waitingDesc
	ch <- oldestDesc
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	items, err := c.t.store.Outbox()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(waitingDesc, err)
		return
	}
	n, oldest := 0, 0.0
	now := c.t.now()
	for _, it := range items {
		if it.Prio != cardstore.PrioReview || it.Op != cardstore.OpSend {
			continue
		}
		n++
		oldest = max(oldest, now.Sub(it.Created).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(waitingDesc, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, oldest)
}

package review

import (
	"errors"

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

// metrics are the reviewer's own: Prometheus stays in this adapter. Two
// reviewers on one registry (Telegram and MAX) share the vectors, each
// writing its own channel label.
type metrics struct {
	unsent     *prometheus.CounterVec
	up         *prometheus.GaugeVec
	sendErrors *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, t *Reviewer) *metrics {
	ch := t.tr.channel()
	m := &metrics{unsent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricUnsent,
		Help: "Review cards and notices the messenger refused even in the plain form: nobody sees them in the chat."},
		[]string{"channel"}),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: metricChannelUp,
			Help: "1 while the review channel works, 0 while its last send or receive failed (see /readyz for why)."},
			[]string{"channel"}),
		sendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricSendErrors,
			Help: "Failed sends to the review channel by class (rate_limit, network, unauthorized, forbidden, chat_not_found, bad_request, conflict, server)."},
			[]string{"channel", "class"}),
	}
	if reg != nil {
		m.unsent = shared(reg, m.unsent)
		m.up = shared(reg, m.up)
		m.sendErrors = shared(reg, m.sendErrors)
		reg.MustRegister(&outboxCollector{t: t, waiting: channelDesc(waitingDesc, ch), oldest: channelDesc(oldestDesc, ch)})
	}
	m.unsent.WithLabelValues(ch)
	m.up.WithLabelValues(ch).Set(1)
	for _, c := range sendErrorClasses {
		m.sendErrors.WithLabelValues(ch, c)
	}
	return m
}

// shared registers c, or returns the collector already registered under
// its name by another reviewer.
func shared[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if prev, ok := are.ExistingCollector.(C); ok {
			return prev
		}
	}
	if err != nil {
		reg.MustRegister(c) // a programming error, as before: caught by any test
	}
	return c
}

type descSpec struct{ name, help string }

var (
	waitingDesc = descSpec{metricWaiting,
		"Review cards queued for the chat and not sent yet (the messenger down, chat not found, bot removed)."}
	oldestDesc = descSpec{metricOldest,
		"How long the oldest review card not sent yet has waited (0: none waits)."}
)

// channelDesc is the gauge of one reviewer: the channel is a constant
// label, so two reviewers' collectors register side by side.
func channelDesc(d descSpec, channel string) *prometheus.Desc {
	return prometheus.NewDesc(d.name, d.help, nil, prometheus.Labels{"channel": channel})
}

// outboxCollector reads the outbox at scrape time, so the gauges are right
// even while the sender sleeps in a back-off.
type outboxCollector struct {
	t               *Reviewer
	waiting, oldest *prometheus.Desc
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.waiting
	ch <- c.oldest
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	items, err := c.t.store.Outbox()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.waiting, err)
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
	ch <- prometheus.MustNewConstMetric(c.waiting, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, oldest)
}

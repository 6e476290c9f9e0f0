package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// The process's metrics, served on GET /metrics in the Prometheus text format.
var (
	registry = prometheus.NewRegistry()

	turns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "deskbot_turns_total",
		Help: "Inbound events handled by the engine, by outcome: applied, duplicate, error.",
	}, []string{"outcome"})
	turnSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "deskbot_turn_seconds",
		Help:    "Time to handle one inbound event: load, decide, commit.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	})
	deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "deskbot_notice_deliveries_total",
		Help: "Attempts to deliver notices (to the desk, and messages to clinics), by outcome: delivered, retried, limited (a rate limit waited out), waiting (behind an earlier notice of its thread), parked (dead letter).",
	}, []string{"outcome"})
)

// outboxMetrics is the store whose outbox /metrics reports; serve sets it.
var outboxMetrics atomic.Pointer[Store]

// outboxCollector reports, at each scrape, what `deskbot outbox list` shows: the notices
// waiting in the outbox and those parked.
type outboxCollector struct{ pending, parked *prometheus.Desc }

func newOutboxCollector() outboxCollector {
	return outboxCollector{
		pending: prometheus.NewDesc("deskbot_outbox_waiting", "Notices waiting in the outbox for delivery or a retry (deskbot outbox list).", nil, nil),
		parked:  prometheus.NewDesc("deskbot_outbox_parked", "Notices parked in the dead letters, not delivered (deskbot outbox list).", nil, nil),
	}
}

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.pending; ch <- c.parked }

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	p := outboxMetrics.Load()
	if p == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if n, err := (*p).Pending(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(n))
	}
	if d, err := (*p).DeadLetters(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(c.parked, prometheus.GaugeValue, float64(len(d)))
	}
}

func init() {
	registry.MustRegister(newOutboxCollector())
	registry.MustRegister(turns, turnSeconds, deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every outcome is exported from the start, at 0: an alert on notices parked in the
	// dead letters (outcome="parked") must not wait for the first one to exist.
	for _, o := range []string{"delivered", "retried", "limited", "waiting", "parked"} {
		deliveries.WithLabelValues(o)
	}
}

func observeTurn(outcome string, took time.Duration) {
	turns.WithLabelValues(outcome).Inc()
	turnSeconds.Observe(took.Seconds())
}

func observeDelivery(outcome string) {
	deliveries.WithLabelValues(outcome).Inc()
}

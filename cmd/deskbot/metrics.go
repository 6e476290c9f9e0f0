package main

import (
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
		Help: "Attempts to deliver notices to the desk, by outcome: delivered, retried, parked (dead letter).",
	}, []string{"outcome"})
)

func init() {
	registry.MustRegister(turns, turnSeconds, deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every outcome is exported from the start, at 0: an alert on notices parked in the
	// dead letters (outcome="parked") must not wait for the first one to exist.
	for _, o := range []string{"delivered", "retried", "parked"} {
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

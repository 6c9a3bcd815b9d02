package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the request metrics the handler records.
type Metrics struct {
	actions  map[string]bool
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics registers the request metrics on reg. actions are the action
// names kept as labels; any other action is counted as "other".
func NewMetrics(reg prometheus.Registerer, actions []string) *Metrics {
	m := &Metrics{
		actions: map[string]bool{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stsd_requests_total",
			Help: "API requests by action and result code (OK or the AWS error code).",
		}, []string{"action", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stsd_request_duration_seconds",
			Help:    "API request latency by action.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"action"}),
	}
	for _, a := range actions {
		m.actions[a] = true
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *Metrics) observe(action, code string, d time.Duration) {
	if !m.actions[action] {
		action = "other" // unknown actions must not grow label cardinality
	}
	m.requests.WithLabelValues(action, code).Inc()
	m.latency.WithLabelValues(action).Observe(d.Seconds())
}

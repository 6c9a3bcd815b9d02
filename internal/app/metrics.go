package app

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stsd/stsd/internal/oidc"
)

// oidcMetrics implements oidc.Observer with Prometheus counters.
type oidcMetrics struct {
	fetches  *prometheus.CounterVec
	duration *prometheus.HistogramVec
	lookups  *prometheus.CounterVec
}

func newOIDCMetrics(reg prometheus.Registerer) *oidcMetrics {
	m := &oidcMetrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stsd_jwks_fetches_total",
			Help: "OIDC discovery/JWKS refreshes by provider issuer and outcome.",
		}, []string{"issuer", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stsd_jwks_fetch_duration_seconds",
			Help:    "Duration of OIDC key-set refreshes by issuer.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 11),
		}, []string{"issuer"}),
		lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stsd_key_cache_lookups_total",
			Help: "Token signing-key lookups by issuer and result (hit or miss).",
		}, []string{"issuer", "result"}),
	}
	reg.MustRegister(m.fetches, m.duration, m.lookups)
	return m
}

func (m *oidcMetrics) JWKSFetch(issuer string, outcome oidc.FetchOutcome, took time.Duration) {
	m.fetches.WithLabelValues(issuer, string(outcome)).Inc()
	m.duration.WithLabelValues(issuer).Observe(took.Seconds())
}

func (m *oidcMetrics) KeyLookup(issuer string, hit bool) {
	result := "miss"
	if hit {
		result = "hit"
	}
	m.lookups.WithLabelValues(issuer, result).Inc()
}

package console

import (
	"math"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// issuingActions are the STS actions that mint credentials.
var issuingActions = []string{"AssumeRoleWithWebIdentity", "AssumeRole", "GetSessionToken", "GetFederationToken"}

// latency is one action's request latency from the server's histogram.
type latency struct {
	Action        string
	Count         uint64
	Mean          time.Duration
	P50, P95, P99 time.Duration
}

// issuanceLatency reads stsd_request_duration_seconds for the issuing
// actions from the node's registry.
func issuanceLatency(g prometheus.Gatherer) []latency {
	if g == nil {
		return nil
	}
	families, err := g.Gather()
	if err != nil {
		return nil
	}
	byAction := map[string]*dto.Histogram{}
	for _, f := range families {
		if f.GetName() != "stsd_request_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "action" {
					byAction[l.GetValue()] = m.GetHistogram()
				}
			}
		}
	}
	var out []latency
	for _, a := range issuingActions {
		h := byAction[a]
		if h == nil || h.GetSampleCount() == 0 {
			continue
		}
		n := h.GetSampleCount()
		out = append(out, latency{
			Action: a, Count: n, Mean: seconds(h.GetSampleSum() / float64(n)),
			P50: seconds(quantile(h, .5)), P95: seconds(quantile(h, .95)), P99: seconds(quantile(h, .99)),
		})
	}
	return out
}

func seconds(s float64) time.Duration {
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return 0
	}
	return time.Duration(s * float64(time.Second)).Round(time.Microsecond)
}

// quantile estimates a quantile from cumulative buckets by linear
// interpolation inside the bucket that holds it (as PromQL's
// histogram_quantile does); past the last bound it is that bound.
func quantile(h *dto.Histogram, q float64) float64 {
	buckets := h.GetBucket()
	sort.Slice(buckets, func(i, j int) bool { return buckets[i].GetUpperBound() < buckets[j].GetUpperBound() })
	rank := q * float64(h.GetSampleCount())
	lower, below := 0.0, 0.0
	for _, b := range buckets {
		count := float64(b.GetCumulativeCount())
		if count >= rank {
			in := count - below
			if in == 0 {
				return b.GetUpperBound()
			}
			return lower + (b.GetUpperBound()-lower)*(rank-below)/in
		}
		lower, below = b.GetUpperBound(), count
	}
	return lower
}

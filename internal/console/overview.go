package console

import (
	"net/http"
	"sort"
)

// overviewMinutes is how many minutes of traffic the Overview shows.
const overviewMinutes = 15

type reasonCount struct {
	Reason string
	Count  int
}

type overviewData struct {
	// TrafficHidden names the action the caller lacks to see traffic.
	TrafficHidden string
	Traffic       []minuteRow
	MaxPerMinute  int
	Reasons       []reasonCount
	Latency       []latency
	// ProvidersHidden names the action the caller lacks to see providers.
	ProvidersHidden string
	Providers       []providerRow
}

// overview shows traffic (from the audit feed), issuance latency (from the
// node's metrics) and the key sets of every provider (from the verifier).
func (c *Console) overview(q *request) {
	var d overviewData
	if dec := c.decide(q, lookupEvents, "*", nil); dec.Allowed {
		d.Traffic = c.deps.Activity.Traffic(overviewMinutes)
		reasons := map[string]int{}
		for _, m := range c.deps.Activity.Traffic(trafficMinutes) {
			for r, n := range m.Reasons {
				reasons[r] += n
			}
		}
		for _, m := range d.Traffic {
			d.MaxPerMinute = max(d.MaxPerMinute, m.Requests)
		}
		for r, n := range reasons {
			d.Reasons = append(d.Reasons, reasonCount{r, n})
		}
		sort.Slice(d.Reasons, func(i, j int) bool {
			if d.Reasons[i].Count != d.Reasons[j].Count {
				return d.Reasons[i].Count > d.Reasons[j].Count
			}
			return d.Reasons[i].Reason < d.Reasons[j].Reason
		})
		d.Latency = issuanceLatency(c.deps.Metrics)
	} else {
		d.TrafficHidden = dec.Action
	}
	if dec := c.decide(q, "iam:ListOpenIDConnectProviders", "*", nil); dec.Allowed {
		for _, p := range c.deps.Snapshot().Providers(c.account(q)) {
			row := providerRow{View: p, Visible: c.decide(q, "iam:GetOpenIDConnectProvider", p.ARN, p.Provider.Tags).Allowed}
			if row.Visible {
				row.Keys = c.deps.KeySets(p.Provider.URL)
			}
			d.Providers = append(d.Providers, row)
		}
	} else {
		d.ProvidersHidden = dec.Action
	}
	c.page(q, http.StatusOK, "overview", "overview", "Overview", d, "")
}

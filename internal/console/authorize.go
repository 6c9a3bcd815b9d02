package console

import (
	"net"
	"net/http"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
)

// signingRegion is the region IAM decisions are made for, as the API's.
const signingRegion = "us-east-1"

// decision is the engine's answer for one read the console makes.
type decision struct {
	Action   string
	Resource string
	Allowed  bool
	// Message is the API's AccessDenied text for a denial.
	Message string
}

// decide asks the engine whether the caller may perform action on the
// resource, with the resource's tags as aws:ResourceTag/* and
// iam:ResourceTag/* — what the IAM API's dispatcher asks for the same call.
func (c *Console) decide(q *request, action, resource string, tags []iam.Tag) decision {
	check := authz.Check{Action: action, Resource: resource}
	for _, t := range tags {
		check.Keys = append(check.Keys,
			authz.Key{Name: "aws:ResourceTag/" + t.Key, Values: []string{t.Value}},
			authz.Key{Name: "iam:ResourceTag/" + t.Key, Values: []string{t.Value}})
	}
	res := c.deps.Engine.Decide(authz.Request{
		Caller: q.caller,
		Checks: []authz.Check{check},
		Env: authz.Env{Time: c.deps.Now(), SourceIP: clientIP(q.r), SecureTransport: q.r.TLS != nil,
			UserAgent: q.r.UserAgent(), RequestedRegion: signingRegion},
	})
	d := decision{Action: action, Resource: resource, Allowed: res.Allowed}
	if !res.Allowed {
		d.Message = authz.DenialMessage(q.caller.ARN, &res.Checks[0])
	}
	return d
}

// require decides and, on a denial, renders the 403 page; it reports
// whether the handler may go on.
func (c *Console) require(q *request, action, resource string, tags []iam.Tag) bool {
	d := c.decide(q, action, resource, tags)
	if !d.Allowed {
		c.renderError(q, http.StatusForbidden, d.Message)
	}
	return d.Allowed
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

package audit

import (
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/policy"
)

// Complete fills in the outcome of a call's event: on error, the AWS code
// and message the client saw (and no response elements); the decision,
// whose reason defaults to the error's internal reason ("ok" on success)
// and whose detail defaults to the internal cause.
func Complete(ev *Event, d Decision, err error) {
	if err != nil {
		e := awserr.As(err)
		ev.ErrorCode, ev.ErrorMessage = e.Code, e.Message
		ev.ResponseElements = nil
		if d.Reason == "" {
			d.Reason = e.Reason
		}
		if e.Cause != nil && d.Detail == "" {
			d.Detail = e.Cause.Error()
		}
	} else if d.Reason == "" {
		d.Reason = "ok"
	}
	ev.Decision = &d
}

// PolicyDecision is the audit record of a policy decision on action: the
// effect, the first statement that matched, the first condition that
// failed and the context keys the policies named but the request lacked.
func PolicyDecision(action string, d *policy.Decision) Decision {
	out := Decision{Effect: d.Effect.String(), Detail: action, MissingKeys: append([]string(nil), d.MissingKeys...)}
	if len(d.Matched) > 0 {
		out.MatchedStatement = d.Matched[0].String()
	}
	if len(d.Failed) > 0 {
		out.FailedCondition = d.Failed[0].String()
	}
	return out
}

package audit

import (
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/policy"
)

// Finish completes a call's event and queues it: the last step of every
// dispatcher, so that every call records exactly one event. On error the
// event gets the AWS code and message the client saw (and no response
// elements); its decision record gets a reason that defaults to the
// error's internal reason ("ok" on success) and a detail that defaults to
// the internal cause. The call's answer does not depend on the audit log:
// a Record that fails (only after Close, while the node shuts down) is
// logged to Options.Logger with the event's request id, not returned. A
// nil Logger only completes the event.
func (l *Logger) Finish(ev *Event, d Decision, err error) {
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
	if l == nil {
		return
	}
	if rerr := l.Record(ev); rerr != nil && l.opts.Logger != nil {
		l.opts.Logger.Error("audit record failed", "request_id", ev.RequestID, "error", rerr)
	}
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

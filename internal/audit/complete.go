package audit

import "github.com/stsd/stsd/internal/awserr"

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

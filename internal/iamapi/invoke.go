package iamapi

import (
	"context"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
)

// Invoke runs an IAM action for a caller authenticated by other means than
// a SigV4 signature — the web console, whose session stands for an access
// key verified at sign-in. Everything after authentication is the
// dispatcher's, unchanged: parameter validation, the resource finder, the
// engine's decision with the same action and condition keys, the action
// itself, the wait for the snapshot and exactly one audit event. call needs
// Action, Params, RequestID, Received and the request facts (SourceIP,
// UserAgent, SecureTransport); its HTTP request and body are not read.
func (s *Service) Invoke(ctx context.Context, caller *authn.Caller, call *awsquery.Call) (*awsquery.Response, error) {
	a, ok := s.actions[call.Action]
	if !ok {
		return nil, awserr.InvalidAction(call.Action, call.Version)
	}
	if caller == nil {
		return nil, awserr.InternalFailure(errNoCaller)
	}
	x := &exchange{call: call, params: call.Params, caller: caller, event: call.AuditEvent("iam.amazonaws.com", a.readOnly)}
	resp, err := s.run(ctx, a, x)
	if err != nil {
		err = toAWS(err)
	}
	s.deps.Audit.Finish(x.event, x.decision, err)
	return resp, err
}

type invokeError string

func (e invokeError) Error() string { return string(e) }

const errNoCaller = invokeError("iamapi: Invoke without a caller")

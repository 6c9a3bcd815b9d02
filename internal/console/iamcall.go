package console

import (
	"encoding/json"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iamapi"
)

// consoleUserAgent is the user agent of the IAM calls the console makes
// (the audit event's userAgent and aws:UserAgent).
const consoleUserAgent = "stsd-console"

// callIAM runs an IAM action for the signed-in caller through the API's
// dispatcher — validation, authorization, the action and its audit event
// are the API's — and decodes the action's result into out (nil: ignore
// it). The error is the API's, ready to show.
func (c *Console) callIAM(q *request, action string, params map[string]string, out any) *awserr.Error {
	params["Action"], params["Version"] = action, iamapi.Version
	call := &awsquery.Call{
		Action: action, Version: iamapi.Version, Params: awsquery.NewParams(params),
		RequestID: awsquery.NewUUID(), Received: c.deps.Now(),
		SourceIP: clientIP(q.r), UserAgent: consoleUserAgent, SecureTransport: q.r.TLS != nil,
	}
	resp, err := c.deps.IAM.Invoke(q.r.Context(), q.caller, call)
	if err != nil {
		return awserr.As(err)
	}
	if out == nil || resp == nil || resp.NoResult {
		return nil
	}
	var env map[string]map[string]json.RawMessage
	if err := json.Unmarshal(resp.RenderJSON(call.RequestID), &env); err != nil {
		return awserr.InternalFailure(err)
	}
	if err := json.Unmarshal(env[action+"Response"][action+"Result"], out); err != nil {
		return awserr.InternalFailure(err)
	}
	return nil
}

// apiError renders an API error as the CLI would print it.
func apiError(e *awserr.Error) string {
	if e == nil {
		return ""
	}
	return e.Code + ": " + e.Message
}

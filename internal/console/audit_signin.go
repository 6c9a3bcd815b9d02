package console

import (
	"net/http"
	"net/url"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// recordSignin writes CloudTrail's ConsoleLogin event for a sign-in: who
// (the access key id, never the secret) and whether it succeeded, with the
// internal reason of a failure.
func (c *Console) recordSignin(r *http.Request, keyID string, caller *authn.Caller, err error) {
	if c.deps.Audit == nil {
		return
	}
	ev := &audit.Event{
		EventVersion: "1.08", EventTime: c.deps.Now().UTC(), EventSource: "signin.amazonaws.com",
		EventName: "ConsoleLogin", EventType: "AwsConsoleSignIn", SourceIPAddress: clientIP(r),
		UserAgent: truncate(r.UserAgent(), audit.MaxUserAgentBytes), RequestID: awsquery.NewUUID(), EventID: awsquery.NewUUID(),
		RecipientAccountID: c.deps.Account,
	}
	result := "Success"
	var d audit.Decision
	if err != nil {
		result = "Failure"
		ev.UserIdentity = &audit.UserIdentity{Type: "Unknown", AccessKeyID: truncate(keyID, 128)}
		e := awserr.As(err)
		ev.ErrorMessage = "Failed authentication"
		d = audit.Decision{Reason: e.Reason}
	} else {
		ev.UserIdentity = caller.AuditIdentity()
		d = audit.Decision{Reason: "ok"}
	}
	ev.ResponseElements = map[string]string{"ConsoleLogin": result}
	ev.Decision = &d
	if rerr := c.deps.Audit.Record(ev); rerr != nil {
		c.deps.Logger.Error("audit record failed", "event", "ConsoleLogin", "error", rerr)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

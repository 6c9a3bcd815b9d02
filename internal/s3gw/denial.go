package s3gw

import (
	"github.com/stsd/stsd/internal/authz"
)

// denialMessage is S3's AccessDenied text for a same-account request:
// "User: <user-arn> is not authorized to perform: <action> on resource:
// "<resource-arn>"" and the reason (authz.DenialReason) — S3 User Guide,
// "Troubleshoot access denied (403 Forbidden) errors", access denied
// message examples: the resource is quoted and, unlike IAM's texts, an
// implicit deny names the layer that allowed nothing.
func denialMessage(callerARN string, cr *authz.CheckResult) string {
	return "User: " + callerARN + " is not authorized to perform: " + cr.Check.Action +
		" on resource: \"" + cr.Check.Resource + "\"" + authz.DenialReason(cr.Check.Action, &cr.Decision)
}

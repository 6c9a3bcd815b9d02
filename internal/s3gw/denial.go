package s3gw

import (
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/policy"
)

// denialMessage is S3's AccessDenied text for a same-account request:
// "User: <user-arn> is not authorized to perform: <action> on resource:
// "<resource-arn>" because <context>" (S3 User Guide, "Troubleshoot access
// denied (403 Forbidden) errors", access denied message examples; the
// contexts as the IAM User Guide, "Troubleshoot access denied error
// messages", words them):
//   - an explicit deny: "with an explicit deny in a(n) identity-based
//     policy / resource-based policy / session policy / permissions
//     boundary" (no "because");
//   - an implicit deny, naming the first layer that allowed nothing:
//     "because no identity-based policy allows the <action> action", then
//     the permissions boundary, then the session policy.
func denialMessage(callerARN string, cr *authz.CheckResult) string {
	msg := "User: " + callerARN + " is not authorized to perform: " + cr.Check.Action +
		" on resource: \"" + cr.Check.Resource + "\""
	d := &cr.Decision
	if d.Effect == policy.ExplicitDeny {
		where := "an identity-based policy"
		if len(d.Matched) > 0 {
			switch d.Matched[0].Layer {
			case policy.LayerResource:
				where = "a resource-based policy"
			case policy.LayerSession:
				where = "a session policy"
			case policy.LayerBoundary:
				where = "a permissions boundary"
			}
		}
		return msg + " with an explicit deny in " + where
	}
	layer := "identity-based policy"
	switch {
	case d.IdentityAllowed && !d.BoundaryAllowed:
		layer = "permissions boundary"
	case d.IdentityAllowed && !d.SessionAllowed:
		layer = "session policy"
	}
	return msg + " because no " + layer + " allows the " + cr.Check.Action + " action"
}

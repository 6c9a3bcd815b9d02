package authz

import "github.com/stsd/stsd/internal/policy"

// DenialMessage is the text of AWS's AccessDenied for a denied check:
// "User: <caller ARN> is not authorized to perform: <action> on resource:
// <resource>", followed for an explicit deny by where the deny was
// (" with an explicit deny in an identity-based policy", "… in a
// resource-based policy", "… in a session policy", "… in a permissions
// boundary"), as AWS words its access-denied messages (IAM User Guide,
// "Troubleshoot access denied error messages").
func DenialMessage(callerARN string, cr *CheckResult) string {
	msg := "User: " + callerARN + " is not authorized to perform: " + cr.Check.Action +
		" on resource: " + resourceOrStar(cr.Check.Resource)
	if cr.Decision.Effect != policy.ExplicitDeny {
		return msg
	}
	where := "an identity-based policy"
	if len(cr.Decision.Matched) > 0 {
		switch cr.Decision.Matched[0].Layer {
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

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
	return msg + DenialReason(cr.Check.Action, &cr.Decision)
}

// DenialReason is the end of AWS's access-denied text that says why
// (IAM User Guide, "Troubleshoot access denied error messages"): for an
// explicit deny " with an explicit deny in " an identity-based policy, a
// resource-based policy, a session policy or a permissions boundary (where
// the first matching deny was); for an implicit deny " because no "
// identity-based policy, permissions boundary or session policy (the first
// layer that allowed nothing) " allows the <action> action".
func DenialReason(action string, d *policy.Decision) string {
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
		return " with an explicit deny in " + where
	}
	layer := "identity-based policy"
	switch {
	case !d.IdentityAllowed:
	case !d.BoundaryAllowed:
		layer = "permissions boundary"
	case !d.SessionAllowed:
		layer = "session policy"
	}
	return " because no " + layer + " allows the " + action + " action"
}

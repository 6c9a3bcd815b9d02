package authz

import (
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// policySet gathers the caller's policies from the snapshot. A policy that
// does not parse or no longer exists grants nothing (fail closed).
func policySet(snap *iam.Snapshot, c *authn.Caller) policy.Set {
	var set policy.Set
	switch c.Kind {
	case authn.KindUser:
		u := c.User
		if cur, ok := snap.UserByName(c.Account, u.User.Name); ok {
			u = cur // the user's policies as of now, not as of authentication
		}
		set.Identity = append(set.Identity, u.Inline...)
		set.Identity = append(set.Identity, managed(snap, u.User.ManagedPolicyARNs)...)
		set.Boundary = boundary(snap, u.User.PermissionsBoundaryARN)
	case authn.KindAssumedRole:
		sess := c.Session
		role, ok := snap.RoleByName(c.Account, sess.RoleName)
		if !ok || role.Role.RoleID != sess.RoleID {
			return set // the role is gone (or recreated): nothing is allowed
		}
		set.Identity = append(set.Identity, role.Inline...)
		set.Identity = append(set.Identity, managed(snap, role.Role.ManagedPolicyARNs)...)
		set.Boundary = boundary(snap, role.Role.PermissionsBoundaryARN)
		set.Session = sessionPolicies(snap, sess.Policy, sess.PolicyARNs)
	}
	return set
}

// managed resolves attached managed policies to their parsed default
// versions.
func managed(snap *iam.Snapshot, arns []string) []policy.Named {
	var out []policy.Named
	for _, arn := range arns {
		if v, ok := snap.ManagedPolicy(arn); ok && v.Document != nil {
			out = append(out, policy.Named{Name: arn, Policy: v.Document})
		}
	}
	return out
}

// boundary is the permissions boundary layer. A boundary that is set but
// cannot be resolved allows nothing.
func boundary(snap *iam.Snapshot, arn string) []policy.Named {
	if arn == "" {
		return nil
	}
	if v, ok := snap.ManagedPolicy(arn); ok && v.Document != nil {
		return []policy.Named{{Name: arn, Policy: v.Document}}
	}
	return []policy.Named{{Name: arn, Policy: iam.DenyAll}}
}

// sessionPolicies is the session layer: the inline session policy and the
// managed session policies, if any were passed when the session was made.
// A managed session policy deleted since issuance grants nothing; when no
// session policy remains the layer denies everything rather than
// disappearing (a session made with session policies never becomes a
// session without them).
func sessionPolicies(snap *iam.Snapshot, inline string, arns []string) []policy.Named {
	if inline == "" && len(arns) == 0 {
		return nil
	}
	var out []policy.Named
	if inline != "" {
		p, err := policy.ParseAs([]byte(inline), policy.KindIdentity)
		if err != nil {
			p = iam.DenyAll
		}
		out = append(out, policy.Named{Name: "session-policy", Policy: p})
	}
	for _, arn := range arns {
		if v, ok := snap.ManagedPolicy(arn); ok && v.Document != nil {
			out = append(out, policy.Named{Name: arn, Policy: v.Document})
		}
	}
	if len(out) == 0 {
		out = append(out, policy.Named{Name: "session-policy", Policy: iam.DenyAll})
	}
	return out
}

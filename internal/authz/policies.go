package authz

import (
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// callerState is what the live snapshot holds about the caller: its
// policies and the tags that become aws:PrincipalTag/* (the user's own,
// or the role's, which the session's tags then override).
type callerState struct {
	set  policy.Set
	tags []iam.Tag
}

// callerPolicies gathers the caller's policies and tags from the snapshot:
// a user's own inline and attached policies and those of its groups.
// A policy that does not parse or no longer exists grants nothing (fail
// closed). A user or role deleted since authentication — or deleted and
// created again under the same name, a different entity — is allowed
// nothing, not even by a resource-based policy naming it: its identity
// layer is iam.DenyAll.
func (e *Engine) callerPolicies(snap *iam.Snapshot, c *authn.Caller) callerState {
	var st callerState
	set := &st.set
	switch c.Kind {
	case authn.KindUser:
		if !userPolicies(&st, snap, c.Account, c.User.User.Name, c.User.User.UserID) {
			return st
		}
	case authn.KindFederatedUser:
		// A federated user session's permissions are the intersection of
		// the federating user's policies (and boundary) and the session
		// policies passed to GetFederationToken; without session policies
		// it has none (STS API Reference, GetFederationToken, Policy). A
		// session the root federated is limited by its session policies
		// alone ("the intersection of the root user's permissions and
		// the session policies").
		sess := c.Session
		if sess.UserName == "" {
			set.Identity = allowAllLayer
		} else if !userPolicies(&st, snap, c.Account, sess.UserName, sess.UserID) {
			return st
		}
		set.Session = e.sessionPolicies(snap, sess.Policy, sess.PolicyARNs)
		if len(set.Session) == 0 {
			// A layer that allows nothing: an implicit deny, which a
			// resource-based policy naming the federated user can still
			// overcome (GetFederationToken, "Permissions").
			set.Session = []policy.Named{{Name: "no-session-policy", Policy: &policy.Policy{}}}
		}
	case authn.KindAssumedRole:
		sess := c.Session
		role, ok := snap.RoleByName(c.Account, sess.RoleName)
		if !ok || role.Role.RoleID != sess.RoleID {
			set.Identity = denyAllLayer("role-deleted")
			return st
		}
		st.tags = role.Role.Tags
		set.Identity = append(set.Identity, role.Inline...)
		set.Identity = append(set.Identity, managed(snap, role.Role.ManagedPolicyARNs)...)
		set.Boundary = boundary(snap, role.Role.PermissionsBoundaryARN)
		set.Session = e.sessionPolicies(snap, sess.Policy, sess.PolicyARNs)
	}
	return st
}

// userPolicies sets the identity layer, boundary and tags of the IAM user
// name (whose unique id must still be id): its own inline and attached
// policies and those of its groups, which are identity policies of the
// user as in IAM (a group deleted since grants nothing). A user deleted
// since — or replaced by another of the same name — gets iam.DenyAll and
// false.
func userPolicies(st *callerState, snap *iam.Snapshot, account, name, id string) bool {
	set := &st.set
	u, ok := snap.UserByName(account, name)
	if !ok || u.User.UserID != id {
		set.Identity = denyAllLayer("user-deleted")
		return false
	}
	st.tags = u.User.Tags
	set.Identity = append(set.Identity, u.Inline...)
	set.Identity = append(set.Identity, managed(snap, u.User.ManagedPolicyARNs)...)
	for _, g := range snap.UserGroups(u.User) {
		set.Identity = append(set.Identity, g.Inline...)
		set.Identity = append(set.Identity, managed(snap, g.Group.ManagedPolicyARNs)...)
	}
	set.Boundary = boundary(snap, u.User.PermissionsBoundaryARN)
	return true
}

// allowAllLayer is the identity layer of a session the account root
// federated: the root's own permissions, which session policies narrow.
var allowAllLayer = restrictionPolicy("root", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)

// denyAllLayer is one layer holding only iam.DenyAll.
func denyAllLayer(name string) []policy.Named {
	return []policy.Named{{Name: name, Policy: iam.DenyAll}}
}

// managed resolves attached managed policies (customer managed, or the
// AWS managed policies stsd has built in) to their parsed default
// versions.
func managed(snap *iam.Snapshot, arns []string) []policy.Named {
	if len(arns) == 0 {
		return nil
	}
	out := make([]policy.Named, 0, len(arns))
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
	return denyAllLayer(arn)
}

// sessionPolicies is the session layer: the inline session policy and the
// managed session policies, if any were passed when the session was made.
// A session made with session policies never becomes a session without
// them: an inline policy that does not parse, or a managed session policy
// deleted since issuance, stands as iam.DenyAll — its Deny statements
// cannot be known any more, so none of the session's requests is allowed
// (fail closed, as for a boundary that cannot be resolved).
func (e *Engine) sessionPolicies(snap *iam.Snapshot, inline string, arns []string) []policy.Named {
	if inline == "" && len(arns) == 0 {
		return nil
	}
	out := make([]policy.Named, 0, len(arns)+1)
	if inline != "" {
		out = append(out, policy.Named{Name: "session-policy", Policy: e.parsed.get(inline)})
	}
	for _, arn := range arns {
		if v, ok := snap.ManagedPolicy(arn); ok && v.Document != nil {
			out = append(out, policy.Named{Name: arn, Policy: v.Document})
			continue
		}
		out = append(out, policy.Named{Name: arn, Policy: iam.DenyAll})
	}
	return out
}

package iamapi

import (
	"context"

	"github.com/stsd/stsd/internal/iam"
)

// The policies of roles, users and groups — inline policies, attached
// managed policies and (roles and users) the permissions boundary — are
// one implementation for every kind of identity: a holder says how to
// find, name and change a role, a user or a group, and every action below
// is written once against it.

// holder is a kind of IAM identity that holds policies.
type holder struct {
	kind       string // "role", "user", "group": as IAM's messages name it
	title      string // "Role", "User", "Group": as action names spell it
	nameParam  string // RoleName, UserName, GroupName
	nameMember string // roleName, userName, groupName
	resource   finder
	// checkName validates the name where the model uses the entity's name
	// type (attach, detach, boundary); checkExisting where it uses the
	// existing-entity type (inline policies: existingUserNameType for users).
	checkName     func(string) error
	checkExisting func(string) error
	// load reads the entity's policies; update changes them with
	// compare-and-swap (the entity is validated, quotas included) and
	// returns the revision written.
	load   func(ctx context.Context, r *iam.Repo, account, name string) (*heldPolicies, error)
	update func(ctx context.Context, r *iam.Repo, account, name string, mutate func(*heldPolicies) error) (int64, error)
}

// heldPolicies points into a role, user or group: a mutation changes the
// entity. A group has no permissions boundary (boundary is nil).
type heldPolicies struct {
	name     string // the entity's name as stored
	inline   *map[string]string
	managed  *[]string
	boundary *string
}

func groupPolicies(g *iam.Group) *heldPolicies {
	return &heldPolicies{name: g.Name, inline: &g.InlinePolicies, managed: &g.ManagedPolicyARNs}
}

func rolePolicies(r *iam.Role) *heldPolicies {
	return &heldPolicies{name: r.Name, inline: &r.InlinePolicies, managed: &r.ManagedPolicyARNs, boundary: &r.PermissionsBoundaryARN}
}

func userPolicies(u *iam.User) *heldPolicies {
	return &heldPolicies{name: u.Name, inline: &u.InlinePolicies, managed: &u.ManagedPolicyARNs, boundary: &u.PermissionsBoundaryARN}
}

// roles, users and groups are the holders.
var (
	roles = holder{
		kind: "role", title: "Role", nameParam: "RoleName", nameMember: "roleName", resource: roleResource,
		checkName: iam.ValidateRoleName, checkExisting: iam.ValidateRoleName,
		load: func(ctx context.Context, r *iam.Repo, account, name string) (*heldPolicies, error) {
			role, err := r.GetRole(ctx, account, name)
			if err != nil {
				return nil, err
			}
			return rolePolicies(role), nil
		},
		update: func(ctx context.Context, r *iam.Repo, account, name string, mutate func(*heldPolicies) error) (int64, error) {
			role, err := r.UpdateRole(ctx, account, name, func(role *iam.Role) error { return mutate(rolePolicies(role)) })
			if err != nil {
				return 0, err
			}
			return role.Revision, nil
		},
	}
	users = holder{
		kind: "user", title: "User", nameParam: "UserName", nameMember: "userName", resource: userResource,
		checkName: iam.ValidateUserName, checkExisting: iam.ValidateExistingUserName,
		load: func(ctx context.Context, r *iam.Repo, account, name string) (*heldPolicies, error) {
			u, err := r.GetUser(ctx, account, name)
			if err != nil {
				return nil, err
			}
			return userPolicies(u), nil
		},
		update: func(ctx context.Context, r *iam.Repo, account, name string, mutate func(*heldPolicies) error) (int64, error) {
			u, err := r.UpdateUser(ctx, account, name, func(u *iam.User) error { return mutate(userPolicies(u)) })
			if err != nil {
				return 0, err
			}
			return u.Revision, nil
		},
	}
	groups = holder{
		kind: "group", title: "Group", nameParam: "GroupName", nameMember: "groupName", resource: groupResource,
		checkName: groupNameCheck, checkExisting: groupNameCheck,
		load: func(ctx context.Context, r *iam.Repo, account, name string) (*heldPolicies, error) {
			g, err := r.GetGroup(ctx, account, name)
			if err != nil {
				return nil, err
			}
			return groupPolicies(g), nil
		},
		update: func(ctx context.Context, r *iam.Repo, account, name string, mutate func(*heldPolicies) error) (int64, error) {
			g, err := r.UpdateGroup(ctx, account, name, func(g *iam.Group) error { return mutate(groupPolicies(g)) })
			if err != nil {
				return 0, err
			}
			return g.Revision, nil
		},
	}
)

// groupNameCheck validates a GroupName member (groupNameType).
func groupNameCheck(name string) error { return iam.ValidateGroupName("groupName", name) }

// entityPolicyActions registers, for roles, users and groups, the inline
// policy actions (Put/Get/Delete/List<Kind>Policy…) and the managed policy
// attachments (Attach/Detach/ListAttached<Kind>Policies), and for roles
// and users the permissions boundary (Put/Delete<Kind>PermissionsBoundary).
func (s *Service) entityPolicyActions() map[string]action {
	out := map[string]action{}
	for _, h := range []holder{roles, users, groups} {
		t := h.title
		out["Put"+t+"Policy"] = action{resource: h.resource, run: s.putInlinePolicy(h)}
		out["Get"+t+"Policy"] = action{readOnly: true, resource: h.resource, run: s.getInlinePolicy(h)}
		out["Delete"+t+"Policy"] = action{resource: h.resource, run: s.deleteInlinePolicy(h)}
		out["List"+t+"Policies"] = action{readOnly: true, resource: h.resource, run: s.listInlinePolicies(h)}
		out["Attach"+t+"Policy"] = action{resource: h.resource, run: s.attachPolicy(h)}
		out["Detach"+t+"Policy"] = action{resource: h.resource, run: s.detachPolicy(h)}
		out["ListAttached"+t+"Policies"] = action{readOnly: true, resource: h.resource, run: s.listAttachedPolicies(h)}
		if h.kind == "group" {
			continue // groups have no permissions boundary
		}
		out["Put"+t+"PermissionsBoundary"] = action{resource: h.resource, run: s.putBoundary(h)}
		out["Delete"+t+"PermissionsBoundary"] = action{resource: h.resource, run: s.deleteBoundary(h)}
	}
	return out
}

// entityName reads and checks the holder's name parameter.
func (x *exchange) entityName(h holder, check func(string) error) (string, error) {
	return x.validParam(h.nameParam, h.nameMember, check)
}

package iamapi

import (
	"context"

	"github.com/stsd/stsd/internal/iam"
)

// roles is the holder of a role's policies: its inline policies
// (PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies), its
// attached managed policies (AttachRolePolicy, DetachRolePolicy,
// ListAttachedRolePolicies) and its permissions boundary
// (PutRolePermissionsBoundary, DeleteRolePermissionsBoundary).
var roles = holder{
	kind: "role", nameParam: "RoleName", nameMember: "roleName",
	checkName: iam.ValidateRoleName, checkExisting: iam.ValidateRoleName,
	load: func(ctx context.Context, r *iam.Repo, account, name string) (*heldPolicies, error) {
		role, err := r.GetRole(ctx, account, name)
		if err != nil {
			return nil, err
		}
		return rolePolicies(role), nil
	},
	update: func(ctx context.Context, r *iam.Repo, account, name string, mutate func(*heldPolicies) error) error {
		_, err := r.UpdateRole(ctx, account, name, func(role *iam.Role) error { return mutate(rolePolicies(role)) })
		return err
	},
}

func rolePolicies(r *iam.Role) *heldPolicies {
	return &heldPolicies{name: r.Name, inline: &r.InlinePolicies, managed: &r.ManagedPolicyARNs, boundary: &r.PermissionsBoundaryARN}
}
